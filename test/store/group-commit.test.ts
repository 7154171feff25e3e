// The group-commit scheduler on its own: who shares a batch, who waits, and how one failure stays its own.
import { describe, expect, it } from 'vitest';
import { createGroupCommit, type Outcome } from '../../src/store/group-commit.ts';

/** A commit that records each batch and answers item × 10, or an error for a negative item. */
function recorder() {
  const batches: number[][] = [];
  const commit = (items: readonly number[]): Outcome<number>[] => {
    batches.push([...items]);
    return items.map((i) => (i < 0 ? { ok: false, error: new Error(`bad ${i}`) } : { ok: true, value: i * 10 }));
  };
  return { batches, commit };
}

/** An async commit that stays open until `release(k)` is called for batch k. */
function gated() {
  const batches: number[][] = [];
  const gates: Array<() => void> = [];
  let signal: () => void = () => {};
  let next = new Promise<void>((r) => (signal = r));
  const commit = async (items: readonly number[]): Promise<Outcome<number>[]> => {
    batches.push([...items]);
    const gate = new Promise<void>((r) => gates.push(r));
    signal();
    next = new Promise<void>((r) => (signal = r));
    await gate;
    return items.map((i) => ({ ok: true, value: i }));
  };
  return { batches, commit, gates, started: () => next };
}

describe('group commit', () => {
  it('commits what is submitted in one turn as one batch and answers each item its own value', async () => {
    const r = recorder();
    const submit = createGroupCommit({ commit: r.commit });
    expect(await Promise.all([submit(1), submit(2), submit(3)])).toEqual([10, 20, 30]);
    expect(r.batches).toEqual([[1, 2, 3]]);
  });

  it('starts a new batch for what is submitted after a batch was committed', async () => {
    const r = recorder();
    const submit = createGroupCommit({ commit: r.commit });
    await submit(1);
    await Promise.all([submit(2), submit(3)]);
    expect(r.batches).toEqual([[1], [2, 3]]);
  });

  it('fails only the item whose outcome is an error; the others in its batch succeed', async () => {
    const r = recorder();
    const submit = createGroupCommit({ commit: r.commit });
    const results = await Promise.allSettled([submit(1), submit(-2), submit(3)]);
    expect(results.map((x) => (x.status === 'fulfilled' ? x.value : (x.reason as Error).message))).toEqual([10, 'bad -2', 30]);
    expect(r.batches).toHaveLength(1);
  });

  it('fails every item of a batch whose commit throws, and the next batch is unaffected', async () => {
    let fail = true;
    const submit = createGroupCommit<number, number>({
      commit: (items) => {
        if (fail) throw new Error('commit failed');
        return items.map((i) => ({ ok: true, value: i }));
      },
    });
    const first = await Promise.allSettled([submit(1), submit(2)]);
    expect(first.map((x) => x.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(await submit(3)).toBe(3);
  });

  it('rejects every item when an async commit rejects', async () => {
    const submit = createGroupCommit<number, number>({ commit: async () => Promise.reject(new Error('lost connection')) });
    const res = await Promise.allSettled([submit(1), submit(2)]);
    expect(res.map((x) => (x.status === 'rejected' ? (x.reason as Error).message : 'ok'))).toEqual(['lost connection', 'lost connection']);
  });

  it('answers nothing before its batch is committed, and queues what arrives meanwhile for one next batch', async () => {
    const g = gated();
    const submit = createGroupCommit({ commit: g.commit, inFlight: 1 });
    const started = g.started();
    let answered = false;
    const a = submit(1).then((v) => ((answered = true), v));
    await started;
    const second = g.started();
    const later = [submit(2), submit(3), submit(4)];
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(answered).toBe(false);
    expect(g.batches).toEqual([[1]]); // one batch in flight: the others wait
    g.gates[0]!();
    expect(await a).toBe(1);
    await second;
    expect(g.batches).toEqual([[1], [2, 3, 4]]);
    g.gates[1]!();
    expect(await Promise.all(later)).toEqual([2, 3, 4]);
  });

  it('runs up to inFlight batches at once', async () => {
    const g = gated();
    const submit = createGroupCommit({ commit: g.commit, inFlight: 2 });
    const first = g.started();
    const a = submit(1);
    await first;
    const second = g.started();
    const b = submit(2);
    await second;
    expect(g.batches).toEqual([[1], [2]]);
    g.gates[1]!();
    g.gates[0]!();
    expect(await Promise.all([a, b])).toEqual([1, 2]);
  });

  it('splits a long queue into batches of at most maxBatch', async () => {
    const r = recorder();
    const submit = createGroupCommit({ commit: r.commit, maxBatch: 2 });
    expect(await Promise.all([1, 2, 3, 4, 5].map((i) => submit(i)))).toEqual([10, 20, 30, 40, 50]);
    expect(r.batches).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('rejects a commit that answers the wrong number of outcomes instead of answering the wrong caller', async () => {
    const submit = createGroupCommit<number, number>({ commit: (items) => items.slice(1).map((i) => ({ ok: true, value: i })) });
    const res = await Promise.allSettled([submit(1), submit(2)]);
    expect(res.every((x) => x.status === 'rejected')).toBe(true);
  });

  it('refuses an inFlight or maxBatch below 1', () => {
    expect(() => createGroupCommit({ commit: () => [], inFlight: 0 })).toThrow(/at least 1/);
    expect(() => createGroupCommit({ commit: () => [], maxBatch: 0 })).toThrow(/at least 1/);
  });
});
