// The console session cookie: `sid.expiresAt.mac`, an HMAC-SHA256 under a key derived from the admin token.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { bytesToHex } from '../../../protocol/hex.ts';
import { csrfToken } from './csrf.ts';
import type { ConsoleSession } from './env.ts';

export interface ConsoleKeys {
  session: Buffer;
  csrf: Buffer;
}

/** Separate keys per purpose; rotating OC_ADMIN_TOKEN invalidates every session and CSRF token at once. */
export function deriveKeys(adminToken: string): ConsoleKeys {
  const derive = (label: string) => createHmac('sha256', adminToken).update(`opencharge-merchant console ${label} v1`).digest();
  return { session: derive('session'), csrf: derive('csrf') };
}

const mac = (key: Buffer, text: string) => createHmac('sha256', key).update(text).digest('base64url');
const COOKIE_RE = /^([0-9a-f]{32})\.([1-9]\d{0,11})\.([A-Za-z0-9_-]{43})$/;

export function issueSession(keys: ConsoleKeys, randomBytes: (n: number) => Uint8Array, now: number, ttl: number): { cookie: string; session: ConsoleSession } {
  const sid = bytesToHex(randomBytes(16));
  const expiresAt = now + ttl;
  const payload = `${sid}.${expiresAt}`;
  return { cookie: `${payload}.${mac(keys.session, payload)}`, session: { sid, expiresAt, csrf: csrfToken(keys, sid) } };
}

/** The session in a cookie value, or undefined when it is malformed, forged or expired. */
export function readSession(keys: ConsoleKeys, value: string | undefined, now: number): ConsoleSession | undefined {
  const m = value === undefined ? null : COOKIE_RE.exec(value);
  if (!m) return undefined;
  const [, sid, exp, presented] = m as unknown as [string, string, string, string];
  const expected = mac(keys.session, `${sid}.${exp}`);
  if (!timingSafeEqual(Buffer.from(presented), Buffer.from(expected))) return undefined;
  const expiresAt = Number(exp);
  if (now >= expiresAt) return undefined;
  return { sid, expiresAt, csrf: csrfToken(keys, sid) };
}
