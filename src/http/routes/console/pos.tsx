// Point of sale: enter an amount or items → createOrder (caller 0) → the sale screen; "Pay with…" → payOrder.
import { Hono, type Context } from 'hono';
import type { OrderDeps } from '../../../orders/deps.ts';
import { createOrder } from '../../../orders/create-order.ts';
import { payOrder } from '../../../orders/pay-order.ts';
import { effectiveStatus } from '../../../orders/get-order.ts';
import { newId } from '../../../orders/ids.ts';
import { ERROR_STATUS } from '../../../errors.ts';
import type { OrderRecord } from '../../../store/types.ts';
import { merchantQr } from '../../../orders/qr-text.ts';
import { getOrder, listCharges } from '../../../orders/queries.ts';
import type { ConsoleEnv } from './env.ts';
import { renderPage } from './render.tsx';
import { PosForm, type PosFormValues } from './pos-form.tsx';
import { Sale } from './pos-sale.tsx';
import { qrSvg } from './qr.tsx';
import { LIVE_SCRIPT } from './live.ts';
import { orderNotFound } from './order-detail.tsx';
import { orderFacts } from './order-facts.ts';

const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

/** The form's fields → the createOrder body; a lone decimal comma ("12,50") is read as a point. */
function orderBody(deps: OrderDeps, form: Record<string, unknown>): { values: PosFormValues; body?: Record<string, unknown>; error?: string } {
  const values: PosFormValues = { id: str(form.id), memo: str(form.memo) };
  const body: Record<string, unknown> = {};
  if (values.id) body.id = values.id;
  if (values.memo) body.memo = values.memo;
  if (deps.inventory) {
    values.qty = {};
    const items = [];
    for (const it of deps.inventory.items.values()) {
      const q = str(form[`qty:${it.id}`]);
      values.qty[it.id] = q;
      if (q === '' || q === '0') continue;
      if (!/^[1-9]\d{0,6}$/.test(q)) return { values, error: `The quantity of ${it.name} must be a whole number.` };
      items.push({ id: it.id, quantity: Number(q) });
    }
    if (items.length === 0) return { values, error: 'Choose at least one item.' };
    body.items = items;
  } else {
    values.amount = str(form.amount);
    values.currency = str(form.currency);
    body.amount = /^\d+,\d+$/.test(values.amount) ? values.amount.replace(',', '.') : values.amount;
    body.currency = values.currency;
  }
  return { values, body };
}

async function saleView(deps: OrderDeps, c: Context<ConsoleEnv>, order: OrderRecord, status: number, error?: string) {
  const now = deps.now();
  const text = merchantQr(deps, order);
  const charges = await listCharges(deps, order.id);
  const body = (
    <Sale
      csrf={c.get('session').csrf}
      order={order}
      status={effectiveStatus(order, now)}
      now={now}
      memo={orderFacts(order).memo}
      qr={{ text, svg: await qrSvg(text) }}
      gateways={[...deps.gateways.keys()]}
      charges={await Promise.all(charges.map(async (charge) => ({ charge, svg: charge.paymentUrl ? await qrSvg(charge.paymentUrl) : undefined })))}
      error={error}
    />
  );
  return renderPage(c, status, `Sale ${order.amount} ${order.currency}`, body, { section: 'pos', script: LIVE_SCRIPT });
}

export function posRoutes(deps: OrderDeps): Hono<ConsoleEnv> {
  const app = new Hono<ConsoleEnv>();
  const freshId = () => newId('ord', deps.now() * 1000, deps.randomBytes);
  const form = (c: Context<ConsoleEnv>, status: number, values: PosFormValues, error?: string) =>
    renderPage(c, status, 'Point of sale', <PosForm csrf={c.get('session').csrf} currencies={deps.config.currencies} inventory={deps.inventory} values={values} error={error} />, { section: 'pos' });

  app.get('/console/pos', (c) => form(c, 200, { id: freshId(), currency: deps.config.currencies[0] }));

  app.post('/console/pos/charge', async (c) => {
    const parsed = orderBody(deps, await c.req.parseBody());
    if (!parsed.body) return form(c, 422, { ...parsed.values, id: freshId() }, parsed.error);
    const res = await createOrder(deps, { callerOcid: 0, body: parsed.body });
    if (!res.ok) return form(c, 422, { ...parsed.values, id: freshId() }, res.message);
    return c.redirect(`/console/pos/${encodeURIComponent(res.value.record.id)}`, 303);
  });

  app.get('/console/pos/:id', async (c) => {
    const order = await getOrder(deps, c.req.param('id'));
    return order ? saleView(deps, c, order, 200) : orderNotFound(c);
  });

  app.post('/console/pos/:id/pay', async (c) => {
    const id = c.req.param('id');
    const res = await payOrder(deps, id, (await c.req.parseBody()).gateway);
    if (res.ok) return c.redirect(`/console/pos/${encodeURIComponent(id)}#pay-${res.value.gateway}`, 303);
    const order = await getOrder(deps, id);
    return order ? saleView(deps, c, order, ERROR_STATUS[res.code], res.message) : orderNotFound(c);
  });
  return app;
}
