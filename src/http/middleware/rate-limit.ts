// 429 RATE_LIMITED with Retry-After (PROFILE §7) and the per-address limit, counted before anything else is done.
import type { Context, MiddlewareHandler } from 'hono';
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

/** The per-address check alone: a 429 to answer, or undefined to go on. */
export function addressLimit(limiter: Limiter): (c: Context<AppEnv>) => Promise<Response | undefined> {
  return async (c) => {
    const wait = await limiter.take(addressKey(c.get('clientAddress')));
    return wait === undefined ? undefined : rateLimited(wait, 'too many requests from this address');
  };
}

export function limitAddress(limiter: Limiter): MiddlewareHandler<AppEnv> {
  const limited = addressLimit(limiter);
  return async (c, next) => {
    const res = await limited(c);
    if (res) return res;
    await next();
  };
}
