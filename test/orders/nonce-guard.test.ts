// The nonce guard (PROFILE §2 step 5) on a real SQLite store: settled once, on its own or inside the caller's transaction.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALLER_OCID, makeHarness, type Harness } from '../helpers/harness.ts';
import { nonceGuard, withoutNonce, type NonceGuard } from '../../src/orders/nonce-guard.ts';
import { createOrder } from '../../src/orders/create-order.ts';
import type { NonceClaim, Store } from '../../src/store/types.ts';

let h: Harness;
beforeAll(async () => {
  h = await makeHarness();
});
afterAll(() => h.close());

let n = 0;
const claim = (): NonceClaim => ({ ocid: CALLER_OCID, nonce: `guard-${process.pid}-${++n}`, expiresAt: h.clock.now + 600 });
const guardFor = (c: NonceClaim) => nonceGuard(c, (cl) => h.store.insertNonce(cl));
/** True when the nonce was still free (this insert took it). */
const free = (c: NonceClaim) => h.store.insertNonce(c);

describe('nonceGuard', () => {
  it('settle() writes the claim on its own and answers true; another guard for the same claim answers false', async () => {
    const c = claim();
    expect(await guardFor(c).settle()).toBe(true);
    expect(await guardFor(c).settle()).toBe(false);
    expect(await free(c)).toBe(false);
  });

  it('is settled from the moment settle is called, before the write finishes', async () => {
    const g = guardFor(claim());
    expect(g.settled).toBe(false);
    const pending = g.settle();
    expect(g.settled).toBe(true);
    expect(await pending).toBe(true);
  });

  it('a second settle throws and writes nothing', async () => {
    const c = claim();
    const g = guardFor(c);
    expect(await g.settle()).toBe(true);
    let consumed = 0;
    await expect(g.settle()).rejects.toThrow(/already settled/);
    await expect(
      g.settle(async () => {
        consumed++;
        return true;
      }),
    ).rejects.toThrow(/already settled/);
    expect(consumed).toBe(0);
  });

  it('settle(consume) hands the claim to the caller’s transaction instead of writing it itself, and answers what it answers', async () => {
    const c = claim();
    const seen: Array<NonceClaim | undefined> = [];
    const g = guardFor(c);
    expect(
      await g.settle(async (cl) => {
        seen.push(cl);
        return false;
      }),
    ).toBe(false);
    expect(seen).toEqual([c]);
    expect(await free(c)).toBe(true); // the guard wrote nothing itself
  });

  it('without a nonce: settle() answers true and writes nothing; settle(consume) still runs the transaction, with no claim', async () => {
    expect(withoutNonce().claim).toBeUndefined();
    expect(await withoutNonce().settle()).toBe(true);
    const seen: Array<NonceClaim | undefined> = [];
    expect(
      await withoutNonce().settle(async (cl) => {
        seen.push(cl);
        return true;
      }),
    ).toBe(true);
    expect(seen).toEqual([undefined]);
  });
});

describe('createOrder settles its guard exactly once', () => {
  const body = (id: string, amount = '3.00') => ({ id, amount, currency: 'USD' });

  it('a new order consumes the nonce in its transaction', async () => {
    const c = claim();
    const g = guardFor(c);
    const res = await createOrder(h.deps, { callerOcid: CALLER_OCID, body: body(`g-new-${n}`), nonce: g });
    expect(res.ok).toBe(true);
    expect(g.settled).toBe(true);
    expect(await free(c)).toBe(false);
  });

  it('a failure consumes the nonce; with the nonce already used it answers NONCE_REUSED instead', async () => {
    const c = claim();
    const first = await createOrder(h.deps, { callerOcid: CALLER_OCID, body: { amount: 'x' }, nonce: guardFor(c) });
    expect(first.ok || first.code).toBe('INVALID_REQUEST');
    expect(await free(c)).toBe(false);
    const again = await createOrder(h.deps, { callerOcid: CALLER_OCID, body: { amount: 'x' }, nonce: guardFor(c) });
    expect(again.ok || again.code).toBe('NONCE_REUSED');
  });

  it('an id that appears between the read and the transaction: ORDER_CONFLICT, the nonce consumed once by the transaction', async () => {
    const id = `g-race-${n}`;
    expect((await createOrder(h.deps, { callerOcid: CALLER_OCID, body: body(id) })).ok).toBe(true);
    // The first read misses the order (as when another request creates it meanwhile); the transaction finds it.
    const store = new Proxy(h.deps.store, {
      get: (s, p) => (p === 'getOrder' ? async () => undefined : (Reflect.get(s, p) as (...a: unknown[]) => unknown).bind(s)),
    }) as Store;
    const c = claim();
    const g: NonceGuard = guardFor(c);
    const conflict = await createOrder({ ...h.deps, store }, { callerOcid: CALLER_OCID, body: body(id, '4.00'), nonce: g });
    expect(conflict.ok || conflict.code).toBe('ORDER_CONFLICT');
    expect(await free(c)).toBe(false);
    const c2 = claim();
    const replay = await createOrder({ ...h.deps, store }, { callerOcid: CALLER_OCID, body: body(id), nonce: guardFor(c2) });
    expect(replay.ok && replay.value.replayed).toBe(true);
    expect(await free(c2)).toBe(false);
  });

  it('the admin API (no nonce) still stores its order through the transaction', async () => {
    const id = `g-admin-${n}`;
    const res = await createOrder(h.deps, { callerOcid: 0, body: body(id) });
    expect(res.ok, JSON.stringify(res)).toBe(true);
    expect((await h.store.getOrder(id))?.callerOcid).toBe(0);
  });
});
