// The reads the admin API and the console share, on a real SQLite store: cursor pages, search, test orders, one
// order's detail, deliveries and redeliver.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHarness, type Harness } from '../helpers/harness.ts';
import { createOrder } from '../../src/orders/create-order.ts';
import { KIT_MARK } from '../../src/conformance/marker.ts';
import {
  decodeCursor, encodeCursor, getOrderDetail, isDeliveryStatus, isOrderStatus, isTestOrder, listDeliveries, listOrdersPage, redeliver, storeReady,
} from '../../src/orders/queries.ts';

let h: Harness;
const ids: string[] = []; // oldest first
let kitId: string;
beforeAll(async () => {
  // A webhook URL makes every event a pending delivery (nothing sends them here).
  h = await makeHarness({ env: { OC_WEBHOOK_URL: 'http://127.0.0.1:9/hook', OC_WEBHOOK_SECRET: 'whsec_' + Buffer.from('a shop webhook secret for the queries test').toString('base64') } });
  const made = async (body: Record<string, unknown>) => {
    const r = await createOrder(h.deps, { callerOcid: 0, body });
    if (!r.ok) throw new Error(r.message);
    return r.value.record.id;
  };
  for (let i = 1; i <= 5; i++) ids.push(await made({ amount: `${i}.00`, currency: 'USD', reference: `table-${i}` }));
  kitId = await made({ amount: '1.00', currency: 'USD', reference: 'conf_probe', memo: KIT_MARK.memo });
});
afterAll(async () => h?.close());

describe('listOrdersPage', () => {
  it('pages newest first through the cursor until nextCursor is null, each order once', async () => {
    const seen: string[][] = [];
    let beforeSeq: number | undefined;
    for (;;) {
      const page = await listOrdersPage(h.deps, { beforeSeq, limit: 2 });
      seen.push(page.orders.map((o) => o.id));
      expect(page.more).toBe(page.nextCursor !== null);
      if (!page.nextCursor) break;
      beforeSeq = decodeCursor(page.nextCursor);
      expect(beforeSeq).toBe(page.orders.at(-1)!.seq);
    }
    expect(seen).toEqual([[kitId, ids[4]], [ids[3], ids[2]], [ids[1], ids[0]]]);
  });

  it('a page exactly as long as what is left has no next cursor', async () => {
    const page = await listOrdersPage(h.deps, { limit: 6 });
    expect(page).toMatchObject({ more: false, nextCursor: null });
    expect(page.orders).toHaveLength(6);
  });

  it('hides the conformance kit’s orders when asked', async () => {
    const page = await listOrdersPage(h.deps, { hideTests: true, limit: 50 });
    expect(page.orders.map((o) => o.id)).toEqual([...ids].reverse());
    const kit = (await getOrderDetail(h.deps, kitId))!.order;
    expect(isTestOrder(kit)).toBe(true);
    expect(page.orders.some(isTestOrder)).toBe(false);
  });

  it('filters by status', async () => {
    expect((await listOrdersPage(h.deps, { status: 'pending', limit: 50 })).orders).toHaveLength(6);
    expect(await listOrdersPage(h.deps, { status: 'paid', limit: 50 })).toEqual({ orders: [], more: false, nextCursor: null });
  });

  it('searches by reference: says whether more match, never gives a cursor', async () => {
    const one = await listOrdersPage(h.deps, { text: 'table-3', limit: 10 });
    expect(one.orders.map((o) => o.id)).toEqual([ids[2]]);
    expect(one).toMatchObject({ more: false, nextCursor: null });
    const many = await listOrdersPage(h.deps, { text: 'table', limit: 2 });
    expect(many.orders).toHaveLength(2);
    expect(many).toMatchObject({ more: true, nextCursor: null });
  });
});

describe('cursors and status lists', () => {
  it('a cursor round-trips; anything else decodes to nothing', () => {
    expect(decodeCursor(encodeCursor(42))).toBe(42);
    for (const bad of ['', 'not a cursor', encodeCursor(0), encodeCursor(-3), Buffer.from('1.5').toString('base64url'), Buffer.from('9007199254740993').toString('base64url')])
      expect(decodeCursor(bad), bad).toBeUndefined();
  });
  it('knows the order and delivery statuses and nothing else', () => {
    expect(['pending', 'paid', 'expired', 'cancelled'].every(isOrderStatus)).toBe(true);
    expect([undefined, '', 'PAID', 'refunded'].some(isOrderStatus)).toBe(false);
    expect(['pending', 'succeeded', 'failed'].every(isDeliveryStatus)).toBe(true);
    expect([undefined, 'paid'].some(isDeliveryStatus)).toBe(false);
  });
});

describe('getOrderDetail, deliveries and redeliver', () => {
  it('one order with its events and deliveries; nothing for an unknown id', async () => {
    expect(await getOrderDetail(h.deps, 'ord_nope')).toBeUndefined();
    const d = (await getOrderDetail(h.deps, ids[0]!))!;
    expect(d.order.id).toBe(ids[0]);
    expect(d.events.map((e) => e.type)).toEqual(['order.created']);
    expect(d.deliveries.map((x) => [x.status, x.event.type, x.event.orderId])).toEqual([['pending', 'order.created', ids[0]]]);
    expect(d).toMatchObject({ proofs: [], charges: [] });
  });

  it('lists deliveries by status and queues one again', async () => {
    expect(await listDeliveries(h.deps, 'failed')).toEqual([]);
    const pending = await listDeliveries(h.deps, 'pending');
    expect(pending).toHaveLength(6);
    expect(await redeliver(h.deps, 'dlv_nope')).toBeUndefined();
    h.clock.now += 60;
    const again = await redeliver(h.deps, pending[0]!.id);
    expect(again).toMatchObject({ id: pending[0]!.id, status: 'pending', nextAttemptAt: h.clock.now });
  });

  it('the store is ready', async () => expect(await storeReady(h.deps)).toBe(true));
});
