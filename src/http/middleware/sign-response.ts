// Signs every response of a signed endpoint, errors included (PROFILE §2 last line; opencharge.md §3.7).
import type { MiddlewareHandler } from 'hono';
import { canonicalResponse } from '../../protocol/canonical.ts';
import { signCanonicalAsync } from '../../protocol/signature.ts';
import type { OrderDeps } from '../../orders/deps.ts';
import { JSON_BODIES } from '../errors.ts';

export function signResponses(deps: OrderDeps): MiddlewareHandler {
  const ocid = String(deps.merchant.ocid);
  return async (c, next) => {
    await next();
    const res = c.res;
    const known = JSON_BODIES.get(res);
    // Our own JSON responses carry their text; anything else (a framework answer) is read back.
    const body: string | Uint8Array = known ?? new Uint8Array(await res.arrayBuffer());
    const timestamp = String(deps.now());
    const signature = await signCanonicalAsync(deps.cryptoPool, deps.merchant.privateKey, canonicalResponse({ ocid, timestamp, status: res.status, body }));
    if (known !== undefined) {
      // Our own response, unread: its headers take the signature in place. Assigning a new c.res would make hono
      // read the old one's body (on Node, a full web Response and a streamed write instead of the adapter's
      // fast path for a string body).
      try {
        res.headers.set('x-oc-id', ocid);
        res.headers.set('x-oc-timestamp', timestamp);
        res.headers.set('x-oc-signature', signature);
        return;
      } catch {
        // Immutable headers: a new response below.
      }
    }
    const headers: Record<string, string> = {};
    res.headers.forEach((v, k) => (headers[k] = v));
    headers['x-oc-id'] = ocid;
    headers['x-oc-timestamp'] = timestamp;
    headers['x-oc-signature'] = signature;
    c.res = new Response(body as BodyInit, { status: res.status, headers });
  };
}
