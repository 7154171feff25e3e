// iumiCash OAuth 2.0 client-credentials access token (docs/gateways.md §4.2): the exchange built and parsed (pure), cached until shortly before expiry.
import type { GatewayResult, HttpRequest } from '../types.ts';
import { fail, isRecord, parseJson } from '../kit.ts';
import { errorFromResponse } from './wire.ts';

/** §4.2: client-credentials token request, `Basic base64(client_id:client_secret)` exactly as the docs show. */
export function toTokenRequest(baseUrl: string, clientId: string, clientSecret: string): HttpRequest {
  return {
    method: 'POST',
    url: `${baseUrl}/api/v1/oauth/token/`,
    headers: {
      authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`, 'utf8').toString('base64')}`,
      'content-type': 'application/json',
      accept: 'application/json',
    },
    body: JSON.stringify({ grant_type: 'client_credentials' }),
  };
}

export interface AccessToken {
  accessToken: string;
  /** Seconds of validity the server granted. */
  expiresIn: number;
}

/** When `expires_in` is missing (OAuth makes it optional), assume a short life rather than the 8 h of the example. */
export const DEFAULT_TOKEN_LIFETIME_S = 300;
const TOKEN_RE = /^[A-Za-z0-9._~+/-]{1,4096}=*$/;

/** Parse half of the token exchange (§4.2): 200 + `{access_token, token_type: "Bearer", expires_in}`. */
export function fromTokenResponse(status: number, body: string): GatewayResult<AccessToken> {
  const json = parseJson(body);
  if (status !== 200) {
    const error = errorFromResponse(status, json, 'token');
    // A 400 naming the client or the grant is a credentials problem, not a malformed request of ours (§4.2, RFC 6749 §5.2).
    if (status === 400 && /invalid_(client|grant|authz)|unauthorized_client/i.test(String(isRecord(json) ? json.error : ''))) {
      return { ok: false, error: { ...error, kind: 'auth' } };
    }
    return { ok: false, error };
  }
  if (!isRecord(json)) return fail('protocol', 'iumiCash token answer is not a JSON object');
  if (typeof json.access_token !== 'string' || !TOKEN_RE.test(json.access_token)) return fail('protocol', 'iumiCash token answer has no usable access_token');
  if (json.token_type !== undefined && (typeof json.token_type !== 'string' || json.token_type.toLowerCase() !== 'bearer')) {
    return fail('protocol', 'iumiCash token answer is not a Bearer token');
  }
  let expiresIn = DEFAULT_TOKEN_LIFETIME_S;
  if (json.expires_in !== undefined) {
    if (typeof json.expires_in !== 'number' || !Number.isSafeInteger(json.expires_in) || json.expires_in <= 0) {
      return fail('protocol', 'iumiCash token answer has an invalid expires_in');
    }
    expiresIn = json.expires_in;
  }
  return { ok: true, value: { accessToken: json.access_token, expiresIn } };
}

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
