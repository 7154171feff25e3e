// The Opencharge endpoints under the base path (PROFILE §2-§4), the operations probes and the gateway callbacks.
import { error, jsonBody, jsonResponse, operation, pathParam, type Json } from './operations.ts';

const orderId = pathParam('id', 'the order id (`ord_…`, or the id the shop chose)');

/** Paths are full (base path included): clients sign the path as sent, so the document shows exactly that. */
export function endpointPaths(base: string): Record<string, Json> {
  return {
    '/healthz': {
      get: operation({ id: 'healthz', summary: 'Liveness', tags: ['operations'], auth: 'public', unlimited: true, responses: { '200': jsonResponse('Health', '`{"status":"ok"}`') } }),
    },
    '/readyz': {
      get: operation({
        id: 'readyz',
        summary: 'Readiness: the database is reachable and migrated',
        tags: ['operations'],
        auth: 'public',
        unlimited: true,
        responses: { '200': jsonResponse('Health', '`{"status":"ready"}`'), '503': jsonResponse('Health', '`{"status":"unavailable"}`') },
      }),
    },
    [`${base}/metadata.json`]: {
      get: operation({ id: 'getMetadata', summary: 'Our metadata: key, endpoint, capabilities, settlement, signed config', tags: ['opencharge'], auth: 'public', responses: { '200': jsonResponse('Metadata', 'the metadata document') } }),
    },
    [`${base}/inventory`]: {
      get: operation({
        id: 'getInventory',
        summary: 'The inventory document (OC_INVENTORY_FILE)',
        tags: ['opencharge'],
        auth: 'public',
        responses: { '200': { description: 'the inventory document', content: { 'application/json': { schema: { type: 'object' } } } }, '400': error('`CAPABILITY_NOT_SUPPORTED`: this merchant publishes no inventory') },
      }),
    },
    [`${base}/orders/{id}`]: {
      get: operation({ id: 'getOrder', summary: 'The stored signed order, byte for byte', tags: ['opencharge'], auth: 'public', parameters: [orderId], responses: { '200': jsonResponse('SignedOrder', '`{order, signature, urls}` as created'), '404': error('`ORDER_NOT_FOUND`') } }),
    },
    [`${base}/orders/{id}/status`]: {
      get: operation({ id: 'getOrderStatus', summary: 'An order\'s status (expiry is derived on read)', tags: ['opencharge'], auth: 'public', parameters: [orderId], responses: { '200': jsonResponse('OrderStatus', '`paidAt` and `txid` once paid'), '404': error('`ORDER_NOT_FOUND`') } }),
    },
    [`${base}/capabilities`]: {
      get: operation({ id: 'getCapabilities', summary: 'What this merchant supports', tags: ['opencharge'], auth: 'signed', responses: { '200': jsonResponse('Capabilities', 'capabilities and settlement') } }),
    },
    [`${base}/orders/create`]: {
      post: operation({
        id: 'createOrder',
        summary: 'Create (or replay) a signed order',
        description: 'Idempotent on `(caller, id)`: the same body again answers the stored response byte for byte. With an inventory, `items` are priced from it.',
        tags: ['opencharge'],
        auth: 'signed',
        requestBody: jsonBody('CreateOrderRequest', 'the order to create; unknown fields are refused'),
        responses: {
          '200': jsonResponse('SignedOrder', 'the signed order'),
          '400': error('`INVALID_REQUEST` (zod issues in `details.issues`), `AMOUNT_MISMATCH` or `CURRENCY_MISMATCH`'),
          '409': error('`ORDER_CONFLICT`: the id exists with another body or caller'),
        },
      }),
    },
    [`${base}/transfer/webhook`]: {
      post: operation({
        id: 'deliverTransferProof',
        summary: 'Deliver a signed transfer proof that settles an order',
        tags: ['opencharge'],
        auth: 'signed',
        requestBody: jsonBody('TransferProofRequest', '`{proof, signature}`: the issuer\'s proof and its signature'),
        responses: {
          '200': jsonResponse('TransferAccepted', 'stored (and, for a matching pending order, paid); the same proof again answers the same'),
          '400': error('`INVALID_PROOF`, `ISSUER_NOT_ACCEPTED`, `PROOF_SIGNATURE_INVALID`, `AMOUNT_MISMATCH` or `CURRENCY_MISMATCH` (`details.reason` says why)'),
        },
      }),
    },
    [`${base}/openapi.json`]: {
      get: operation({ id: 'getOpenApi', summary: 'This document', tags: ['operations'], auth: 'public', responses: { '200': { description: 'the OpenAPI 3.1 document', content: { 'application/json': { schema: { type: 'object' } } } } } }),
    },
  };
}

/** Callbacks of the enabled outbound gateways: each authenticates its own way (signature or per-charge token). */
export function callbackPaths(base: string, gateways: readonly string[]): Record<string, Json> {
  if (gateways.length === 0) return {};
  const spec = (method: string) =>
    operation({
      id: `gatewayCallback${method}`,
      summary: `A gateway's payment callback (${method.toUpperCase()})`,
      description: 'Never trusted alone: the charge is re-fetched from the gateway before the order changes. The answer is what the gateway expects.',
      tags: ['gateways'],
      auth: 'public',
      parameters: [pathParam('gateway', 'an enabled gateway', { type: 'string', enum: [...gateways] })],
      responses: {
        '200': { description: 'the reply the gateway expects (JSON or text)' },
        '400': error('`INVALID_REQUEST`: the callback does not authenticate or parse'),
        '401': error('`UNAUTHORIZED`: the callback token does not match'),
        '404': error('`NOT_FOUND`: no such gateway enabled, or an unknown charge'),
        '502': error('`GATEWAY_ERROR`: the charge could not be re-fetched'),
      },
    });
  return { [`${base}/callbacks/{gateway}`]: { get: spec('Get'), post: spec('Post') } };
}
