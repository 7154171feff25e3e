// Signs every response of a signed endpoint, errors included (PROFILE §2 last line; opencharge.md §3.7).
import type { MiddlewareHandler } from 'hono';
import { canonicalResponse } from '../../protocol/canonical.ts';
import { signCanonical } from '../../protocol/signature.ts';
import type { OrderDeps } from '../../orders/deps.ts';

export function signResponses(deps: OrderDeps): MiddlewareHandler {
  const ocid = String(deps.merchant.ocid);
  return async (c, next) => {
    await next();
    const body = new Uint8Array(await c.res.arrayBuffer());
    const timestamp = String(deps.now());
    const signature = signCanonical(deps.backend, deps.merchant.privateKey, canonicalResponse({ ocid, timestamp, status: c.res.status, body }));
    const headers = new Headers(c.res.headers);
    headers.set('X-OC-ID', ocid);
    headers.set('X-OC-Timestamp', timestamp);
    headers.set('X-OC-Signature', signature);
    c.res = new Response(body, { status: c.res.status, headers });
  };
}
