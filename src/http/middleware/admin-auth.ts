// Bearer-token guard for the merchant API: off (404) without OC_ADMIN_TOKEN, constant-time comparison.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { errorResponse } from '../errors.ts';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** True when `presented` equals `expected`; hashing first makes the comparison length-independent. */
export function sameSecret(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}

export function requireAdmin(token: string | undefined): MiddlewareHandler {
  return async (c, next) => {
    if (!token) return errorResponse('NOT_FOUND', `no route for ${c.req.method} ${c.req.path}`);
    const header = c.req.header('authorization') ?? '';
    const presented = header.startsWith('Bearer ') ? header.slice(7) : '';
    if (!presented || !sameSecret(presented, token)) {
      return new Response(JSON.stringify({ error: { code: 'UNAUTHORIZED', message: 'a valid admin bearer token is required' } }), {
        status: 401,
        headers: { 'content-type': 'application/json; charset=utf-8', 'www-authenticate': 'Bearer realm="opencharge-merchant"' },
      });
    }
    await next();
  };
}
