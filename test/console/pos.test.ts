// Point of sale: charge → order + large SVG QR with its JSON text, live status, "Pay with…" a real gateway fake.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MERCHANT_OCID, T0 } from '../helpers/harness.ts';
import { csrfOf, makeConsole, unescape, type ConsoleHarness } from './console-harness.ts';
import { startCoinGateFake } from '../fakes/coingate.ts';
import type { FakeGatewayServer } from '../fakes/types.ts';

let h: ConsoleHarness;
let cookie: string;
let fake: FakeGatewayServer;
beforeAll(async () => {
  fake = await startCoinGateFake();
  // The CoinGate settings go in the environment: the server builds the real adapter as `serve` does.
  h = await makeConsole({ env: fake.env });
  cookie = await h.login();
});
afterAll(async () => {
  await h?.close();
  await fake?.close();
});

async function charge(form: Record<string, string>): Promise<Response> {
  const html = await (await h.get('/console/pos', cookie)).text();
  const id = /name="id" value="([^"]+)"/.exec(html)![1]!;
  return h.post('/console/pos/charge', { _csrf: csrfOf(html), id, ...form }, cookie);
}

async function chargeOk(form: Record<string, string>): Promise<string> {
  const res = await charge(form);
  expect(res.status).toBe(303);
  const m = /^\/console\/pos\/(ord_[0-9a-f]+)$/.exec(res.headers.get('location') ?? '');
  expect(m).toBeTruthy();
  return m![1]!;
}

describe('point of sale form', () => {
  it('offers an amount, the configured currencies, a memo and a Charge button', async () => {
    const html = await (await h.get('/console/pos', cookie)).text();
    expect(html).toContain('name="amount"');
    expect(html).toContain('<option value="USD" selected="">USD</option>');
    expect(html).toContain('<option value="EUR">EUR</option>');
    expect(html).toContain('name="memo"');
    expect(html).toContain('Charge');
  });

  it('charges 12.50 USD: creates the order as the merchant and shows its QR as SVG with the QR JSON text', async () => {
    const id = await chargeOk({ amount: '12.50', currency: 'USD', memo: 'table 4' });
    const o = (await h.store.getOrder(id))!;
    expect(o).toMatchObject({ amount: '12.50', currency: 'USD', callerOcid: 0, status: 'pending' });
    expect(JSON.parse(o.orderJson).memo).toBe('table 4');

    const res = await h.get(`/console/pos/${id}`, cookie);
    expect(res.status).toBe(200);
    const html = await res.text();
    const qr = JSON.stringify({ ocid: MERCHANT_OCID, order: `https://pay.shop.example/opencharge/orders/${id}`, expiresAt: o.expiresAt });
    const attr = /<figure class="qr" id="order-qr" data-qr="([^"]+)">/.exec(html);
    expect(attr).toBeTruthy();
    expect(unescape(attr![1]!)).toBe(qr);
    expect(unescape(/<code class="qr-text">([^<]+)<\/code>/.exec(html)![1]!)).toBe(qr);
    expect(html).toMatch(/<svg xmlns="http:\/\/www.w3.org\/2000\/svg" viewBox="0 0 \d+ \d+"[^>]*><path/);
    expect(html).toContain('12.50 USD');
    expect(html).toContain('table 4');
    expect(html).toContain('Waiting for payment');
    expect(html).toContain('Expires in 1:00:00');
    expect(html).toContain(`data-status-url="/console/api/orders/${id}/status"`);
    // The live script runs under the response's nonce and nothing else inline is allowed.
    const nonce = /script-src 'nonce-([^']+)'/.exec(res.headers.get('content-security-policy')!)![1]!;
    expect(html).toContain(`<script nonce="${nonce}">`);
    expect((html.match(/<script/g) ?? []).length).toBe(1);
  });

  it('reads a decimal comma and replays a double-submitted form as the same order', async () => {
    const html = await (await h.get('/console/pos', cookie)).text();
    const form = { _csrf: csrfOf(html), id: /name="id" value="([^"]+)"/.exec(html)![1]!, amount: '3,20', currency: 'EUR' };
    const a = await h.post('/console/pos/charge', form, cookie);
    const b = await h.post('/console/pos/charge', form, cookie);
    expect(a.status).toBe(303);
    expect(b.headers.get('location')).toBe(a.headers.get('location'));
    const id = a.headers.get('location')!.split('/').pop()!;
    expect(await h.store.getOrder(id)).toMatchObject({ amount: '3.20', currency: 'EUR' });
  });

  it('shows the form again with the error for an invalid amount and creates nothing', async () => {
    const before = (await h.store.listOrders({ limit: 1000 })).length;
    for (const [amount, currency] of [['0', 'USD'], ['1.234', 'USD'], ['abc', 'USD'], ['5.00', 'GBP']] as const) {
      const res = await charge({ amount, currency });
      expect(res.status, amount).toBe(422);
      const html = await res.text();
      expect(html).toContain('class="error"');
      expect(html).toContain(`value="${amount}"`);
    }
    expect((await h.store.listOrders({ limit: 1000 })).length).toBe(before);
  });
});

describe('live status', () => {
  it('answers the status behind the session and turns paid when the transfer proof arrives', async () => {
    const id = await chargeOk({ amount: '12.50', currency: 'USD' });
    const url = `/console/api/orders/${id}/status`;
    expect((await h.get(url)).status).toBe(401);
    const pending = await h.get(url, cookie);
    expect(pending.headers.get('cache-control')).toBe('no-store');
    expect(await pending.json()).toMatchObject({ id, status: 'pending', paidAt: null, now: h.clock.now });
    expect((await h.pay(id, { amount: '12.50', txid: 'tx_live' })).status).toBe(200);
    expect(await (await h.get(url, cookie)).json()).toMatchObject({ status: 'paid', paidAt: h.clock.now, flags: { paidLate: false, paymentMismatch: false } });
    const html = await (await h.get(`/console/pos/${id}`, cookie)).text();
    expect(html).toContain('data-status="paid"');
    expect(html).toContain('<div id="status" class="status paid" role="status" aria-live="polite">Paid</div>');
  });

  it('labels the amount "Amount due" while pending and "Paid" once paid (never "Amount due" on a paid sale)', async () => {
    const id = await chargeOk({ amount: '4.40', currency: 'USD' });
    const pending = await (await h.get(`/console/pos/${id}`, cookie)).text();
    expect(pending).toContain('<p id="amount-label" class="muted">Amount due</p>');
    expect((await h.pay(id, { amount: '4.40', txid: 'tx_label' })).status).toBe(200);
    const paid = await (await h.get(`/console/pos/${id}`, cookie)).text();
    expect(paid).toContain('<p id="amount-label" class="muted">Paid</p>');
    expect(paid.replace(/<script[^>]*>[\s\S]*?<\/script>/g, '')).not.toContain('Amount due');
  });

  it('says expired once the order is past its expiry', async () => {
    const id = await chargeOk({ amount: '1.00', currency: 'USD' });
    const o = (await h.store.getOrder(id))!;
    h.clock.now = o.expiresAt + 1;
    try {
      expect((await (await h.get(`/console/api/orders/${id}/status`, cookie)).json()) as object).toMatchObject({ status: 'expired' });
      expect(await (await h.get(`/console/pos/${id}`, cookie)).text()).toContain('class="status expired"');
    } finally {
      h.clock.now = T0;
    }
  });

  it('answers 404 for an unknown order', async () => {
    expect((await h.get('/console/api/orders/ord_nope/status', cookie)).status).toBe(404);
    expect((await h.get('/console/pos/ord_nope', cookie)).status).toBe(404);
  });
});

describe('pay with a gateway', () => {
  it('offers the enabled gateways and shows the payment link as a second QR code', async () => {
    const id = await chargeOk({ amount: '12.50', currency: 'USD' });
    const html = await (await h.get(`/console/pos/${id}`, cookie)).text();
    expect(html).toContain('Pay with…');
    expect(html).toContain('<input type="hidden" name="gateway" value="coingate"/>');
    expect(html).not.toContain('value="mugglepay"');
    const res = await h.post(`/console/pos/${id}/pay`, { _csrf: csrfOf(html), gateway: 'coingate' }, cookie);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/console/pos/${id}#pay-coingate`);
    const [ch] = await h.store.listCharges(id);
    expect(ch!.paymentUrl).toMatch(/^https:\/\/pay-sandbox\.coingate\.com\/invoice\//);
    const after = await (await h.get(`/console/pos/${id}`, cookie)).text();
    expect((after.match(/<svg /g) ?? []).length).toBe(2);
    expect(after).toContain(`data-qr="${ch!.paymentUrl}"`);
    expect(after).toContain(`<figcaption>${ch!.paymentUrl}</figcaption>`);
    expect(after).not.toContain('name="gateway" value="coingate"');
  });

  it('keeps the Pay button of a charge whose answer was lost, and pressing it again adopts that charge', async () => {
    const id = await chargeOk({ amount: '3.00', currency: 'USD' });
    fake.loseNextCreate('status-503');
    const lost = await h.post(`/console/pos/${id}/pay`, { _csrf: await h.csrf(cookie), gateway: 'coingate' }, cookie);
    expect(lost.status).toBe(502);
    const html = await lost.text();
    expect(html).toContain('being reconciled');
    expect(html).toContain('<input type="hidden" name="gateway" value="coingate"/>');
    const retry = await h.post(`/console/pos/${id}/pay`, { _csrf: csrfOf(html), gateway: 'coingate' }, cookie);
    expect(retry.status).toBe(303);
    const [ch] = await h.store.listCharges(id);
    expect(fake.ordersFor(id)).toEqual([ch!.reference]);
  });

  it('shows the error for a gateway that is not enabled', async () => {
    const id = await chargeOk({ amount: '2.00', currency: 'USD' });
    const res = await h.post(`/console/pos/${id}/pay`, { _csrf: await h.csrf(cookie), gateway: 'mugglepay' }, cookie);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('is not enabled');
    expect(await h.store.listCharges(id)).toEqual([]);
  });

  it('refuses to pay a sale without the CSRF token', async () => {
    const id = await chargeOk({ amount: '2.00', currency: 'USD' });
    expect((await h.post(`/console/pos/${id}/pay`, { gateway: 'coingate' }, cookie)).status).toBe(403);
    expect(await h.store.listCharges(id)).toEqual([]);
  });

  it('cancels a sale from the till and shows it cancelled', async () => {
    const id = await chargeOk({ amount: '2.00', currency: 'USD' });
    const res = await h.post(`/console/orders/${id}/cancel`, { _csrf: await h.csrf(cookie), back: 'pos' }, cookie);
    expect(res.headers.get('location')).toBe(`/console/pos/${id}`);
    expect(await (await h.get(`/console/pos/${id}`, cookie)).text()).toContain('class="status cancelled"');
  });
});

describe('point of sale with an inventory', () => {
  const inventory = { currency: 'USD', items: [{ id: 'coffee', name: 'Coffee', price: '3.50' }, { id: 'cake', name: 'Cake <b>', price: '4.25', max_qty: 3 }] };

  it('lists the items and prices the order from them', async () => {
    const inv = await makeConsole({ inventory });
    try {
      const c = await inv.login();
      const html = await (await inv.get('/console/pos', c)).text();
      expect(html).toContain('name="qty:coffee"');
      expect(html).toContain('Cake &lt;b&gt;');
      expect(html).not.toContain('name="amount"');
      const id = /name="id" value="([^"]+)"/.exec(html)![1]!;
      const res = await inv.post('/console/pos/charge', { _csrf: csrfOf(html), id, 'qty:coffee': '2', 'qty:cake': '1' }, c);
      expect(res.status).toBe(303);
      const o = (await inv.store.getOrder(id))!;
      expect(o).toMatchObject({ amount: '11.25', currency: 'USD' });
      expect(JSON.parse(o.orderJson).items).toEqual([
        { id: 'coffee', name: 'Coffee', quantity: 2, price: '3.50' },
        { id: 'cake', name: 'Cake <b>', quantity: 1, price: '4.25' },
      ]);
      const none = await inv.post('/console/pos/charge', { _csrf: csrfOf(html), id: 'ord_x', 'qty:coffee': '0' }, c);
      expect(none.status).toBe(422);
      expect(await none.text()).toContain('Choose at least one item.');
      const tooMany = await inv.post('/console/pos/charge', { _csrf: csrfOf(html), 'qty:cake': '4' }, c);
      expect(tooMany.status).toBe(422);
      expect(await tooMany.text()).toContain('quantity of');
    } finally {
      await inv.close();
    }
  });
});
