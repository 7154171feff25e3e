// Live order status for the point of sale: a JSON endpoint behind the session and the page's polling script.
import { Hono } from 'hono';
import type { OrderDeps } from '../../../orders/deps.ts';
import { effectiveStatus } from '../../../orders/get-order.ts';
import { getOrder } from '../../../orders/queries.ts';
import type { ConsoleEnv } from './env.ts';
import { AMOUNT_LABEL, STATUS_LABEL } from './format.tsx';

export const liveStatusUrl = (id: string) => `/console/api/orders/${encodeURIComponent(id)}/status`;

export function liveRoutes(deps: OrderDeps): Hono<ConsoleEnv> {
  const app = new Hono<ConsoleEnv>();
  app.get('/console/api/orders/:id/status', async (c) => {
    const o = await getOrder(deps, c.req.param('id'));
    if (!o) return c.json({ error: { code: 'ORDER_NOT_FOUND', message: 'Order not found' } }, 404);
    const now = deps.now();
    return c.json({
      id: o.id,
      status: effectiveStatus(o, now),
      expiresAt: o.expiresAt,
      paidAt: o.paidAt,
      now,
      flags: { paidLate: o.paidLate, paymentMismatch: o.paymentMismatch },
    });
  });
  return app;
}

/**
 * Runs on the sale page under the CSP nonce: counts down to expiry (corrected by the server's clock, sent in
 * data-now) and polls the status every 1.5 s until it is final, relabelling the status and the amount with the
 * words the page was rendered with (format.tsx constants, fixed at build time: no request data is in this text).
 */
export const LIVE_SCRIPT = `(() => {
  const root = document.getElementById('live');
  if (!root) return;
  const url = root.dataset.statusUrl;
  const expiresAt = Number(root.dataset.expiresAt);
  const offset = Number(root.dataset.now) - Date.now() / 1000;
  const statusEl = document.getElementById('status');
  const countdown = document.getElementById('countdown');
  const note = document.getElementById('live-note');
  const paidAt = document.getElementById('paid-at');
  const amountLabel = document.getElementById('amount-label');
  const labels = ${JSON.stringify(STATUS_LABEL)};
  const amountLabels = ${JSON.stringify(AMOUNT_LABEL)};
  let status = root.dataset.status;
  const two = (n) => String(n).padStart(2, '0');
  function tick() {
    if (status !== 'pending') { countdown.textContent = ''; return; }
    const left = Math.max(0, Math.floor(expiresAt - (Date.now() / 1000 + offset)));
    const h = Math.floor(left / 3600), m = Math.floor((left % 3600) / 60), s = left % 60;
    countdown.textContent = 'Expires in ' + (h ? h + ':' + two(m) : m) + ':' + two(s);
  }
  function show(j) {
    status = j.status;
    root.dataset.status = status;
    statusEl.textContent = labels[status] || status;
    statusEl.className = 'status ' + status;
    if (amountLabel) amountLabel.textContent = amountLabels[status] || '';
    const paid = j.paidAt ? new Date(j.paidAt * 1000) : null;
    if (paid && paidAt) paidAt.textContent = isNaN(paid.getTime()) ? j.paidAt + ' (not a valid time)' : paid.toISOString().slice(0, 19).replace('T', ' ') + ' UTC';
    if (j.flags && j.flags.paymentMismatch) note.textContent = 'Payment mismatch: check the order details.';
    else if (j.flags && j.flags.paidLate) note.textContent = 'Paid late: check the order details.';
    tick();
  }
  async function poll() {
    try {
      const r = await fetch(url, { headers: { accept: 'application/json' }, cache: 'no-store', credentials: 'same-origin' });
      if (r.status === 401) { note.textContent = 'Session expired: log in again to keep watching this sale.'; return; }
      if (r.ok) { note.textContent = ''; const j = await r.json(); if (j.status !== status || j.paidAt) show(j); }
      else note.textContent = 'Status unavailable (' + r.status + '), retrying…';
    } catch (e) { note.textContent = 'Connection lost, retrying…'; }
    if (status === 'pending') setTimeout(poll, 1500);
  }
  tick();
  setInterval(tick, 1000);
  if (status === 'pending') setTimeout(poll, 1500);
})();`;
