// The merchant API under /admin (issue: getting paid): the shop starts orders, lists, inspects and cancels them.
import { Hono } from 'hono';
import type { AppEnv } from '../context.ts';
import type { OrderDeps } from '../../orders/deps.ts';
import type { DeliveryStatus, OrderRecord, OrderStatus } from '../../store/types.ts';
import { createOrder } from '../../orders/create-order.ts';
import { cancelOrder } from '../../orders/lifecycle.ts';
import { payOrder } from '../../orders/pay-order.ts';
import { recoverPayment, recoverRequest, type Recovered } from '../../orders/recover-payment.ts';
import { effectiveStatus } from '../../orders/get-order.ts';
import { requireAdmin } from '../middleware/admin-auth.ts';
import { errorResponse, failureResponse } from '../errors.ts';
import { parseJsonBody } from '../json-body.ts';

export const STATUSES: readonly OrderStatus[] = ['pending', 'paid', 'expired', 'cancelled'];
export const DELIVERY_STATUSES: readonly DeliveryStatus[] = ['pending', 'succeeded', 'failed'];

export function orderSummary(o: OrderRecord, now: number) {
  return {
    id: o.id,
    status: effectiveStatus(o, now),
    amount: o.amount,
    currency: o.currency,
    reference: o.reference,
    createdAt: o.createdAt,
    expiresAt: o.expiresAt,
    paidAt: o.paidAt,
    txid: o.txid,
    flags: { paidLate: o.paidLate, paymentMismatch: o.paymentMismatch },
  };
}

/** The documented merchant QR payload (opencharge.md §1.4), as the exact JSON text to encode. */
export function merchantQr(deps: OrderDeps, o: Pick<OrderRecord, 'id' | 'expiresAt'>): string {
  return JSON.stringify({ ocid: deps.merchant.ocid, order: `${deps.config.publicBaseUrl}/orders/${encodeURIComponent(o.id)}`, expiresAt: o.expiresAt });
}

/** The list cursor (admin API and console): the last row's seq, base64url. */
export const encodeCursor = (seq: number) => Buffer.from(String(seq)).toString('base64url');
export function decodeCursor(cursor: string): number | undefined {
  const n = Number(Buffer.from(cursor, 'base64url').toString());
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

const readJson = async (req: Request) => parseJsonBody(new Uint8Array(await req.arrayBuffer()));

/** The answer of a payment recovery: the settlement verdict and the order's new state. */
export function recoveredBody(r: Recovered, now: number) {
  return { issuer: r.issuer, txid: r.txid, verdict: r.verdict, repeat: r.repeat, order: r.order ? orderSummary(r.order, now) : null };
}

export function adminRoutes(deps: OrderDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use('/admin/*', requireAdmin(deps.config.adminToken, deps.limits.login));

  app.post('/admin/orders', async (c) => {
    const body = await readJson(c.req.raw);
    if (!body.ok) return body.response;
    const res = await createOrder(deps, { callerOcid: 0, body: body.value });
    if (!res.ok) return failureResponse(res);
    const signed = JSON.parse(res.value.responseBody) as Record<string, unknown>;
    return c.json({ ...signed, qr: merchantQr(deps, res.value.record) });
  });

  app.get('/admin/orders', async (c) => {
    const status = c.req.query('status');
    if (status !== undefined && !STATUSES.includes(status as OrderStatus))
      return errorResponse('INVALID_REQUEST', `status must be one of ${STATUSES.join(', ')}`, { field: 'status' });
    const limitText = c.req.query('limit') ?? '50';
    const limit = Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > 200) return errorResponse('INVALID_REQUEST', 'limit must be 1-200', { field: 'limit' });
    const cursorText = c.req.query('cursor');
    const beforeSeq = cursorText === undefined ? undefined : decodeCursor(cursorText);
    if (cursorText !== undefined && beforeSeq === undefined) return errorResponse('INVALID_REQUEST', 'cursor is not valid', { field: 'cursor' });
    const rows = await deps.store.listOrders({ status: status as OrderStatus | undefined, beforeSeq, limit: limit + 1 });
    const page = rows.slice(0, limit);
    const now = deps.now();
    return c.json({ orders: page.map((o) => orderSummary(o, now)), nextCursor: rows.length > limit ? encodeCursor(page.at(-1)!.seq) : null });
  });

  app.get('/admin/orders/:id', async (c) => {
    const order = await deps.store.getOrder(c.req.param('id'));
    if (!order) return errorResponse('ORDER_NOT_FOUND', 'Order not found');
    const [proofs, events, deliveries, charges] = await Promise.all([
      deps.store.listProofs(order.id),
      deps.store.listEvents(order.id),
      deps.store.listDeliveries({ orderId: order.id, limit: 200 }),
      deps.store.listCharges(order.id),
    ]);
    const signed = JSON.parse(order.responseBody) as Record<string, unknown>;
    return c.json({
      ...orderSummary(order, deps.now()),
      signedOrder: signed,
      qr: merchantQr(deps, order),
      proofs: proofs.map((p) => ({ issuer: p.issuer, txid: p.txid, senderOcid: p.senderOcid, form: p.form, voucher: p.voucher, verdict: p.verdict, receivedAt: p.receivedAt, proof: JSON.parse(p.proofJson), signature: p.signature })),
      events: events.map((e) => ({ id: e.id, type: e.type, createdAt: e.createdAt, data: JSON.parse(e.data) })),
      deliveries: deliveries.map(({ event, ...d }) => ({ ...d, eventType: event.type })),
      charges: charges.map(({ tokenHash: _hidden, ...ch }) => ch),
    });
  });

  app.post('/admin/orders/:id/cancel', async (c) => {
    const res = await cancelOrder(deps, c.req.param('id'));
    return res.ok ? c.json(orderSummary(res.value, deps.now())) : failureResponse(res);
  });

  app.post('/admin/orders/:id/pay', async (c) => {
    const body = await readJson(c.req.raw);
    if (!body.ok) return body.response;
    if (!body.value || typeof body.value !== 'object') return errorResponse('INVALID_REQUEST', 'body must be JSON like {"gateway":"coingate"}');
    const res = await payOrder(deps, c.req.param('id'), (body.value as { gateway?: unknown }).gateway);
    return res.ok ? c.json(res.value) : failureResponse(res);
  });

  app.post('/admin/orders/:id/verify', async (c) => {
    const body = await readJson(c.req.raw);
    if (!body.ok) return body.response;
    const parsed = recoverRequest.safeParse(body.value);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
      return errorResponse('INVALID_REQUEST', `invalid verify request: ${issues[0]!.path || 'body'}: ${issues[0]!.message}`, { issues });
    }
    const res = await recoverPayment(deps, { ...parsed.data, orderId: c.req.param('id') });
    return res.ok ? c.json(recoveredBody(res.value, deps.now())) : failureResponse(res);
  });

  app.get('/admin/deliveries', async (c) => {
    const status = c.req.query('status');
    if (status !== undefined && !DELIVERY_STATUSES.includes(status as DeliveryStatus))
      return errorResponse('INVALID_REQUEST', 'status must be pending, succeeded or failed', { field: 'status' });
    const rows = await deps.store.listDeliveries({ status: status as DeliveryStatus | undefined, limit: 200 });
    return c.json({ deliveries: rows.map(({ event, ...d }) => ({ ...d, eventType: event.type, orderId: event.orderId })) });
  });

  app.post('/admin/deliveries/:id/redeliver', async (c) => {
    const d = await deps.store.redeliver(c.req.param('id'), deps.now());
    return d ? c.json({ delivery: d }) : errorResponse('NOT_FOUND', 'no such delivery');
  });
  return app;
}
