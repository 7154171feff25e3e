// Signed-request middleware (PROFILE §2): headers → window → key → signature over raw bytes → nonce.
import type { MiddlewareHandler } from 'hono';
import { parseAuthHeaders, isFresh } from '../../protocol/headers.ts';
import { canonicalRequest, canonicalRequestView } from '../../protocol/canonical.ts';
import { verifyCanonicalAsync } from '../../protocol/signature.ts';
import { errorResponse } from '../errors.ts';
import type { AppEnv } from '../context.ts';
import type { OrderDeps } from '../../orders/deps.ts';
import { nonceGuardFor } from '../../orders/nonce-guard.ts';
import { rateLimited } from './rate-limit.ts';

export interface SignatureOptions {
  /**
   * The handler settles the nonce guard (`auth.nonce`) itself, inside its own transaction: `/orders/create`
   * does, saving one durable commit per request. Whatever the handler leaves unsettled is settled here once it
   * has answered, so no answer of the route skips the nonce; only a thrown error (an INTERNAL answer) leaves
   * the nonce unused, so that the request may be retried as it is.
   */
  deferNonce?: boolean;
}

/** The request-target exactly as received: Node's raw `incoming.url`, else the URL's path + query. */
export function requestTarget(req: Request, env: unknown): string {
  const incoming = (env as { incoming?: { url?: string } } | undefined)?.incoming;
  if (incoming?.url) return incoming.url;
  const u = new URL(req.url);
  return u.pathname + u.search;
}

const reused = () => errorResponse('NONCE_REUSED', 'nonce already used');

export function requireSignature(deps: OrderDeps, opts: SignatureOptions = {}): MiddlewareHandler<AppEnv> {
  const window = deps.config.timestampWindow;
  return async (c, next) => {
    // 1. headers present and well-formed
    const h = parseAuthHeaders((name) => c.req.header(name));
    if (!h.ok) return errorResponse('INVALID_SIGNATURE', h.reason, { reason: h.reason });
    const { headers } = h;
    // 2. freshness
    const now = deps.now();
    if (!isFresh(headers.timestamp, now, window))
      return errorResponse('TIMESTAMP_EXPIRED', `timestamp is more than ${window} seconds from server time`, { serverTime: now });
    // 3. the caller's key
    let key = await deps.resolver.resolve(headers.ocidNumber);
    if (!key.ok) return errorResponse(key.code, key.reason, { ocid: headers.ocidNumber });
    // 4. signature over the raw received bytes
    const rawBody = new Uint8Array(await c.req.arrayBuffer());
    const parts = { ocid: headers.ocid, timestamp: headers.timestamp, nonce: headers.nonce, method: c.req.method, path: requestTarget(c.req.raw, c.env), body: rawBody };
    const canonical = canonicalRequest(parts);
    let verdict = await verifyCanonicalAsync(deps.cryptoPool, key.key, canonical, headers.signature);
    if (!verdict.valid && key.cached) {
      // Keys rotate: refetch once before failing (PROFILE §2 step 4).
      const fresh = await deps.resolver.resolve(headers.ocidNumber, { refresh: true });
      if (fresh.ok && fresh.hex !== key.hex) {
        key = fresh;
        verdict = await verifyCanonicalAsync(deps.cryptoPool, fresh.key, canonical, headers.signature);
      }
    }
    // The canonical request we verified against, so the caller can diff it with its own build (like SigV4's SignatureDoesNotMatch):
    // only what the request carried, never our key or the signature we would have expected.
    if (!verdict.valid)
      return errorResponse('INVALID_SIGNATURE', 'request signature does not verify: compare details.canonical with the canonical string you signed', {
        reason: verdict.reason,
        canonicalRequest: canonicalRequestView(parts),
        canonical,
      });
    // The per-caller limit counts authenticated requests only: nobody can spend another caller's budget.
    // A limited request leaves its nonce unused, so the caller may retry it as it is.
    const wait = await deps.limits.caller.take(String(headers.ocidNumber));
    if (wait !== undefined) return rateLimited(wait, `too many requests from OCID ${headers.ocidNumber}`);
    // 5. nonce, kept at least 2 × window
    const claim = { ocid: headers.ocidNumber, nonce: headers.nonce, expiresAt: Number(headers.timestamp) + 2 * window };
    const nonce = nonceGuardFor(deps, claim);
    if (!opts.deferNonce && !(await nonce.settle())) return reused();
    c.set('auth', { ocid: headers.ocidNumber, nonce, rawBody });
    await next();
    // The backstop: an answer the handler gave without settling the nonce consumes it now (a replay is NONCE_REUSED).
    if (!nonce.settled && c.error === undefined && !(await nonce.settle())) c.res = reused();
  };
}
