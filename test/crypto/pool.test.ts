// The hot path's crypto threads (src/crypto/pool.ts): the same signatures and verdicts as the backend on the event
// loop, every operation answered when a thread cannot start, dies or is closed, and nothing left to keep a process alive.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { autoCryptoThreads, createCryptoPool, inThreadPool, type CryptoPool } from '../../src/crypto/pool.ts';
import { packBatch, runBatch, SIGN, VERIFY } from '../../src/crypto/pool-batch.ts';
import { availableBackends } from '../../src/crypto/select.ts';
import { nobleBackend } from '../../src/protocol/noble.ts';
import { createMemoryLogger } from '../../src/log.ts';

const bytes = (n: number) => new Uint8Array(randomBytes(n));
const fixture = (name: string) => new URL(`../fixtures/${name}`, import.meta.url);
const open: CryptoPool[] = [];
const pool = (...args: Parameters<typeof createCryptoPool>) => {
  const p = createCryptoPool(...args);
  open.push(p);
  return p;
};
afterEach(async () => {
  await Promise.all(open.splice(0).map((p) => p.close()));
});

/** `n` signatures and verdicts through `p`, next to what `backend` answers on the event loop. */
async function compare(p: CryptoPool, backend = nobleBackend, n = 24) {
  const key = bytes(32);
  const pub = backend.publicKey(key);
  const digests = Array.from({ length: n }, () => bytes(32));
  const signed = await Promise.all(digests.map((d) => p.sign(d, key)));
  const expected = digests.map((d) => backend.sign(d, key));
  const good = await Promise.all(digests.map((d, i) => p.verify(signed[i]!.signature, d, pub)));
  const wrongDigest = await p.verify(signed[0]!.signature, digests[1]!, pub);
  const wrongKey = await p.verify(signed[0]!.signature, digests[0]!, backend.publicKey(bytes(32)));
  return { signed, expected, good, wrongDigest, wrongKey };
}

describe.each(availableBackends().map((b) => [b.name, b] as const))('crypto threads with %s', (_name, backend) => {
  it('sign and verify exactly as the backend does on the event loop, over several turns and two threads', async () => {
    const log = createMemoryLogger();
    const p = pool({ backend, threads: 2, log });
    for (let turn = 0; turn < 3; turn++) {
      const r = await compare(p, backend);
      expect(r.signed.map((s) => [Buffer.from(s.signature).toString('hex'), s.recid])).toEqual(
        r.expected.map((s) => [Buffer.from(s.signature).toString('hex'), s.recid]),
      );
      expect(r.good.every(Boolean)).toBe(true);
      expect(r.wrongDigest).toBe(false);
      expect(r.wrongKey).toBe(false);
    }
    // The threads answered: none fell back to the event loop.
    expect(log.lines.filter((l) => l.includes('crypto thread'))).toEqual([]);
  });
});

describe('createCryptoPool', () => {
  it('with 0 threads is the backend in this thread', async () => {
    const p = pool({ backend: nobleBackend, threads: 0 });
    expect(p.threads).toBe(0);
    const r = await compare(p, nobleBackend, 3);
    expect(r.signed.map((s) => s.recid)).toEqual(r.expected.map((s) => s.recid));
    expect(r.good).toEqual([true, true, true]);
  });

  it('answers a verification of sizes no signature has with false, and refuses to sign with a wrong-sized key', async () => {
    const p = pool({ backend: nobleBackend, threads: 1 });
    const key = bytes(32);
    const sig = (await p.sign(bytes(32), key)).signature;
    const pub = nobleBackend.publicKey(key);
    expect(await p.verify(sig.subarray(0, 63), bytes(32), pub)).toBe(false);
    expect(await p.verify(sig, bytes(31), pub)).toBe(false);
    expect(await p.verify(sig, bytes(32), pub.subarray(0, 33))).toBe(false);
    await expect(p.sign(bytes(32), bytes(31))).rejects.toThrow(/32-byte digest and key, got 32 and 31 bytes/);
    await expect(p.sign(bytes(33), key)).rejects.toThrow(/got 33 and 32 bytes/);
  });

  it('signs on the event loop, with one warning, when its thread cannot start', async () => {
    const log = createMemoryLogger();
    const p = pool({ backend: nobleBackend, threads: 1, log, workerUrl: fixture('crypto-worker-broken.ts') });
    const first = await compare(p, nobleBackend, 5);
    expect(first.good.every(Boolean)).toBe(true);
    expect(first.signed.map((s) => s.recid)).toEqual(first.expected.map((s) => s.recid));
    // From now on no thread is tried again.
    const second = await compare(p, nobleBackend, 5);
    expect(second.good.every(Boolean)).toBe(true);
    const warnings = log.lines.filter((l) => l.includes('crypto thread'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/could not start: signing and verifying on the event loop from now on/);
    expect(warnings[0]).toMatch(/cannot load its backend/);
  });

  it('answers the batch of a thread that dies on the event loop and starts a new thread', async () => {
    const log = createMemoryLogger();
    const p = pool({ backend: nobleBackend, threads: 1, log, workerUrl: fixture('crypto-worker-dies.ts') });
    const key = bytes(32);
    const pub = nobleBackend.publicKey(key);
    // One signature per turn: the thread answers batch 1 and dies on batch 2, which is answered here; a new thread
    // answers batch 3 and dies on batch 4. Had no new thread started, batch 4 could not have killed one.
    for (let i = 0; i < 4; i++) {
      const d = bytes(32);
      const s = await p.sign(d, key);
      expect(Buffer.from(s.signature)).toEqual(Buffer.from(nobleBackend.sign(d, key).signature));
      expect(nobleBackend.verify(s.signature, d, pub)).toBe(true);
    }
    const warnings = log.lines.filter((l) => l.includes('crypto thread'));
    expect(warnings).toHaveLength(2);
    expect(warnings[1]).toMatch(/crypto thread stopped/);
    expect(warnings[0]).toMatch(/crypto thread stopped: its batches run on the event loop and a new thread starts/);
    expect(warnings[0]).toMatch(/exit code 3/);
  });

  it('runs a batch its thread answered with an error on the event loop', async () => {
    const p = pool({ backend: nobleBackend, threads: 1, workerUrl: fixture('crypto-worker-refuses.ts') });
    const r = await compare(p, nobleBackend, 4);
    expect(r.signed.map((s) => s.recid)).toEqual(r.expected.map((s) => s.recid));
    expect(r.good.every(Boolean)).toBe(true);
    expect(r.wrongKey).toBe(false);
  });

  it('answers what is pending when it closes, and what comes after on the event loop', async () => {
    const p = pool({ backend: nobleBackend, threads: 1 });
    const key = bytes(32);
    const d = bytes(32);
    await p.sign(d, key); // the thread is up
    const pending = Array.from({ length: 10 }, () => p.sign(bytes(32), key));
    await new Promise((r) => setImmediate(r)); // sent to the thread
    await p.close();
    const done = await Promise.all(pending);
    expect(done).toHaveLength(10);
    const after = await p.sign(d, key);
    expect(Buffer.from(after.signature)).toEqual(Buffer.from(nobleBackend.sign(d, key).signature));
  });

  it('keeps a process alive while an operation is out, and not once it is answered', () => {
    // The pool is never closed: the script ends on its own after the answer.
    const script = `
      import { createCryptoPool } from './src/crypto/pool.ts';
      import { nobleBackend } from './src/protocol/noble.ts';
      const p = createCryptoPool({ backend: nobleBackend, threads: 1 });
      const s = await p.sign(new Uint8Array(32).fill(1), new Uint8Array(32).fill(2));
      console.log('signed', s.signature.length, s.recid);`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^signed 64 [01]\n$/);
    expect(r.status).toBe(0);
  });
});

describe('autoCryptoThreads (OC_CRYPTO_THREADS=auto)', () => {
  it('runs a thread per core, at most 8, for noble; none for native or on one core', () => {
    expect(autoCryptoThreads('noble', 2)).toBe(2);
    expect(autoCryptoThreads('noble', 32)).toBe(8);
    expect(autoCryptoThreads('noble', 1)).toBe(0);
    expect(autoCryptoThreads('native', 16)).toBe(0);
  });
});

describe('the batch format', () => {
  it('round-trips signatures and verdicts in order', () => {
    const key = bytes(32);
    const d = bytes(32);
    const sig = nobleBackend.sign(d, key);
    const out = runBatch(
      nobleBackend,
      packBatch([
        { kind: SIGN, digest: d, key },
        { kind: VERIFY, digest: d, signature: sig.signature, publicKey: nobleBackend.publicKey(key) },
        { kind: VERIFY, digest: bytes(32), signature: sig.signature, publicKey: nobleBackend.publicKey(key) },
      ]),
    );
    expect(out.length).toBe(3 * 65);
    expect(Buffer.from(out.subarray(0, 64))).toEqual(Buffer.from(sig.signature));
    expect(out[64]).toBe(sig.recid);
    expect([out[65], out[130]]).toEqual([1, 0]);
  });

  it("answers a verification the backend throws on as false, and the batch's other records as usual", () => {
    const key = bytes(32);
    const d = bytes(32);
    const sig = nobleBackend.sign(d, key);
    const pub = nobleBackend.publicKey(key);
    const poison = bytes(64);
    const throwing = {
      ...nobleBackend,
      verify: (s: Uint8Array, dg: Uint8Array, p: Uint8Array) => {
        if (Buffer.from(s).equals(Buffer.from(poison))) throw new Error('backend bug');
        return nobleBackend.verify(s, dg, p);
      },
    };
    const out = runBatch(
      throwing,
      packBatch([
        { kind: VERIFY, digest: d, signature: poison, publicKey: pub },
        { kind: VERIFY, digest: d, signature: sig.signature, publicKey: pub },
        { kind: SIGN, digest: d, key },
      ]),
    );
    expect([out[0], out[65]]).toEqual([0, 1]);
    expect(Buffer.from(out.subarray(130, 194))).toEqual(Buffer.from(sig.signature));
  });

  it('refuses an unknown record kind and a cut-off record', () => {
    const batch = packBatch([{ kind: SIGN, digest: bytes(32), key: bytes(32) }]);
    const bad = batch.slice();
    bad[0] = 7;
    expect(() => runBatch(nobleBackend, bad)).toThrow(/unknown record kind 7 at byte 0/);
    expect(() => runBatch(nobleBackend, batch.subarray(0, 40))).toThrow();
  });
});

it('inThreadPool answers with the backend itself', async () => {
  const p = inThreadPool(nobleBackend);
  const key = bytes(32);
  const d = bytes(32);
  expect(Buffer.from((await p.sign(d, key)).signature)).toEqual(Buffer.from(nobleBackend.sign(d, key).signature));
});
