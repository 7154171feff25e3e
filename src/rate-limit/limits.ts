// Rate limits (PROFILE §7): per caller OCID, per client address, and failed admin logins per address.
import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Config, RateSetting } from '../config.ts';

/** Failed admin-token and console logins: 10 per address per minute, then 429 until the minute is over. */
const LOGIN_FAILURES = { points: 10, duration: 60 } as const;

export interface Limiter {
  /** Counts one request for `key`: the seconds to wait when it is over the limit, else undefined. */
  take(key: string): Promise<number | undefined>;
}

export interface FailureLimiter {
  /** Seconds until `key` may try again after too many failures, else undefined. */
  blocked(key: string): Promise<number | undefined>;
  /** Counts one failure for `key`. */
  fail(key: string): Promise<void>;
}

export interface RateLimits {
  /** Per caller OCID, counted after the request signature verified (OC_RATE_LIMIT). */
  caller: Limiter;
  /** Per client address, counted before anything else (OC_RATE_LIMIT_IP). */
  address: Limiter;
  /** Failed admin bearer tokens and console logins, per client address. */
  login: FailureLimiter;
  close(): Promise<void>;
}

export interface LimiterSpec {
  keyPrefix: string;
  points: number;
  /** Seconds (may be fractional). */
  duration: number;
}

/** Builds one rate-limiter-flexible limiter: in memory (one instance), or in a store shared by all instances. */
export type MakeLimiter = (spec: LimiterSpec) => RateLimiterAbstract;

const memoryLimiter: MakeLimiter = (spec) => new RateLimiterMemory(spec);

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));
const OFF: Limiter = { take: async () => undefined };

/**
 * `rate`/`burst` as a window of burst/rate seconds holding `burst` requests: on average `rate` per
 * second, and up to `burst` at once (one row or memory cell per key, one atomic upsert per request).
 */
function windowLimiter(make: MakeLimiter, keyPrefix: string, s: RateSetting | undefined): Limiter {
  if (!s) return OFF;
  const rl = make({ keyPrefix, points: s.burst, duration: s.burst / s.rate });
  return {
    async take(key) {
      try {
        await rl.consume(key);
        return undefined;
      } catch (err) {
        if (err instanceof RateLimiterRes) return seconds(err.msBeforeNext);
        throw err;
      }
    },
  };
}

function failureLimiter(make: MakeLimiter): FailureLimiter {
  const rl = make({ keyPrefix: 'oc_login_fail', ...LOGIN_FAILURES });
  return {
    async blocked(key) {
      const res = await rl.get(key);
      return res && res.consumedPoints >= LOGIN_FAILURES.points ? seconds(res.msBeforeNext) : undefined;
    },
    async fail(key) {
      await rl.penalty(key, 1);
    },
  };
}

export function createRateLimits(
  config: Pick<Config, 'rateLimit' | 'rateLimitIp'>,
  make: MakeLimiter = memoryLimiter,
  close: () => Promise<void> = async () => {},
): RateLimits {
  return {
    caller: windowLimiter(make, 'oc_rl_caller', config.rateLimit),
    address: windowLimiter(make, 'oc_rl_ip', config.rateLimitIp),
    login: failureLimiter(make),
    close,
  };
}
