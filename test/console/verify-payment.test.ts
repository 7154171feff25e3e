// The order page's "Check a payment with the issuer" form (issue 17): a missed webhook recovered from the console,
// behind the session and CSRF like every console form; a relay the issuer confirmed is shown in words.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CALLER, CALLER_OCID, ISSUER_OCID } from '../helpers/harness.ts';
import { makeProof } from '../helpers/proofs.ts';
import { startFakeIssuer, type FakeIssuer } from '../fakes/issuer.ts';
import { closeServers } from '../helpers/http-server.ts';
import { makeConsole, unescape, type ConsoleHarness } from './console-harness.ts';

let h: ConsoleHarness;
let fake: FakeIssuer;
let cookie: string;
beforeAll(async () => {
  fake = await startFakeIssuer();
  h = await makeConsole({ peers: [{ ocid: CALLER_OCID, publicKey: CALLER.pub }, fake.peer], verifyTimeoutMs: 300 });
  cookie = await h.login();
});
afterAll(async () => {
  await h.close();
  await closeServers();
});
beforeEach(() => {
  fake.mode = 'completed';
  fake.verifyCalls.length = 0;
});

const page = async (path: string) => {
  const res = await h.get(path, cookie);
  expect(res.status).toBe(200);
  return unescape(await res.text());
};
const paidEvents = async (id: string) => (await h.store.listEvents(id)).filter((e) => e.type === 'order.paid').length;
const transfer = (id: string, txid: string) => {
  const p = makeProof(id, { txid, timestamp: h.clock.now }, 'A');
  fake.record(p);
  return p;
};
const check = async (id: string, form: Record<string, string>) => h.post(`/console/orders/${id}/verify`, { _csrf: await h.csrf(cookie, `/console/orders/${id}`), ...form }, cookie);

describe('Check a payment with the issuer', () => {
  it("the order page offers it: the order's accepted issuers, a txid field, the button, the CSRF token", async () => {
    const id = await h.order();
    const html = await page(`/console/orders/${id}`);
    expect(html).toContain(`<form method="post" action="/console/orders/${id}/verify" class="check-payment"><input type="hidden" name="_csrf"`);
    expect(html).toContain(`<option value="${ISSUER_OCID}">${ISSUER_OCID}</option>`);
    expect(html).toContain('name="txid"');
    expect(html).toContain('<button type="submit">Check a payment with the issuer</button>');
  });

  it('recovers a missed webhook: paid, order.paid once, the proof shown as confirmed by issuer; a second check changes nothing', async () => {
    const id = await h.order();
    transfer(id, 'tx_console_missed');
    const res = await check(id, { issuer: String(ISSUER_OCID), txid: 'tx_console_missed' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/console/orders/${id}?notice=verified`);
    expect(await h.store.getOrder(id)).toMatchObject({ status: 'paid', txid: 'tx_console_missed' });
    const html = await page(res.headers.get('location')!);
    expect(html).toContain('The issuer confirmed the payment.');
    expect(html).toContain('this merchant (asked the issuer)');
    // The summary's Payment block says it too.
    expect(html).toContain('<dt>Delivered by</dt><dd>this merchant, asking the issuer');
    expect(html).toContain('<dt>Recipient vouched</dt><dd class="voucher">confirmed by issuer');
    expect(html).toContain('confirmed by issuer: its signed /verify answer returned this very proof');

    const again = await check(id, { issuer: String(ISSUER_OCID), txid: 'tx_console_missed' });
    expect(again.headers.get('location')).toBe(`/console/orders/${id}?notice=verified-again`);
    expect(await page(again.headers.get('location')!)).toContain('already recorded here: nothing changed');
    expect(await paidEvents(id)).toBe(1);
    expect(fake.verifyCalls.every((c) => c.signedByMerchant)).toBe(true);
  });

  it('a relay the issuer confirmed is shown with its sender and "confirmed by issuer"', async () => {
    const id = await h.order();
    const p = transfer(id, 'tx_console_relay');
    expect((await h.signed('POST', '/opencharge/transfer/webhook', JSON.stringify(p))).status).toBe(200);
    const html = await page(`/console/orders/${id}`);
    expect(html).toMatch(new RegExp(`<td>${CALLER_OCID}</td>`));
    expect(html).toContain('confirmed by issuer: its signed /verify answer returned this very proof');
  });

  it('a pending payment: the page again, 409, with the reason in words; nothing recorded', async () => {
    const id = await h.order();
    fake.mode = 'pending';
    const res = await check(id, { issuer: String(ISSUER_OCID), txid: 'tx_console_wait' });
    expect(res.status).toBe(409);
    expect(unescape(await res.text())).toContain('the issuer reports txid tx_console_wait as pending: nothing to settle yet, check again later');
    expect(await h.store.listProofs(id)).toEqual([]);
  });

  it('a bad form (no txid, an issuer that is not a number) → 400 naming the field, never asked', async () => {
    const id = await h.order();
    const noTxid = await check(id, { issuer: String(ISSUER_OCID), txid: '' });
    expect(noTxid.status).toBe(400);
    expect(unescape(await noTxid.text())).toContain('Check the form: txid:');
    const badIssuer = await check(id, { issuer: 'abc', txid: 'tx_1' });
    expect(badIssuer.status).toBe(400);
    expect(unescape(await badIssuer.text())).toContain('Check the form: issuer:');
    expect(fake.verifyCalls).toEqual([]);
  });

  it('an issuer the order does not accept → 400 on the page, never asked', async () => {
    const id = await h.order();
    const res = await check(id, { issuer: '999', txid: 'tx_1' });
    expect(res.status).toBe(400);
    expect(unescape(await res.text())).toContain(`issuer 999 is not in the accepts of order ${id}`);
    expect(fake.verifyCalls).toEqual([]);
  });

  it('an unknown order → 404 page', async () => {
    const csrf = await h.csrf(cookie);
    expect((await h.post('/console/orders/ord_nope/verify', { _csrf: csrf, issuer: String(ISSUER_OCID), txid: 'tx' }, cookie)).status).toBe(404);
  });

  it('without the CSRF token → 403, nothing asked', async () => {
    const id = await h.order();
    transfer(id, 'tx_console_csrf');
    const res = await h.post(`/console/orders/${id}/verify`, { issuer: String(ISSUER_OCID), txid: 'tx_console_csrf' }, cookie);
    expect(res.status).toBe(403);
    expect(fake.verifyCalls).toEqual([]);
    expect(await h.store.getOrder(id)).toMatchObject({ status: 'pending' });
  });

  it('without a session → 403 "Session expired", nothing asked', async () => {
    const id = await h.order();
    const res = await h.post(`/console/orders/${id}/verify`, { issuer: String(ISSUER_OCID), txid: 'tx' });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('Session expired');
    expect(fake.verifyCalls).toEqual([]);
  });
});
