// 429 RATE_LIMITED with Retry-After (PROFILE §7) and the per-address limit, counted before anything else is done.
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../context.ts';
import type { Limiter } from '../../rate-limit/limits.ts';
import { addressKey } from '../client-address.ts';
import { errorResponse } from '../errors.ts';

/** The envelope with `details.retryAfter` and the Retry-After header, both in seconds. */
export function rateLimited(retryAfter: number, message: string): Response {
  const res = errorResponse('RATE_LIMITED', `${message}: retry in ${retryAfter} s`, { retryAfter });
  res.headers.set('retry-after', String(retryAfter));
  return res;
}

export function limitAddress(limiter: Limiter): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const wait = await limiter.take(addressKey(c.get('clientAddress')));
    if (wait !== undefined) return rateLimited(wait, 'too many requests from this address');
    await next();
  };
}
