// The pooled CSPRNG: right lengths, no bytes handed out twice, refills across block boundaries.
import { describe, expect, it } from 'vitest';
import { pooledRandomBytes } from '../../src/runtime/random.ts';

describe('pooledRandomBytes', () => {
  it('returns independent copies of the requested length, never the same bytes twice', () => {
    const random = pooledRandomBytes(64);
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const b = random(10);
      expect(b).toHaveLength(10);
      const hex = Buffer.from(b).toString('hex');
      expect(seen.has(hex)).toBe(false);
      seen.add(hex);
    }
  });

  it('serves requests larger than a block directly', () => {
    expect(pooledRandomBytes(16)(100)).toHaveLength(100);
  });

  it('is not all zeros (the pool is filled before use)', () => {
    expect(pooledRandomBytes(64)(32).some((x) => x !== 0)).toBe(true);
  });
});
