// CSRF tokens: HMAC of the session id under their own key, checked in constant time on every console POST.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ConsoleKeys } from './session.ts';

export const CSRF_FIELD = '_csrf';

export function csrfToken(keys: Pick<ConsoleKeys, 'csrf'>, sid: string): string {
  return createHmac('sha256', keys.csrf).update(`csrf:${sid}`).digest('base64url');
}

/** True when the presented token is this session's; lengths are compared first (they are not secret). */
export function csrfMatches(presented: unknown, expected: string): boolean {
  if (typeof presented !== 'string') return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
