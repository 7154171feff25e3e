// Signs every response of a signed endpoint, errors included (PROFILE §2 last line; opencharge.md §3.7).
import type { MiddlewareHandler } from 'hono';
import { canonicalResponse } from '../../protocol/canonical.ts';
import { signCanonical } from '../../protocol/signature.ts';
import type { OrderDeps } from '../../orders/deps.ts';
import { JSON_BODIES } from '../errors.ts';

export function signResponses(deps: OrderDeps): MiddlewareHandler {
  const ocid = String(deps.merchant.ocid);
  return async (c, next) => {
    await next();
    const res = c.res;
    // Our own JSON responses carry their text; anything else (a framework answer) is read back.
    const body: string | Uint8Array = JSON_BODIES.get(res) ?? new Uint8Array(await res.arrayBuffer());
    const timestamp = String(deps.now());
    const signature = signCanonical(deps.backend, deps.merchant.privateKey, canonicalResponse({ ocid, timestamp, status: res.status, body }));
    const headers: Record<string, string> = {};
    res.headers.forEach((v, k) => (headers[k] = v));
    headers['x-oc-id'] = ocid;
    headers['x-oc-timestamp'] = timestamp;
    headers['x-oc-signature'] = signature;
    c.res = new Response(body as BodyInit, { status: res.status, headers });
  };
}
