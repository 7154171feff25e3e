// The crypto threads under real Bun (Bun runs the thread's TypeScript itself): the same signatures and verdicts as
// the backend on the event loop, with noble and, where it loads, libsecp256k1.
import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { createCryptoPool } from '../../src/crypto/pool.ts';
import { availableBackends } from '../../src/crypto/select.ts';
import { createMemoryLogger } from '../../src/log.ts';

for (const backend of availableBackends()) {
  it(`signs and verifies on two Bun threads exactly as ${backend.name} does in this one`, async () => {
    const log = createMemoryLogger();
    const pool = createCryptoPool({ backend, threads: 2, log });
    try {
      const key = new Uint8Array(randomBytes(32));
      const pub = backend.publicKey(key);
      const digests = Array.from({ length: 20 }, () => new Uint8Array(randomBytes(32)));
      const signed = await Promise.all(digests.map((d) => pool.sign(d, key)));
      for (let i = 0; i < digests.length; i++) {
        const here = backend.sign(digests[i]!, key);
        expect(Buffer.from(signed[i]!.signature).toString('hex')).toBe(Buffer.from(here.signature).toString('hex'));
        expect(signed[i]!.recid).toBe(here.recid);
      }
      const verdicts = await Promise.all(digests.map((d, i) => pool.verify(signed[i]!.signature, d, pub)));
      expect(verdicts.every(Boolean)).toBe(true);
      expect(await pool.verify(signed[0]!.signature, digests[1]!, pub)).toBe(false);
      // No thread fell back: the threads themselves answered.
      expect(log.lines.filter((l) => l.includes('crypto thread'))).toEqual([]);
    } finally {
      await pool.close();
    }
  });
}
