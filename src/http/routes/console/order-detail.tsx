// One order in full (signed JSON, signature, proofs, charges, events, deliveries) and its actions:
// cancel a pending order, redeliver a failed notification.
import { Hono, type Context } from 'hono';
import type { OrderDeps } from '../../../orders/deps.ts';
import { cancelOrder } from '../../../orders/lifecycle.ts';
import { effectiveStatus } from '../../../orders/get-order.ts';
import { ERROR_STATUS } from '../../../protocol/errors.ts';
import type { OrderRecord } from '../../../store/types.ts';
import { merchantQr } from '../admin.ts';
import type { ConsoleEnv } from './env.ts';
import { renderPage } from './render.tsx';
import { CsrfForm, Message } from './layout.tsx';
import { Badge, Flags, Time } from './format.tsx';
import { Charges, Deliveries, Events, Proofs } from './order-history.tsx';

const NOTICES: Record<string, string> = {
  redelivered: 'The notification is queued again and will be sent shortly.',
  cancelled: 'The order is cancelled.',
};

export const orderNotFound = (c: Context<ConsoleEnv>) =>
  renderPage(c, 404, 'Not found', <Message title="Order not found" text="There is no order with this id." href="/console/orders" link="All orders" />);

const detailHref = (id: string, notice?: string) => `/console/orders/${encodeURIComponent(id)}${notice ? `?notice=${notice}` : ''}`;

async function detail(deps: OrderDeps, c: Context<ConsoleEnv>, o: OrderRecord, status: number, error?: string) {
  const [proofs, events, deliveries, charges] = await Promise.all([
    deps.store.listProofs(o.id),
    deps.store.listEvents(o.id),
    deps.store.listDeliveries({ orderId: o.id, limit: 200 }),
    deps.store.listCharges(o.id),
  ]);
  const st = effectiveStatus(o, deps.now());
  const csrf = c.get('session').csrf;
  const notice = NOTICES[c.req.query('notice') ?? ''];
  const body = (
    <>
      <h1>
        Order <code>{o.id}</code> <Badge text={st} /> <Flags o={o} />
      </h1>
      {notice && <p class="notice">{notice}</p>}
      {error && <p class="error" role="alert">{error}</p>}
      <div class="card">
        <dl class="facts">
          <dt>Amount</dt>
          <dd>{o.amount} {o.currency}</dd>
          <dt>Reference</dt>
          <dd>{o.reference ?? '—'}</dd>
          <dt>Created</dt>
          <dd><Time t={o.createdAt} /></dd>
          <dt>Expires</dt>
          <dd><Time t={o.expiresAt} /></dd>
          <dt>Paid</dt>
          <dd><Time t={o.paidAt} /> {o.txid && <code>{o.txid}</code>}</dd>
          <dt>Created by</dt>
          <dd>{o.callerOcid === 0 ? 'this merchant (console or admin API)' : `OCID ${o.callerOcid}`}</dd>
          <dt>QR text</dt>
          <dd><code>{merchantQr(deps, o)}</code></dd>
        </dl>
        {st === 'pending' && (
          <div class="row">
            <a class="button" href={`/console/pos/${encodeURIComponent(o.id)}`}>Show at the till</a>
            <CsrfForm action={`/console/orders/${encodeURIComponent(o.id)}/cancel`} csrf={csrf}>
              <button type="submit" class="danger">Cancel order</button>
            </CsrfForm>
          </div>
        )}
      </div>
      <h2>Signed order (exactly as signed)</h2>
      <pre id="order-json">{o.orderJson}</pre>
      <h2>Signature</h2>
      <pre id="order-signature">{o.signature}</pre>
      <h2>Transfer proofs</h2>
      <Proofs proofs={proofs} />
      <h2>Gateway charges</h2>
      <Charges charges={charges} />
      <h2>Events</h2>
      <Events events={events} />
      <h2>Notification deliveries</h2>
      <Deliveries deliveries={deliveries} orderId={o.id} csrf={csrf} />
    </>
  );
  return renderPage(c, status, `Order ${o.id}`, body, { section: 'orders' });
}

export function orderDetailRoutes(deps: OrderDeps): Hono<ConsoleEnv> {
  const app = new Hono<ConsoleEnv>();
  app.get('/console/orders/:id', async (c) => {
    const o = await deps.store.getOrder(c.req.param('id'));
    return o ? detail(deps, c, o, 200) : orderNotFound(c);
  });

  app.post('/console/orders/:id/cancel', async (c) => {
    const id = c.req.param('id');
    const res = await cancelOrder(deps, id);
    if (res.ok) return c.redirect((await c.req.parseBody()).back === 'pos' ? `/console/pos/${encodeURIComponent(id)}` : detailHref(id, 'cancelled'), 303);
    const o = await deps.store.getOrder(id);
    return o ? detail(deps, c, o, ERROR_STATUS[res.code], res.message) : orderNotFound(c);
  });

  app.post('/console/deliveries/:id/redeliver', async (c) => {
    const order = (await c.req.parseBody()).order;
    const d = await deps.store.redeliver(c.req.param('id'), deps.now());
    const o = typeof order === 'string' ? await deps.store.getOrder(order) : undefined;
    if (!d) return o ? detail(deps, c, o, 404, 'There is no such delivery.') : orderNotFound(c);
    return c.redirect(o ? detailHref(o.id, 'redelivered') : '/console/orders', 303);
  });
  return app;
}
