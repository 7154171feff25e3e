// The contract every Store implementation passes (docs/architecture.md rule 11): SQLite (better-sqlite3 and bun:sqlite) and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NewOrder, type OrderRecord, type Outbox, type ProofDecision, type Store } from '../../src/store/types.ts';
import { PAYMENT_OUTCOME_EVENTS } from '../../src/orders/types.ts';

const T = 1_800_000_000;
let n = 0;
const uid = (p: string) => `${p}_${Date.now().toString(36)}_${++n}`;

export function newOrder(o: Partial<NewOrder> = {}): NewOrder {
  const id = o.id ?? uid('ord');
  return {
    id,
    callerOcid: 200,
    requestHash: 'h1',
    amount: '15.00',
    currency: 'USD',
    reference: null,
    createdAt: T,
    expiresAt: T + 3600,
    orderJson: JSON.stringify({ id, accepts: [100] }),
    signature: 'ab'.repeat(65),
    responseBody: `{"order":{"id":"${id}"}}`,
    ...o,
  };
}

export function outbox(orderId: string, type: Outbox['event']['type'] = 'order.created', withDelivery = true): Outbox {
  const event = { id: uid('evt'), orderId, type, createdAt: T, data: JSON.stringify({ orderId }) };
  return withDelivery ? { event, delivery: { id: uid('dlv'), url: 'http://127.0.0.1:9/hook' } } : { event };
}

export function storeContract(name: string, open: () => Promise<Store>): void {
  describe(`store contract: ${name}`, () => {
    let store: Store;
    beforeAll(async () => {
      store = await open();
    });
    afterAll(async () => store?.close());

    it('is ready once migrated', async () => {
      expect(await store.ping()).toBe(true);
    });

    describe('nonces', () => {
      it('inserts a nonce once per (ocid, nonce)', async () => {
        const nonce = uid('n');
        expect(await store.insertNonce({ ocid: 200, nonce, expiresAt: T + 600 })).toBe(true);
        expect(await store.insertNonce({ ocid: 200, nonce, expiresAt: T + 600 })).toBe(false);
        expect(await store.insertNonce({ ocid: 201, nonce, expiresAt: T + 600 })).toBe(true);
      });

      it('lets exactly one of 50 concurrent inserts of one nonce win', async () => {
        const nonce = uid('n');
        const results = await Promise.all(Array.from({ length: 50 }, () => store.insertNonce({ ocid: 200, nonce, expiresAt: T + 600 })));
        expect(results.filter(Boolean)).toHaveLength(1);
      });

      it('purges expired nonces only', async () => {
        const old = uid('old');
        const fresh = uid('fresh');
        await store.insertNonce({ ocid: 200, nonce: old, expiresAt: T - 10 });
        await store.insertNonce({ ocid: 200, nonce: fresh, expiresAt: T + 10 });
        expect(await store.purgeNonces(T)).toBeGreaterThanOrEqual(1);
        expect(await store.insertNonce({ ocid: 200, nonce: old, expiresAt: T + 600 })).toBe(true);
        expect(await store.insertNonce({ ocid: 200, nonce: fresh, expiresAt: T + 600 })).toBe(false);
      });
    });

    describe('orders', () => {
      it('creates an order pending, with its event and delivery', async () => {
        const o = newOrder();
        const ob = outbox(o.id);
        const res = await store.createOrder(o, ob);
        expect(res.kind).toBe('created');
        const got = await store.getOrder(o.id);
        expect(got).toMatchObject({ ...o, status: 'pending', paidAt: null, txid: null, paidLate: false, paymentMismatch: false });
        expect((await store.listEvents(o.id)).map((e) => e.id)).toEqual([ob.event.id]);
        const deliveries = await store.listDeliveries({ orderId: o.id, limit: 10 });
        expect(deliveries).toHaveLength(1);
        expect(deliveries[0]).toMatchObject({ id: ob.delivery!.id, status: 'pending', attempts: 0, event: { id: ob.event.id } });
      });

      it('returns the stored order for an existing id and writes nothing', async () => {
        const o = newOrder();
        await store.createOrder(o, outbox(o.id));
        const res = await store.createOrder({ ...o, amount: '99.00' }, outbox(o.id));
        expect(res.kind).toBe('exists');
        expect(res.kind === 'exists' && res.order.amount).toBe('15.00');
        expect(await store.listEvents(o.id)).toHaveLength(1);
      });

      it('consumes the nonce in the same transaction, and a reused nonce writes no order', async () => {
        const nonce = { ocid: 200, nonce: uid('n'), expiresAt: T + 600 };
        const a = newOrder();
        expect((await store.createOrder(a, outbox(a.id), nonce)).kind).toBe('created');
        const b = newOrder();
        expect((await store.createOrder(b, outbox(b.id), nonce)).kind).toBe('nonce_reused');
        expect(await store.getOrder(b.id)).toBeUndefined();
        expect(await store.listEvents(b.id)).toHaveLength(0);
      });

      it('creates an order without a delivery when no webhook is configured: its event only, its seq answered', async () => {
        const o = newOrder();
        const ob = outbox(o.id, 'order.created', false);
        const res = await store.createOrder(o, ob, { ocid: 200, nonce: uid('n'), expiresAt: T + 600 });
        expect(res.kind).toBe('created');
        expect(res.kind === 'created' && res.order.seq).toBe((await store.getOrder(o.id))!.seq);
        expect((await store.listEvents(o.id)).map((e) => e.id)).toEqual([ob.event.id]);
        expect(await store.listDeliveries({ orderId: o.id, limit: 10 })).toHaveLength(0);
      });

      it('an existing id with a fresh nonce: the stored row is answered, the nonce consumed, nothing else written', async () => {
        const o = newOrder();
        await store.createOrder(o, outbox(o.id, 'order.created', false));
        const nonce = { ocid: 200, nonce: uid('n'), expiresAt: T + 600 };
        const res = await store.createOrder({ ...o, responseBody: '{"other":1}' }, outbox(o.id), nonce);
        expect(res.kind === 'exists' && res.order.responseBody).toBe(o.responseBody);
        expect(await store.insertNonce(nonce)).toBe(false);
        expect(await store.listEvents(o.id)).toHaveLength(1);
        expect(await store.listDeliveries({ orderId: o.id, limit: 10 })).toHaveLength(0);
      });

      it('creates one order when one id is created 20 times concurrently', async () => {
        const o = newOrder();
        const results = await Promise.all(Array.from({ length: 20 }, () => store.createOrder(o, outbox(o.id))));
        expect(results.filter((r) => r.kind === 'created')).toHaveLength(1);
        expect(await store.listEvents(o.id)).toHaveLength(1);
      });

      it('a creation that fails leaves nothing behind and does not disturb concurrent ones', async () => {
        const a = newOrder();
        const b = newOrder();
        const c = newOrder();
        const taken = outbox(a.id);
        await store.createOrder(a, taken);
        // b reuses a's event id, so its outbox insert fails; c runs at the same moment.
        const [rb, rc] = await Promise.allSettled([store.createOrder(b, { event: { ...taken.event, orderId: b.id } }), store.createOrder(c, outbox(c.id))]);
        expect(rb.status).toBe('rejected');
        expect(rc.status === 'fulfilled' && rc.value.kind).toBe('created');
        expect(await store.getOrder(b.id)).toBeUndefined();
        expect(await store.getOrder(c.id)).toBeDefined();
      });

      it('finds every order carrying a reference (more than one: ambiguous), newest first, up to the limit', async () => {
        const ref = uid('ref');
        const [a, b, c] = [newOrder({ reference: ref }), newOrder({ reference: ref, callerOcid: 0 }), newOrder({ reference: ref })];
        await store.createOrder(a, outbox(a.id));
        expect((await store.findOrdersByReference(ref, 10)).map((o) => o.id)).toEqual([a.id]);
        await store.createOrder(b, outbox(b.id));
        await store.createOrder(c, outbox(c.id));
        expect((await store.findOrdersByReference(ref, 10)).map((o) => o.id)).toEqual([c.id, b.id, a.id]);
        expect((await store.findOrdersByReference(ref, 2)).map((o) => o.id)).toEqual([c.id, b.id]);
        expect(await store.findOrdersByReference(uid('none'), 10)).toEqual([]);
      });

      it('changes an order only from the expected status, with its outbox', async () => {
        const o = newOrder();
        await store.createOrder(o, outbox(o.id));
        const paid = await store.changeOrder(o.id, { from: 'pending', to: 'paid', paidAt: T + 5, txid: 'tx1' }, [outbox(o.id, 'order.paid')]);
        expect(paid).toMatchObject({ status: 'paid', paidAt: T + 5, txid: 'tx1' });
        expect(await store.changeOrder(o.id, { from: 'pending', to: 'cancelled' }, [outbox(o.id, 'order.cancelled')])).toBeUndefined();
        expect((await store.listEvents(o.id)).map((e) => e.type)).toEqual(['order.created', 'order.paid']);
      });

      it('reads an order back as the record it was written as: every column, flags as booleans, nulls as null', async () => {
        const o = newOrder({ reference: 'shape-1' });
        const created = await store.createOrder(o, outbox(o.id));
        const fresh = { ...o, status: 'pending', paidAt: null, txid: null, paidLate: false, paymentMismatch: false };
        expect(created).toEqual({ kind: 'created', order: { ...fresh, seq: expect.any(Number) } });
        const seq = (created as { order: OrderRecord }).order.seq;
        expect(await store.getOrder(o.id)).toEqual({ ...fresh, seq });
        await store.changeOrder(o.id, { from: 'pending', to: 'expired', paidLate: true }, []);
        await store.changeOrder(o.id, { from: 'expired', paymentMismatch: true }, []);
        expect(await store.getOrder(o.id)).toEqual({ ...fresh, seq, status: 'expired', paidLate: true, paymentMismatch: true });
        // The replay path reads the same record through the creation batch.
        expect(await store.createOrder(o, outbox(o.id))).toEqual({ kind: 'exists', order: { ...fresh, seq, status: 'expired', paidLate: true, paymentMismatch: true } });
      });

      it('lets exactly one of two racing transitions win', async () => {
        const o = newOrder();
        await store.createOrder(o, outbox(o.id));
        const [a, b] = await Promise.all([
          store.changeOrder(o.id, { from: 'pending', to: 'paid', paidAt: T, txid: 'x' }, [outbox(o.id, 'order.paid')]),
          store.changeOrder(o.id, { from: 'pending', to: 'cancelled' }, [outbox(o.id, 'order.cancelled')]),
        ]);
        expect([a, b].filter(Boolean)).toHaveLength(1);
        expect(await store.listEvents(o.id)).toHaveLength(2);
      });

      it('lists newest first with a seq cursor and a status filter', async () => {
        const ids: string[] = [];
        for (let i = 0; i < 3; i++) {
          const o = newOrder({ currency: 'XTS' });
          ids.push(o.id);
          await store.createOrder(o, outbox(o.id, 'order.created', false));
        }
        const first = await store.listOrders({ limit: 2 });
        expect(first[0]!.seq).toBeGreaterThan(first[1]!.seq);
        const next = await store.listOrders({ limit: 50, beforeSeq: first[1]!.seq });
        expect(next.every((o) => o.seq < first[1]!.seq)).toBe(true);
        await store.changeOrder(ids[0]!, { from: 'pending', to: 'cancelled' }, []);
        expect((await store.listOrders({ status: 'cancelled', limit: 500 })).map((o) => o.id)).toContain(ids[0]);
        expect((await store.listOrders({ status: 'pending', limit: 500 })).map((o) => o.id)).not.toContain(ids[0]);
      });

      it('hides the orders carrying a test mark (reference prefix and memo both), case-sensitively', async () => {
        const mark = { referencePrefix: uid('mk'), memo: 'Test mark memo' };
        const memoJson = (id: string, memo: string) => JSON.stringify({ id, memo, accepts: [100] });
        const make = async (reference: string | null, memo: string) => {
          const o = newOrder({ currency: 'XTM', reference });
          await store.createOrder({ ...o, orderJson: memoJson(o.id, memo) }, outbox(o.id, 'order.created', false));
          return o.id;
        };
        const marked = await make(`${mark.referencePrefix}_1`, mark.memo);
        const onlyRef = await make(`${mark.referencePrefix}_2`, 'a real memo');
        const onlyMemo = await make('till-7', mark.memo);
        const upper = await make(`${mark.referencePrefix.toUpperCase()}_3`, mark.memo);
        const noRef = await make(null, mark.memo);
        const all = (await store.listOrders({ limit: 500 })).map((o) => o.id);
        expect(all).toEqual(expect.arrayContaining([marked, onlyRef, onlyMemo, upper, noRef]));
        const shown = (await store.listOrders({ limit: 500, hide: mark })).map((o) => o.id);
        expect(shown).not.toContain(marked);
        expect(shown).toEqual(expect.arrayContaining([onlyRef, onlyMemo, upper, noRef]));
        expect((await store.searchOrders({ text: mark.referencePrefix, limit: 50 })).map((o) => o.id)).toContain(marked);
        expect((await store.searchOrders({ text: mark.referencePrefix, hide: mark, limit: 50 })).map((o) => o.id)).not.toContain(marked);
      });

      it('searches by id or reference: the exact id first, then exact references, then partial matches, newest first', async () => {
        const tag = uid('srch');
        const target = newOrder({ id: `${tag}_A`, reference: 'unrelated' });
        const byRef = newOrder({ reference: `${tag}_A` });
        const partialRef = newOrder({ reference: `Table ${tag.toUpperCase()} window` });
        const partialId = newOrder({ id: `${tag}_A_2` });
        for (const o of [target, byRef, partialRef, partialId]) await store.createOrder(o, outbox(o.id, 'order.created', false));
        expect((await store.searchOrders({ text: `${tag}_A`, limit: 10 })).map((o) => o.id)).toEqual([target.id, byRef.id, partialId.id]);
        expect((await store.searchOrders({ text: tag, limit: 10 })).map((o) => o.id)).toEqual([partialId.id, partialRef.id, byRef.id, target.id]);
        expect((await store.searchOrders({ text: tag, limit: 2 })).map((o) => o.id)).toEqual([partialId.id, partialRef.id]);
        await store.changeOrder(partialRef.id, { from: 'pending', to: 'cancelled' }, []);
        expect((await store.searchOrders({ text: tag, status: 'cancelled', limit: 10 })).map((o) => o.id)).toEqual([partialRef.id]);
      });

      it('treats search text as text: wildcards, quotes, NUL and odd unicode match only themselves and never throw', async () => {
        const o = newOrder({ reference: uid('ref_50%_off') });
        await store.createOrder(o, outbox(o.id, 'order.created', false));
        expect((await store.searchOrders({ text: '50%_off', limit: 10 })).map((x) => x.id)).toEqual([o.id]);
        for (const text of ['%', '_', '\\', "' or 1=1 --", 'x\u0000y', '\u{1F600}', '\uD800']) {
          const found = await store.searchOrders({ text, limit: 500 });
          for (const r of found) expect(`${r.id} ${r.reference ?? ''}`.toLowerCase(), JSON.stringify(text)).toContain(text.toLowerCase());
        }
        expect(await store.searchOrders({ text: 'x\u0000y', limit: 10 })).toEqual([]);
        expect(await store.searchOrders({ text: uid('none'), limit: 10 })).toEqual([]);
      });

      it('lists pending orders past expiry for the sweep', async () => {
        const o = newOrder({ expiresAt: T - 1 });
        await store.createOrder(o, outbox(o.id, 'order.created', false));
        expect((await store.listExpirable(T, 1000)).map((x) => x.id)).toContain(o.id);
        await store.changeOrder(o.id, { from: 'pending', to: 'expired' }, []);
        expect((await store.listExpirable(T, 1000)).map((x) => x.id)).not.toContain(o.id);
      });
    });

    describe('proofs', () => {
      const proof = (orderId: string | null, txid: string, hash = 'p1') => ({
        issuer: 100,
        txid,
        senderOcid: 100,
        orderId,
        proofJson: '{}',
        signature: 'cd'.repeat(65),
        proofHash: hash,
        form: 'A' as const,
        receivedAt: T,
      });
      const payIfPending = (orderId: string) => (o: OrderRecord | undefined): ProofDecision =>
        o?.status === 'pending'
          ? { verdict: 'accepted', change: { from: 'pending', to: 'paid', paidAt: T, txid: 'winner' }, outbox: [outbox(orderId, 'order.paid')] }
          : { verdict: 'duplicate_order', outbox: [] };

      it('stores a proof with the decision, the order change and the outbox in one go', async () => {
        const o = newOrder();
        await store.createOrder(o, outbox(o.id));
        const txid = uid('tx');
        const res = await store.recordProof(proof(o.id, txid), payIfPending(o.id));
        expect(res.kind).toBe('stored');
        expect(res.kind === 'stored' && res.order?.status).toBe('paid');
        expect((await store.listProofs(o.id))[0]).toMatchObject({ txid, verdict: 'accepted', form: 'A' });
        expect((await store.listEvents(o.id)).map((e) => e.type)).toEqual(['order.created', 'order.paid']);
      });

      it('keeps what vouched for `to` (null when not given: refused deliveries, rows older than migration 0003)', async () => {
        const o = newOrder();
        await store.createOrder(o, outbox(o.id));
        await store.recordProof({ ...proof(o.id, uid('tx'), 'v1'), senderOcid: 200, voucher: 'issuer_confirmed' }, payIfPending(o.id));
        await store.recordProof({ ...proof(o.id, uid('tx'), 'v2'), senderOcid: 200 }, () => ({ verdict: 'form_a_not_from_issuer', outbox: [] }));
        expect((await store.listProofs(o.id)).map((p) => [p.verdict, p.voucher])).toEqual([
          ['accepted', 'issuer_confirmed'],
          ['form_a_not_from_issuer', null],
        ]);
      });

      it('answers duplicate for the same proof and conflict for a different one under the same txid', async () => {
        const txid = uid('tx');
        await store.recordProof(proof(null, txid, 'same'), () => ({ verdict: 'unmatched', outbox: [] }));
        expect((await store.recordProof(proof(null, txid, 'same'), () => ({ verdict: 'unmatched', outbox: [] }))).kind).toBe('duplicate');
        expect((await store.recordProof(proof(null, txid, 'other'), () => ({ verdict: 'unmatched', outbox: [] }))).kind).toBe('conflict');
      });

      it('keeps refused deliveries beside the slot: they never make the genuine proof a duplicate or a conflict', async () => {
        const refuse = (): ProofDecision => ({ verdict: 'form_a_not_from_issuer', outbox: [] });
        const unmatched = (): ProofDecision => ({ verdict: 'unmatched', outbox: [] });
        // Refused first (a relayed, re-addressed form-A proof), then the genuine one with the same bytes and with others.
        const txid = uid('tx');
        expect((await store.recordProof({ ...proof(null, txid, 'relayed'), senderOcid: 200 }, refuse)).kind).toBe('stored');
        expect((await store.recordProof({ ...proof(null, txid, 'relayed'), senderOcid: 201 }, refuse)).kind).toBe('duplicate');
        const genuine = await store.recordProof(proof(null, txid, 'genuine'), unmatched);
        expect(genuine.kind === 'stored' && genuine.proof.verdict).toBe('unmatched');
        // Genuine first: another refused relay is stored beside it; an identical relay is the genuine proof again.
        expect((await store.recordProof({ ...proof(null, txid, 'moved'), senderOcid: 200 }, refuse)).kind).toBe('stored');
        const same = await store.recordProof({ ...proof(null, txid, 'genuine'), senderOcid: 200 }, refuse);
        expect(same.kind === 'duplicate' && same.proof.verdict).toBe('unmatched');
        expect((await store.recordProof(proof(null, txid, 'third'), unmatched)).kind).toBe('conflict');
        // The identical bytes as the refused relay, delivered genuinely: not a duplicate of the refused row.
        const t2 = uid('tx');
        await store.recordProof({ ...proof(null, t2, 'bytes'), senderOcid: 200 }, refuse);
        expect((await store.recordProof(proof(null, t2, 'bytes'), unmatched)).kind).toBe('stored');
      });

      it('a refused delivery with an order lists under that order and changes nothing', async () => {
        const o = newOrder();
        await store.createOrder(o, outbox(o.id));
        const res = await store.recordProof({ ...proof(o.id, uid('tx')), senderOcid: 200 }, () => ({ verdict: 'form_a_not_from_issuer', outbox: [] }));
        expect(res.kind).toBe('stored');
        expect((await store.listProofs(o.id)).map((p) => p.verdict)).toEqual(['form_a_not_from_issuer']);
        expect(await store.getOrder(o.id)).toMatchObject({ status: 'pending', paymentMismatch: false });
        expect((await store.listEvents(o.id)).map((e) => e.type)).toEqual(['order.created']);
      });

      it('racing refused relays and the genuine proof of one txid: the genuine one is stored and pays', async () => {
        const o = newOrder();
        await store.createOrder(o, outbox(o.id));
        const txid = uid('tx');
        const relays = Array.from({ length: 6 }, (_, i) => store.recordProof({ ...proof(o.id, txid, `relay${i}`), senderOcid: 200 }, () => ({ verdict: 'form_a_not_from_issuer', outbox: [] })));
        const results = await Promise.all([...relays, store.recordProof(proof(o.id, txid, 'genuine'), payIfPending(o.id))]);
        expect(results.map((r) => r.kind)).toEqual(Array(7).fill('stored'));
        expect((await store.getOrder(o.id))?.status).toBe('paid');
        expect((await store.listProofs(o.id)).filter((p) => p.verdict === 'accepted')).toHaveLength(1);
      });

      it('serialises racing proofs: exactly one pays the order', async () => {
        const o = newOrder();
        await store.createOrder(o, outbox(o.id));
        const results = await Promise.all(Array.from({ length: 10 }, () => store.recordProof(proof(o.id, uid('tx')), payIfPending(o.id))));
        const verdicts = results.map((r) => (r.kind === 'stored' ? r.decision.verdict : r.kind));
        expect(verdicts.filter((v) => v === 'accepted')).toHaveLength(1);
        expect(verdicts.filter((v) => v === 'duplicate_order')).toHaveLength(9);
        expect((await store.listEvents(o.id)).filter((e) => e.type === 'order.paid')).toHaveLength(1);
      });
    });

    describe('deliveries', () => {
      it('claims due deliveries under a lease that keeps other claimers out', async () => {
        const o = newOrder();
        const ob = outbox(o.id);
        await store.createOrder(o, ob);
        const [a, b] = await Promise.all([store.claimDeliveries(T, T + 60, 1000), store.claimDeliveries(T, T + 60, 1000)]);
        const mine = [...a, ...b].filter((d) => d.id === ob.delivery!.id);
        expect(mine).toHaveLength(1);
        expect(mine[0]!.event.type).toBe('order.created');
        expect((await store.claimDeliveries(T + 30, T + 90, 1000)).map((d) => d.id)).not.toContain(ob.delivery!.id);
        // The lease lapses: another worker may take it again (at-least-once).
        expect((await store.claimDeliveries(T + 61, T + 120, 1000)).map((d) => d.id)).toContain(ob.delivery!.id);
      });

      it('records an attempt, then redelivers a failed delivery', async () => {
        const o = newOrder();
        const ob = outbox(o.id);
        await store.createOrder(o, ob);
        const id = ob.delivery!.id;
        const [claimed] = (await store.claimDeliveries(T, T + 60, 1000)).filter((d) => d.id === id);
        expect(claimed?.lockedUntil).toBe(T + 60);
        const outcome = { status: 'failed' as const, attempts: 3, nextAttemptAt: T, lastAttemptAt: T, lastStatus: 500, lastError: 'HTTP 500' };
        // Only the lease holder may record the attempt.
        expect(await store.finishAttempt(id, T + 59, outcome)).toBe(false);
        expect(await store.finishAttempt(id, T + 60, outcome)).toBe(true);
        expect((await store.listDeliveries({ status: 'failed', limit: 1000 })).map((d) => d.id)).toContain(id);
        const again = await store.redeliver(id, T + 100);
        expect(again).toMatchObject({ status: 'pending', attempts: 3, nextAttemptAt: T + 100 });
        expect((await store.claimDeliveries(T + 100, T + 160, 1000)).map((d) => d.id)).toContain(id);
        expect(await store.redeliver('dlv_missing', T)).toBeUndefined();
      });

      it('claims payment outcomes ahead of order.created, each oldest due first, and leases only what it returns', async () => {
        const now = T + 20_000; // later than any lease the other tests took: every pending delivery here is due
        const queued = async (type: Outbox['event']['type'], dueAt: number) => {
          const o = newOrder();
          const ob = outbox(o.id, type);
          ob.event.createdAt = dueAt; // a delivery is first due when its event happened
          await store.createOrder(o, ob);
          return ob.delivery!.id;
        };
        const created = [await queued('order.created', T + 1), await queued('order.created', T + 2), await queued('order.created', T + 3)];
        const late = await queued('order.paid_late', T + 7);
        const paid = await queued('order.paid', T + 8);
        const mismatch = await queued('order.payment_mismatch', T + 9);
        const all = await store.claimDeliveries(now, now + 60, 10_000);
        const rank = (type: string) => ((PAYMENT_OUTCOME_EVENTS as readonly string[]).includes(type) ? 0 : 1);
        const ranks = all.map((d) => rank(d.event.type));
        expect(ranks, 'every payment outcome before anything else').toEqual([...ranks].sort());
        const mine = all.map((d) => d.id).filter((id) => [...created, late, paid, mismatch].includes(id));
        expect(mine).toEqual([late, paid, mismatch, ...created]);
        expect(all.every((d) => d.lockedUntil === now + 60)).toBe(true);
        // Two fail and are due again later; the rest succeed. A claim of one then takes the payment outcome.
        const retry = { status: 'pending' as const, attempts: 1, nextAttemptAt: now + 100, lastAttemptAt: now, lastStatus: 500, lastError: 'HTTP 500' };
        const done = { ...retry, status: 'succeeded' as const, lastStatus: 200, lastError: null };
        for (const d of all) expect(await store.finishAttempt(d.id, now + 60, d.id === paid || d.id === created[0] ? retry : done)).toBe(true);
        const [first, ...rest] = [paid, created[0]!];
        expect((await store.claimDeliveries(now + 100, now + 160, 1)).map((d) => d.id)).toEqual([first]);
        expect((await store.claimDeliveries(now + 100, now + 160, 10)).map((d) => d.id)).toEqual(rest);
      });

      it('counts deliveries by status (the queue-depth gauge of /metrics)', async () => {
        const count = async () => ({ pending: await store.countDeliveries('pending'), failed: await store.countDeliveries('failed') });
        const before = await count();
        const o = newOrder();
        const ob = outbox(o.id);
        await store.createOrder(o, ob);
        expect(await count()).toEqual({ pending: before.pending + 1, failed: before.failed });
        const id = ob.delivery!.id;
        expect((await store.claimDeliveries(T, T + 60, 1000)).map((d) => d.id)).toContain(id);
        await store.finishAttempt(id, T + 60, { status: 'failed', attempts: 1, nextAttemptAt: T, lastAttemptAt: T, lastStatus: 500, lastError: 'HTTP 500' });
        expect(await count()).toEqual({ pending: before.pending, failed: before.failed + 1 });
      });
    });

    describe('charges', () => {
      const charge = (orderId: string, gateway = 'coingate', status = 'pending') => ({
        id: uid('chg'),
        orderId,
        gateway,
        reference: uid('ref'),
        paymentUrl: 'https://pay.example/x',
        status,
        gatewayStatus: 'new',
        tokenHash: 'ef'.repeat(32),
        idempotencyKey: uid('key'),
        createdAt: T,
        updatedAt: T,
      });

      it('keeps one charge per (order, gateway)', async () => {
        const o = newOrder();
        await store.createOrder(o, outbox(o.id, 'order.created', false));
        const c1 = charge(o.id);
        expect((await store.insertCharge(c1)).kind).toBe('created');
        const again = await store.insertCharge(charge(o.id));
        expect(again).toMatchObject({ kind: 'exists', charge: { id: c1.id } });
        expect((await store.insertCharge(charge(o.id, 'mugglepay'))).kind).toBe('created');
        expect(await store.listCharges(o.id)).toHaveLength(2);
        expect((await store.getCharge('coingate', c1.reference))?.id).toBe(c1.id);
        expect((await store.getChargeForOrder(o.id, 'coingate'))?.id).toBe(c1.id);
      });

      it('lists open charges and updates them', async () => {
        const o = newOrder();
        await store.createOrder(o, outbox(o.id, 'order.created', false));
        const c = charge(o.id);
        await store.insertCharge(c);
        expect((await store.listOpenCharges(1000)).map((x) => x.id)).toContain(c.id);
        await store.updateCharge(c.id, { status: 'paid', gatewayStatus: 'paid', updatedAt: T + 1 });
        expect((await store.listOpenCharges(1000)).map((x) => x.id)).not.toContain(c.id);
        await store.deleteCharge(c.id);
        expect(await store.getChargeForOrder(o.id, 'coingate')).toBeUndefined();
      });

      it('keeps the idempotency key and lists charges whose create has no known outcome', async () => {
        const o = newOrder();
        await store.createOrder(o, outbox(o.id, 'order.created', false));
        const lost = charge(o.id, 'iumicash', 'unknown');
        const inFlight = charge(o.id, 'mugglepay', 'creating');
        const open = charge(o.id);
        for (const c of [lost, inFlight, open]) await store.insertCharge(c);
        expect((await store.getChargeForOrder(o.id, 'iumicash'))?.idempotencyKey).toBe(lost.idempotencyKey);
        const ids = (await store.listUnresolvedCharges(1000)).map((x) => x.id);
        expect(ids).toEqual(expect.arrayContaining([lost.id, inFlight.id]));
        expect(ids).not.toContain(open.id);
      });

      it('lets exactly one caller claim an unresolved charge, and only as it was read', async () => {
        const o = newOrder();
        await store.createOrder(o, outbox(o.id, 'order.created', false));
        const lost = charge(o.id, 'iumicash', 'unknown');
        await store.insertCharge(lost);
        const claims = await Promise.all([store.claimCharge(lost.id, lost, T + 5), store.claimCharge(lost.id, lost, T + 5)]);
        expect(claims.filter(Boolean)).toHaveLength(1);
        expect(claims.find(Boolean)).toMatchObject({ id: lost.id, status: 'creating', updatedAt: T + 5, idempotencyKey: lost.idempotencyKey });
        // A stale read (the status or the time moved on since) claims nothing.
        expect(await store.claimCharge(lost.id, lost, T + 6)).toBeUndefined();
        expect(await store.claimCharge(lost.id, { status: 'creating', updatedAt: T }, T + 6)).toBeUndefined();
        expect(await store.claimCharge('chg_missing', lost, T + 6)).toBeUndefined();
      });
    });
  });
}
