// The merchant API under /admin: the shop starts orders, lists, inspects and cancels them.
import { Hono } from 'hono';
import type { AppEnv } from '../context.ts';
import type { OrderDeps } from '../../orders/deps.ts';
import type { OrderRecord } from '../../store/types.ts';
import { createOrder } from '../../orders/create-order.ts';
import { cancelOrder } from '../../orders/lifecycle.ts';
import { payOrder } from '../../orders/pay-order.ts';
import { recoverPayment, recoverRequest, type Recovered } from '../../orders/recover-payment.ts';
import { effectiveStatus } from '../../orders/get-order.ts';
import { merchantQr } from '../../orders/qr-text.ts';
import { ORDER_STATUSES, decodeCursor, getOrderDetail, isDeliveryStatus, isOrderStatus, listDeliveries, listOrdersPage, redeliver } from '../../orders/queries.ts';
import { requireAdmin } from '../middleware/admin-auth.ts';
import { errorResponse, failureResponse } from '../errors.ts';
import { parseJsonBody } from '../json-body.ts';

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
    if (status !== undefined && !isOrderStatus(status))
      return errorResponse('INVALID_REQUEST', `status must be one of ${ORDER_STATUSES.join(', ')}`, { field: 'status' });
    const limitText = c.req.query('limit') ?? '50';
    const limit = Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > 200) return errorResponse('INVALID_REQUEST', 'limit must be 1-200', { field: 'limit' });
    const cursorText = c.req.query('cursor');
    const beforeSeq = cursorText === undefined ? undefined : decodeCursor(cursorText);
    if (cursorText !== undefined && beforeSeq === undefined) return errorResponse('INVALID_REQUEST', 'cursor is not valid', { field: 'cursor' });
    const page = await listOrdersPage(deps, { status, beforeSeq, limit });
    const now = deps.now();
    return c.json({ orders: page.orders.map((o) => orderSummary(o, now)), nextCursor: page.nextCursor });
  });

  app.get('/admin/orders/:id', async (c) => {
    const detail = await getOrderDetail(deps, c.req.param('id'));
    if (!detail) return errorResponse('ORDER_NOT_FOUND', 'Order not found');
    const { order, proofs, events, deliveries, charges } = detail;
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
    if (status !== undefined && !isDeliveryStatus(status))
      return errorResponse('INVALID_REQUEST', 'status must be pending, succeeded or failed', { field: 'status' });
    const rows = await listDeliveries(deps, status);
    return c.json({ deliveries: rows.map(({ event, ...d }) => ({ ...d, eventType: event.type, orderId: event.orderId })) });
  });

  app.post('/admin/deliveries/:id/redeliver', async (c) => {
    const d = await redeliver(deps, c.req.param('id'));
    return d ? c.json({ delivery: d }) : errorResponse('NOT_FOUND', 'no such delivery');
  });
  return app;
}
