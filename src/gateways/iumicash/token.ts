// iumiCash OAuth 2.0 client-credentials access token: obtained on demand, cached until shortly before expiry (gateways.md §4.2).
import type { GatewayResult } from '../types.ts';
import type { AccessToken } from './wire.ts';

/** Renew this long before the server's expiry, so a token never dies in flight; at most half its life. */
export const REFRESH_MARGIN_S = 60;

export interface IssuedToken {
  token: string;
  /** True when obtained for this call: a 401 on it is final, a 401 on a cached one earns one refresh. */
  fresh: boolean;
}

export interface TokenCache {
  get(): Promise<GatewayResult<IssuedToken>>;
  /** Drops the cached token if it is still this one (a 401 said it is no longer good). */
  invalidate(token: string): void;
  /** The token itself never shows up in JSON of the cache. */
  toJSON(): { cached: boolean };
}

/**
 * `obtain` performs the token exchange; `now` is unix seconds. Concurrent callers share one exchange, and a
 * failed exchange is not cached (the next call tries again).
 */
export function createTokenCache(obtain: () => Promise<GatewayResult<AccessToken>>, now: () => number): TokenCache {
  let cached: { token: string; refreshAt: number } | undefined;
  let inflight: Promise<GatewayResult<IssuedToken>> | undefined;

  async function exchange(): Promise<GatewayResult<IssuedToken>> {
    const issuedAt = now();
    const res = await obtain();
    if (!res.ok) return res;
    const margin = Math.min(REFRESH_MARGIN_S, Math.floor(res.value.expiresIn / 2));
    cached = { token: res.value.accessToken, refreshAt: issuedAt + res.value.expiresIn - margin };
    return { ok: true, value: { token: res.value.accessToken, fresh: true } };
  }

  return {
    async get() {
      if (cached && now() < cached.refreshAt) return { ok: true, value: { token: cached.token, fresh: false } };
      cached = undefined;
      inflight ??= exchange().finally(() => {
        inflight = undefined;
      });
      return inflight;
    },
    invalidate(token) {
      if (cached?.token === token) cached = undefined;
    },
    toJSON: () => ({ cached: cached !== undefined }),
  };
}
