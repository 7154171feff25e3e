// Signed routes (PROFILE §2-§4): GET /capabilities, POST /orders/create, POST /transfer/webhook; all signed back.
import { Hono } from 'hono';
import type { AppEnv } from '../context.ts';
import type { OrderDeps } from '../../orders/deps.ts';
import { buildCapabilities } from '../../orders/metadata.ts';
import { createOrder } from '../../orders/create-order.ts';
import { acceptTransfer } from '../../orders/accept-transfer.ts';
import { requireSignature } from '../middleware/signature.ts';
import { signResponses } from '../middleware/sign-response.ts';
import { failureResponse, jsonText } from '../errors.ts';
import { limitBody } from '../middleware/body-limit.ts';
import { parseJsonBody } from '../json-body.ts';
import { limitAddress } from '../middleware/rate-limit.ts';

/** The signed endpoints (PROFILE §2), relative to the base path. */
export const SIGNED_PATHS = ['/capabilities', '/orders/create', '/transfer/webhook'] as const;

export function signedRoutes(deps: OrderDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const capabilities = buildCapabilities(deps);
  // Per route, not '*': a sub-app's '*' middleware would also sign the public routes mounted beside it.
  const signed = signResponses(deps);
  const perAddress = limitAddress(deps.limits.address);

  app.get('/capabilities', signed, perAddress, limitBody, requireSignature(deps), () => jsonText(capabilities));

  app.post('/orders/create', signed, perAddress, limitBody, requireSignature(deps, { deferNonce: true }), async (c) => {
    const auth = c.get('auth');
    const body = parseJsonBody(auth.rawBody);
    // requireSignature consumes the nonce of this answer (a replay is NONCE_REUSED).
    if (!body.ok) return body.response;
    const res = await createOrder(deps, { callerOcid: auth.ocid, body: body.value, nonce: auth.nonce });
    return res.ok ? jsonText(res.value.responseBody) : failureResponse(res);
  });

  app.post('/transfer/webhook', signed, perAddress, limitBody, requireSignature(deps), async (c) => {
    const auth = c.get('auth');
    const body = parseJsonBody(auth.rawBody, 'INVALID_PROOF');
    if (!body.ok) return body.response;
    const res = await acceptTransfer(deps, { senderOcid: auth.ocid, body: body.value });
    if (!res.ok) deps.metrics.proofsRejected.inc({ code: res.code });
    return res.ok ? jsonText(JSON.stringify(res.value.body)) : failureResponse(res);
  });
  return app;
}
