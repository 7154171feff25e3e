// One order's page: the summary a shop owner reads first (amount, state, memo, items, who paid and how), the
// actions (cancel, show at the till, redeliver), then the signed order, proofs and history folded below.
import { Hono, type Context } from 'hono';
import type { OrderDeps } from '../../../orders/deps.ts';
import { cancelOrder } from '../../../orders/lifecycle.ts';
import { effectiveStatus } from '../../../orders/get-order.ts';
import { ERROR_STATUS } from '../../../protocol/errors.ts';
import type { OrderRecord } from '../../../store/types.ts';
import { isMarked } from '../../../store/test-mark.ts';
import { KIT_MARK } from '../../../conformance/marker.ts';
import { merchantQr } from '../admin.ts';
import type { ConsoleEnv } from './env.ts';
import { renderPage } from './render.tsx';
import { CsrfForm, Message } from './layout.tsx';
import { Charges, Deliveries, Events, Proofs } from './order-history.tsx';
import { Payment, Summary } from './order-summary.tsx';

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
  const failed = deliveries.some((d) => d.status === 'failed');
  const body = (
    <>
      <h1 class="order-title">
        Order <code>{o.id}</code>
      </h1>
      {notice && <p class="notice">{notice}</p>}
      {error && <p class="error" role="alert">{error}</p>}
      <Summary o={o} status={st} test={isMarked(o, KIT_MARK)} />
      <Payment o={o} proofs={proofs} charges={charges} />
      <section id="actions" class="card">
        <h2>Actions</h2>
        {st === 'pending' ? (
          <div class="row">
            <a class="button" href={`/console/pos/${encodeURIComponent(o.id)}`}>Show at the till</a>
            <CsrfForm action={`/console/orders/${encodeURIComponent(o.id)}/cancel`} csrf={csrf}>
              <button type="submit" class="danger">Cancel order</button>
            </CsrfForm>
          </div>
        ) : (
          <p class="muted">Only a pending order can be shown at the till or cancelled.</p>
        )}
      </section>
      <h2>Technical details</h2>
      <details id="signed">
        <summary>Signed order (exactly as signed) and its signature</summary>
        <pre id="order-json">{o.orderJson}</pre>
        <h3>Signature</h3>
        <pre id="order-signature">{o.signature}</pre>
        <h3>QR text</h3>
        <pre>{merchantQr(deps, o)}</pre>
      </details>
      <details id="proofs-box">
        <summary>Transfer proofs ({proofs.length})</summary>
        <div class="scroll"><Proofs proofs={proofs} /></div>
      </details>
      <details id="charges-box">
        <summary>Gateway charges ({charges.length})</summary>
        <div class="scroll"><Charges charges={charges} /></div>
      </details>
      <details id="events-box">
        <summary>Events ({events.length})</summary>
        <div class="scroll"><Events events={events} /></div>
      </details>
      <details id="deliveries-box" open={failed}>
        <summary>Notification deliveries ({deliveries.length}{failed ? ', some failed' : ''})</summary>
        <div class="scroll"><Deliveries deliveries={deliveries} orderId={o.id} csrf={csrf} /></div>
      </details>
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
