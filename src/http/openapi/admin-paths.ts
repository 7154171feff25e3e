// The merchant API under /admin (bearer token) and GET /metrics, as the server mounts them.
import { DELIVERY_STATUSES, ORDER_STATUSES } from '../../orders/queries.ts';
import type { MetricsAccess } from '../routes/metrics.ts';
import { error, jsonBody, jsonResponse, operation, pathParam, queryParam, type Json } from './operations.ts';

const orderId = pathParam('id', 'the order id');
const tags = ['admin'];

export function adminPaths(gateways: readonly string[]): Record<string, Json> {
  return {
    '/admin/orders': {
      post: operation({
        id: 'adminCreateOrder',
        summary: 'Create an order as the shop (same rules and idempotency as /orders/create)',
        tags,
        auth: 'admin',
        requestBody: jsonBody('CreateOrderRequest', 'the order to create'),
        responses: { '200': jsonResponse('AdminOrder', 'the signed order and its QR payload'), '400': error('`INVALID_REQUEST`, `AMOUNT_MISMATCH` or `CURRENCY_MISMATCH`'), '409': error('`ORDER_CONFLICT`') },
      }),
      get: operation({
        id: 'adminListOrders',
        summary: 'Orders, newest first, a page at a time',
        tags,
        auth: 'admin',
        parameters: [
          queryParam('status', 'only orders in this status', { type: 'string', enum: [...ORDER_STATUSES] }),
          queryParam('limit', 'page size', { type: 'integer', minimum: 1, maximum: 200, default: 50 }),
          queryParam('cursor', 'the `nextCursor` of the previous page', { type: 'string' }),
        ],
        responses: { '200': jsonResponse('OrderList', 'a page; `nextCursor` is null on the last one'), '400': error('`INVALID_REQUEST`: `details.field` names the bad parameter') },
      }),
    },
    '/admin/orders/{id}': {
      get: operation({ id: 'adminGetOrder', summary: 'An order with its signed form, proofs, events, deliveries and charges', tags, auth: 'admin', parameters: [orderId], responses: { '200': jsonResponse('OrderDetail', 'the order in full'), '404': error('`ORDER_NOT_FOUND`') } }),
    },
    '/admin/orders/{id}/cancel': {
      post: operation({ id: 'adminCancelOrder', summary: 'Cancel a pending order', tags, auth: 'admin', parameters: [orderId], responses: { '200': jsonResponse('OrderSummary', 'the cancelled order'), '404': error('`ORDER_NOT_FOUND`'), '409': error('`INVALID_STATE`: only a pending order can be cancelled') } }),
    },
    '/admin/orders/{id}/pay': {
      post: operation({
        id: 'adminPayOrder',
        summary: 'Create (once) a charge for the order at an outbound gateway',
        tags,
        auth: 'admin',
        parameters: [orderId],
        requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['gateway'], properties: { gateway: { type: 'string', enum: [...gateways], description: 'an enabled gateway' } } } } } },
        responses: {
          '200': jsonResponse('PaymentLink', 'where the customer pays; a retry answers the same charge'),
          '400': error('`INVALID_REQUEST` or `GATEWAY_NOT_ENABLED`'),
          '404': error('`ORDER_NOT_FOUND`'),
          '409': error('`INVALID_STATE`: the order is not pending, or its charge is being created'),
          '502': error('`GATEWAY_ERROR`: the gateway refused or could not be reached'),
        },
      }),
    },
    '/admin/orders/{id}/verify': {
      post: operation({
        id: 'adminVerifyPayment',
        summary: "Recover a missed payment: ask the issuer's signed GET /verify/{txid} and settle its proof like a webhook",
        tags,
        auth: 'admin',
        parameters: [orderId],
        requestBody: jsonBody('RecoverPaymentRequest', 'the issuer (one of the order\'s accepts) and the txid to ask about'),
        responses: {
          '200': jsonResponse('Recovered', 'the settlement verdict; repeat = the proof was already recorded (nothing sent twice)'),
          '400': error('`INVALID_REQUEST`, `ISSUER_NOT_ACCEPTED` or `CAPABILITY_NOT_SUPPORTED`'),
          '404': error('`ORDER_NOT_FOUND` or `TXID_NOT_FOUND`'),
          '409': error('`INVALID_STATE`: the transfer is pending, or its proof is for another order'),
          '410': error('`TRANSACTION_EXPIRED`'),
          '502': error('`GATEWAY_ERROR` or `METADATA_UNAVAILABLE`: the issuer could not be asked or its answer was not signed'),
        },
      }),
    },
    '/admin/deliveries': {
      get: operation({
        id: 'adminListDeliveries',
        summary: 'Shop notification deliveries, newest first (up to 200)',
        tags,
        auth: 'admin',
        parameters: [queryParam('status', 'only deliveries in this status', { type: 'string', enum: [...DELIVERY_STATUSES] })],
        responses: { '200': jsonResponse('DeliveryList', 'the deliveries'), '400': error('`INVALID_REQUEST`: unknown status') },
      }),
    },
    '/admin/deliveries/{id}/redeliver': {
      post: operation({ id: 'adminRedeliver', summary: 'Send a delivery again (due now, attempt count kept)', tags, auth: 'admin', parameters: [pathParam('id', 'the delivery id')], responses: { '200': jsonResponse('Redelivered', 'the delivery, pending again'), '404': error('`NOT_FOUND`: no such delivery') } }),
    },
  };
}

export function metricsPaths(access: MetricsAccess): Record<string, Json> {
  if (access === 'off') return {};
  return {
    '/metrics': {
      get: operation({
        id: 'getMetrics',
        summary: 'Prometheus metrics (text exposition format 0.0.4)',
        description: access === 'public' ? 'Public: OC_METRICS=1.' : 'Behind the admin token (set OC_METRICS=1 to make it public).',
        tags: ['operations'],
        auth: access === 'public' ? 'public' : 'admin',
        responses: { '200': { description: 'the metrics', content: { 'text/plain': { schema: { type: 'string' } } } } },
      }),
    },
  };
}
