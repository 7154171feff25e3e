// The conformance kit's orders against the console: run the real kit over HTTP, then the list hides them by default.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConformance } from '../../src/conformance/runner.ts';
import { KIT_MARK } from '../../src/conformance/marker.ts';
import { isMarked } from '../../src/store/test-mark.ts';
import { createOrder } from '../../src/orders/create-order.ts';
import { kitOptions, ourServer, type Target } from '../conformance/serve.ts';
import { TOKEN, cookieOf } from './console-harness.ts';

let t: Target;
let cookie: string;
const kitIds: string[] = [];
let real: string;
let lookalike: string;
beforeAll(async () => {
  t = await ourServer({ env: { OC_ADMIN_TOKEN: TOKEN } });
  const results = await runConformance(kitOptions(t, { only: ['orders.create', 'orders.generated-id', 'proofs.accepted-form-b', 'proofs.match-by-reference'] }));
  expect(results.map((r) => [r.id, r.status])).toEqual([
    ['orders.create', 'pass'],
    ['orders.generated-id', 'pass'],
    ['proofs.accepted-form-b', 'pass'],
    ['proofs.match-by-reference', 'pass'],
  ]);
  kitIds.push(...(await t.h.store.listOrders({ limit: 100 })).map((o) => o.id));
  const made = async (body: Record<string, unknown>) => {
    const r = await createOrder(t.h.deps, { callerOcid: 0, body });
    if (!r.ok) throw new Error(r.message);
    return r.value.record.id;
  };
  real = await made({ amount: '3.20', currency: 'USD', reference: 'till-1', memo: 'Table 2' });
  // A shop's own reference that happens to start like the kit's: not a test order (the memo differs).
  lookalike = await made({ amount: '8.00', currency: 'USD', reference: 'conf_room_B' });
  const login = await t.h.app.request('/console/login', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${TOKEN}` });
  cookie = cookieOf(login);
});
afterAll(async () => t?.close());

const rowIds = (html: string) => [...html.matchAll(/<tr[^>]*>\s*<td[^>]*><a href="\/console\/orders\/([^"?]+)"/g)].map((m) => decodeURIComponent(m[1]!));
const page = async (path: string) => {
  const res = await t.h.app.request(path, { headers: { cookie } });
  expect(res.status, path).toBe(200);
  return res.text();
};

describe('conformance-kit orders in the console', () => {
  it('every order the kit created carries its mark', async () => {
    expect(kitIds.length).toBeGreaterThanOrEqual(4);
    for (const id of kitIds) expect(isMarked((await t.h.store.getOrder(id))!, KIT_MARK), id).toBe(true);
    expect(isMarked((await t.h.store.getOrder(real))!, KIT_MARK)).toBe(false);
    expect(isMarked((await t.h.store.getOrder(lookalike))!, KIT_MARK)).toBe(false);
  });

  it('the order list hides them by default and says how to show them', async () => {
    const html = await page('/console/orders');
    expect(rowIds(html)).toEqual([lookalike, real]);
    expect(html).toContain('Test orders (conformance kit) are hidden');
    expect(html).toContain('href="/console/orders?tests=1"');
  });

  it('"show test orders" lists them too, each marked as a test order', async () => {
    const html = await page('/console/orders?tests=1');
    expect(rowIds(html)).toEqual([lookalike, real, ...[...kitIds]]);
    expect((html.match(/<span class="badge test">test order<\/span>/g) ?? []).length).toBe(kitIds.length);
    expect(html).toMatch(/<input type="checkbox" id="tests" name="tests" value="1" checked=""/);
  });

  it('the filter holds across status filters, searches and pages', async () => {
    expect(rowIds(await page('/console/orders?status=paid'))).toEqual([]);
    expect(rowIds(await page('/console/orders?status=paid&tests=1')).length).toBe(2);
    expect(rowIds(await page(`/console/orders?q=${kitIds[0]}`))).toEqual([]);
    const shown = await page(`/console/orders?q=${kitIds[0]}`);
    expect(shown).toContain('test orders are hidden');
    expect(rowIds(await page(`/console/orders?q=${kitIds[0]}&tests=1`))[0]).toBe(kitIds[0]);
    const first = await page('/console/orders?tests=1&limit=2');
    expect(/rel="next" href="([^"]+)"/.exec(first)![1]).toContain('tests=1');
  });

  it('an order page says when an order is a conformance-kit test order', async () => {
    expect(await page(`/console/orders/${kitIds[0]}`)).toContain('Test order: created by the conformance kit');
    expect(await page(`/console/orders/${real}`)).not.toContain('Test order');
  });
});
