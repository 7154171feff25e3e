// The order list (filter, cursor pages, flags) and the order detail (signed JSON, proofs, forms, actions).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ISSUER_OCID, T0 } from '../helpers/harness.ts';
import { makeProof } from '../helpers/proofs.ts';
import { makeConsole, unescape, type ConsoleHarness } from './console-harness.ts';

let h: ConsoleHarness;
let cookie: string;
const ids: string[] = [];
beforeAll(async () => {
  h = await makeConsole({ env: { OC_WEBHOOK_URL: 'http://127.0.0.1:9/hook', OC_WEBHOOK_SECRET: 'whsec_' + Buffer.from('a console test webhook secret').toString('base64') } });
  cookie = await h.login();
  for (let i = 1; i <= 5; i++) {
    h.clock.now = T0 + i;
    ids.push(await h.order({ amount: `${i}.00`, currency: i === 5 ? 'EUR' : 'USD', reference: `ref-${i}` }));
  }
  h.clock.now = T0 + 10;
  expect((await h.pay(ids[1]!, { txid: 'tx_paid_2', amount: '2.00' })).status).toBe(200);
  expect((await h.pay(ids[2]!, { txid: 'tx_short_3', amount: '2.99' })).status).toBe(400);
});
afterAll(async () => h.close());

const rowIds = (html: string) => [...html.matchAll(/href="\/console\/orders\/([^"?]+)"/g)].map((m) => decodeURIComponent(m[1]!));
const page = async (path: string) => {
  const res = await h.get(path, cookie);
  expect(res.status).toBe(200);
  return res.text();
};

describe('order list', () => {
  it('lists orders newest first with amount, currency, status, flags and times', async () => {
    const html = await page('/console/orders');
    expect(rowIds(html)).toEqual([...ids].reverse());
    expect(html).toContain('<td class="num amount">5.00 EUR</td>');
    expect(html).toMatch(/<span class="badge paid">paid<\/span>/);
    expect(html).toContain('payment mismatch');
    expect(html).toContain('<time datetime="2027-01-15T08:00:02.000Z">2027-01-15 08:00:02</time>');
    expect(html).toContain('>2027-01-15 08:00:10</time>');
  });

  it('filters by status', async () => {
    expect(rowIds(await page('/console/orders?status=paid'))).toEqual([ids[1]]);
    expect(rowIds(await page('/console/orders?status=pending'))).toEqual([ids[4], ids[3], ids[2], ids[0]]);
    expect(await page('/console/orders?status=cancelled')).toContain('No cancelled orders yet.');
    expect(await page('/console/orders?status=paid')).toMatch(/<option value="paid" selected="">paid<\/option>/);
  });

  it('pages with cursors until the oldest order', async () => {
    const first = await page('/console/orders?limit=2');
    expect(rowIds(first)).toEqual([ids[4], ids[3]]);
    const next1 = unescape(/rel="next" href="([^"]+)"/.exec(first)![1]!);
    const second = await page(next1);
    expect(rowIds(second)).toEqual([ids[2], ids[1]]);
    const next2 = unescape(/rel="next" href="([^"]+)"/.exec(second)![1]!);
    const third = await page(next2);
    expect(rowIds(third)).toEqual([ids[0]]);
    expect(third).not.toContain('rel="next"');
    expect(third).toContain('« Newest');
  });

  it('keeps the status filter across pages', async () => {
    const first = await page('/console/orders?status=pending&limit=3');
    expect(rowIds(first)).toEqual([ids[4], ids[3], ids[2]]);
    const next = unescape(/rel="next" href="([^"]+)"/.exec(first)![1]!);
    expect(next).toContain('status=pending');
    expect(rowIds(await page(next))).toEqual([ids[0]]);
  });

  it('escapes what it shows', async () => {
    const id = await h.order({ amount: '1.00', currency: 'USD', reference: '<script>alert(1)</script>' });
    const html = await page('/console/orders');
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    ids.push(id);
    await h.post(`/console/orders/${id}/cancel`, { _csrf: await h.csrf(cookie) }, cookie);
  });
});

describe('order detail', () => {
  it('shows the signed order JSON, its signature, the proof with its canonical form and verdict', async () => {
    const html = await page(`/console/orders/${ids[1]}`);
    const o = (await h.store.getOrder(ids[1]!))!;
    expect(unescape(/<pre id="order-json">([^<]*)<\/pre>/.exec(html)![1]!)).toBe(o.orderJson);
    expect(html).toContain(`<pre id="order-signature">${o.signature}</pre>`);
    expect(html).toContain('tx_paid_2');
    expect(html).toContain('A: top-level key list');
    expect(html).toMatch(/<span class="badge accepted">accepted<\/span>/);
    expect(html).toContain('order.created');
    expect(html).toContain('order.paid');
    expect(html).not.toContain('Cancel order');
  });

  it('shows a form-B proof and a mismatch verdict', async () => {
    const id = await h.order({ amount: '7.00', currency: 'USD' });
    expect((await h.pay(id, { txid: 'tx_b_form', amount: '7.00' }, 'B')).status).toBe(200);
    expect(await page(`/console/orders/${id}`)).toContain('B: keys sorted at every level');
    const short = await page(`/console/orders/${ids[2]}`);
    expect(short).toContain('amount_mismatch');
    expect(short).toContain('Payment mismatch');
  });

  it('offers cancel (with CSRF) and "show at the till" for a pending order, and cancels it', async () => {
    const id = ids[3]!;
    const html = await page(`/console/orders/${id}`);
    expect(html).toContain(`action="/console/orders/${id}/cancel"`);
    expect(html).toContain(`href="/console/pos/${id}"`);
    const csrf = /action="\/console\/orders\/[^"]+\/cancel"><input type="hidden" name="_csrf" value="([^"]+)"/.exec(html)![1]!;
    const res = await h.post(`/console/orders/${id}/cancel`, { _csrf: csrf }, cookie);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/console/orders/${id}?notice=cancelled`);
    expect((await h.store.getOrder(id))!.status).toBe('cancelled');
    const again = await h.post(`/console/orders/${id}/cancel`, { _csrf: csrf }, cookie);
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('only a pending order can be cancelled');
  });

  it('answers 404 for an unknown order', async () => {
    const res = await h.get('/console/orders/ord_nope', cookie);
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('Order not found');
  });
});

describe('search', () => {
  it('has a search box that keeps what was typed (escaped)', async () => {
    const html = await page('/console/orders?q=%3Cb%3Ex%22');
    expect(html).toContain('<input type="search" id="q" name="q" value="&lt;b&gt;x&quot;"');
    expect(html).not.toContain('<b>x"');
  });

  it('finds an order by its exact id, then by reference, then by a part of either', async () => {
    expect(rowIds(await page(`/console/orders?q=${ids[2]}`))).toEqual([ids[2]]);
    expect(rowIds(await page('/console/orders?q=ref-4'))).toEqual([ids[3]]);
    expect(rowIds(await page('/console/orders?q=%20REF-4%20'))).toEqual([ids[3]]);
    const some = rowIds(await page('/console/orders?q=ref-'));
    expect(some).toEqual(expect.arrayContaining(ids.slice(0, 5)));
    // An order whose reference is another order's id: the order with that id comes first.
    const echo = await h.order({ amount: '1.50', currency: 'USD', reference: ids[0] });
    expect(rowIds(await page(`/console/orders?q=${ids[0]}`))).toEqual([ids[0], echo]);
    await h.post(`/console/orders/${echo}/cancel`, { _csrf: await h.csrf(cookie) }, cookie);
  });

  it('combines with the status filter and keeps both in the links', async () => {
    expect(rowIds(await page('/console/orders?q=ref-&status=paid'))).toEqual([ids[1]]);
    const html = await page('/console/orders?q=ref-&status=paid');
    expect(html).toContain('href="/console/orders?status=pending&amp;q=ref-"');
  });

  it('says so when nothing matches, and finds nothing for text no id or reference can hold', async () => {
    for (const q of ['no-such-order', '%00', '%25', '%27%20or%201%3D1%20--', '%ED%A0%80']) {
      const html = await page(`/console/orders?q=${q}`);
      expect(rowIds(html), q).toEqual([]);
      expect(html, q).toContain('No orders match');
    }
  });

  it('refuses an over-long search with the reason (400) and lists nothing', async () => {
    const res = await h.get(`/console/orders?q=${'x'.repeat(257)}`, cookie);
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('The search text is too long: at most 256 characters.');
    expect(rowIds(html)).toEqual([]);
  });
});

describe('the order page for a shop owner', () => {
  let itemsId: string;
  beforeAll(async () => {
    itemsId = await h.order({ amount: '7.00', currency: 'USD', reference: 'table-4', memo: 'Table 4, no onions', items: [{ id: 'latte', name: 'Latte', quantity: 2, price: '3.50' }] });
    expect((await h.pay(itemsId, { txid: 'tx_summary', amount: '7.00' }, 'B')).status).toBe(200);
  });
  const section = (html: string, id: string) => {
    const at = html.indexOf(`<section id="${id}"`);
    expect(at, id).toBeGreaterThan(-1);
    return html.slice(at, html.indexOf('</section>', at));
  };

  it('leads with a summary: amount, status in words, memo, items with quantities, times', async () => {
    const html = await page(`/console/orders/${itemsId}`);
    const summary = unescape(section(html, 'summary'));
    expect(summary).toContain('7.00 USD');
    expect(summary).toContain('>Paid<');
    expect(summary).toContain('Table 4, no onions');
    expect(summary).toMatch(/<td class="num">2<\/td><td>Latte<\/td><td class="num">3\.50 USD<\/td>/);
    for (const label of ['Created', 'Expires', 'Paid at', 'Reference']) expect(summary).toContain(`<dt>${label}</dt>`);
    expect(html.indexOf('<section id="summary"')).toBeLessThan(html.indexOf('id="order-json"'));
  });

  it('says who paid and how: the issuer, the transaction, the proof verdict in words', async () => {
    const payment = unescape(section(await page(`/console/orders/${itemsId}`), 'payment'));
    expect(payment).toContain('Paid by issuer OCID 100');
    expect(payment).toContain('tx_summary');
    expect(payment).toContain('accepted: it paid the order');
    expect(payment).toContain('B: keys sorted at every level');
    expect(payment).toMatch(/OCID 200, their reference <code>wallet_/);
  });

  it('folds the signed order JSON, its signature and the proofs below the summary', async () => {
    const html = await page(`/console/orders/${itemsId}`);
    const folded = (marker: string) => {
      const at = html.indexOf(marker);
      expect(at, marker).toBeGreaterThan(-1);
      const open = html.lastIndexOf('<details', at);
      expect(open, marker).toBeGreaterThan(html.indexOf('</section>', html.indexOf('<section id="summary"')));
      expect(html.slice(open, at), marker).not.toContain('</details>');
    };
    folded('id="order-json"');
    folded('id="order-signature"');
    folded('id="proofs"');
  });

  it('puts the flags in words: a short payment is a payment mismatch, and the refused amount is shown', async () => {
    const html = unescape(await page(`/console/orders/${ids[2]}`));
    const summary = section(html, 'summary');
    expect(summary).toContain('Waiting for payment');
    expect(summary).toContain('Payment mismatch: a payment arrived that does not match this order');
    const payment = section(html, 'payment');
    expect(payment).toContain('refused: the amount differs from the order');
    expect(payment).toContain('2.99 USD');
    expect(payment).toContain('No payment has settled this order yet.');
  });

  it('names the gateway when a gateway charge paid the order', async () => {
    const id = await h.order({ amount: '9.00', currency: 'USD' });
    const charge = { id: `chg_${id}`, orderId: id, gateway: 'coingate', reference: 'INV-77', paymentUrl: 'https://pay.example/inv/77', status: 'created', gatewayStatus: 'new', tokenHash: 'ff', idempotencyKey: `chg_${id}`, createdAt: h.clock.now, updatedAt: h.clock.now };
    await h.store.insertCharge(charge);
    await h.store.settleCharge(charge.id, 'created', { status: 'paid', gatewayStatus: 'paid', updatedAt: h.clock.now }, () => ({
      change: { from: 'pending', to: 'paid', paidAt: h.clock.now, txid: 'coingate:INV-77' },
      outbox: [],
    }));
    const payment = unescape(section(await page(`/console/orders/${id}`), 'payment'));
    expect(payment).toContain('Paid through CoinGate');
    expect(payment).toContain('INV-77');
  });

  it('keeps the actions together (show at the till, cancel) in their own area', async () => {
    const id = await h.order({ amount: '2.00', currency: 'USD' });
    const actions = section(await page(`/console/orders/${id}`), 'actions');
    expect(actions).toContain(`href="/console/pos/${id}"`);
    expect(actions).toContain(`action="/console/orders/${id}/cancel"`);
  });

  it('never fails on stored order JSON it cannot read: not JSON, odd memo and items', async () => {
    const odd = [
      'not json {',
      JSON.stringify({ memo: 42, items: 'latte' }),
      JSON.stringify({ memo: { a: 1 }, items: [null, 5, { quantity: 'many', name: { x: 1 }, price: [] }, { id: 'x', quantity: 1e308 }] }),
      JSON.stringify([1, 2]),
      'null',
    ];
    for (const [i, orderJson] of odd.entries()) {
      const id = `ord_odd_${i}_${Date.now()}`;
      const o = { id, callerOcid: 0, requestHash: 'h', amount: '1.00', currency: 'USD', reference: null, createdAt: T0, expiresAt: T0 + 60, orderJson, signature: 'ab'.repeat(65), responseBody: '{}' };
      await h.store.createOrder(o, { event: { id: `evt_${id}`, orderId: id, type: 'order.created', createdAt: T0, data: 'not json' } });
      for (const path of [`/console/orders/${id}`, `/console/pos/${id}`, '/console/orders', `/console/orders?q=${id}`]) expect((await h.get(path, cookie)).status, `${path} ${orderJson}`).toBe(200);
    }
  });
});

describe('notification deliveries', () => {
  it('offers "Redeliver" only for failed deliveries, and it puts the delivery back to pending', async () => {
    const id = ids[0]!;
    const [d] = await h.store.listDeliveries({ orderId: id, limit: 10 });
    expect(d).toBeTruthy();
    expect(await page(`/console/orders/${id}`)).not.toContain('/redeliver');
    const lease = h.clock.now + 30;
    const claimed = await h.store.claimDeliveries(h.clock.now + 100_000, lease, 100);
    const mine = claimed.find((x) => x.id === d!.id)!;
    expect(mine).toBeTruthy();
    for (const x of claimed)
      await h.store.finishAttempt(x.id, lease, { status: 'failed', attempts: 9, nextAttemptAt: 0, lastAttemptAt: h.clock.now, lastStatus: 500, lastError: 'HTTP 500' });

    const html = await page(`/console/orders/${id}`);
    const action = `/console/deliveries/${d!.id}/redeliver`;
    expect(html).toContain(`action="${action}"`);
    expect(html).toContain('HTTP 500');
    expect(html).toMatch(/<span class="badge failed">failed<\/span>/);

    expect((await h.post(action, { order: id }, cookie)).status).toBe(403);
    expect((await h.store.listDeliveries({ orderId: id, limit: 10 }))[0]!.status).toBe('failed');

    const csrf = new RegExp(`action="${action}"><input type="hidden" name="_csrf" value="([^"]+)"`).exec(html)![1]!;
    const res = await h.post(action, { _csrf: csrf, order: id }, cookie);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/console/orders/${id}?notice=redelivered`);
    const after = (await h.store.listDeliveries({ orderId: id, limit: 10 }))[0]!;
    expect(after.status).toBe('pending');
    expect(after.nextAttemptAt).toBe(h.clock.now);
    const shown = await page(res.headers.get('location')!);
    expect(shown).toContain('queued again');
    expect(shown).not.toContain(`action="${action}"`);
  });

  it('answers 404 when redelivering an unknown delivery', async () => {
    const csrf = await h.csrf(cookie);
    expect((await h.post('/console/deliveries/dlv_nope/redeliver', { _csrf: csrf, order: ids[0]! }, cookie)).status).toBe(404);
  });
});

describe('proof verdicts and stored values', () => {
  it('shows each proof verdict in words, a refused form-A relay included', async () => {
    const id = await h.order({ amount: '4.00', currency: 'USD' });
    const relayed = JSON.stringify(makeProof(id, { txid: 'tx_console_relay', amount: '4.00', timestamp: h.clock.now }, 'A'));
    expect((await h.signed('POST', '/opencharge/transfer/webhook', relayed)).status).toBe(400);
    expect((await h.pay(id, { txid: 'tx_console_paid', amount: '4.00' })).status).toBe(200);
    const html = unescape(await page(`/console/orders/${id}`));
    expect(html).toContain('refused: a form-A proof must be delivered by its issuer');
    expect(html).toContain('accepted: it paid the order');
    expect(html).toContain(`${ISSUER_OCID} (the issuer)`);
  });

  it('never fails on a stored time no date can hold: every page shows it raw', async () => {
    const absurd = 9007199254740991;
    const id = `ord_absurd_${Date.now()}`;
    const o = { id, callerOcid: 0, requestHash: 'h', amount: '1.00', currency: 'USD', reference: null, createdAt: absurd, expiresAt: absurd, orderJson: JSON.stringify({ id, accepts: [ISSUER_OCID] }), signature: 'ab'.repeat(65), responseBody: '{}' };
    await h.store.createOrder(o, { event: { id: `evt_${id}`, orderId: id, type: 'order.created', createdAt: absurd, data: '{}' } });
    await h.store.changeOrder(id, { from: 'pending', to: 'paid', paidAt: absurd, txid: 'tx_absurd' }, []);
    for (const path of ['/console/orders', `/console/orders/${id}`, '/console/orders?status=paid', `/console/pos/${id}`, '/console/kiosk']) {
      const res = await h.get(path, cookie);
      expect(res.status, path).toBe(200);
      if (path !== '/console/kiosk') expect(await res.text(), path).toContain(`${absurd} (not a valid time)`);
    }
    expect((await h.get(`/console/api/orders/${id}/status`, cookie)).status).toBe(200);
  });
});
