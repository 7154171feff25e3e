// Bearer-token guard for the merchant API: off (404) without OC_ADMIN_TOKEN, constant-time comparison, 10 failures/min per address.
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../context.ts';
import type { FailureLimiter } from '../../rate-limit/limits.ts';
import { addressKey } from '../client-address.ts';
import { errorResponse } from '../errors.ts';
import { rateLimited } from './rate-limit.ts';
import { sameSecret } from '../../crypto/same-secret.ts';

export const TOO_MANY_LOGINS = 'too many failed admin logins from this address';

/**
 * An address that sent too many wrong tokens is refused before its token is even compared, so a
 * right guess inside the window is refused too: guessing gains nothing. Only a wrong token counts
 * as a failure (a request without one guesses nothing).
 */
export function requireAdmin(token: string | undefined, failures: FailureLimiter): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!token) return errorResponse('NOT_FOUND', `no route for ${c.req.method} ${c.req.path}`);
    const address = addressKey(c.get('clientAddress'));
    const wait = await failures.blocked(address);
    if (wait !== undefined) return rateLimited(wait, TOO_MANY_LOGINS);
    const header = c.req.header('authorization') ?? '';
    const presented = header.startsWith('Bearer ') ? header.slice(7) : '';
    if (!presented || !sameSecret(presented, token)) {
      if (presented) await failures.fail(address);
      return new Response(JSON.stringify({ error: { code: 'UNAUTHORIZED', message: 'a valid admin bearer token is required' } }), {
        status: 401,
        headers: { 'content-type': 'application/json; charset=utf-8', 'www-authenticate': 'Bearer realm="opencharge-merchant"' },
      });
    }
    await next();
  };
}
