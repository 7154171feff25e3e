// CSPRNG bytes drawn from a pool refilled in 4 KiB blocks: one system call for many ids and nonces.
import { randomFillSync } from 'node:crypto';

export function pooledRandomBytes(blockSize = 4096): (n: number) => Uint8Array {
  const pool = new Uint8Array(blockSize);
  let offset = blockSize;
  return (n) => {
    if (n > blockSize) return randomFillSync(new Uint8Array(n));
    if (offset + n > blockSize) {
      randomFillSync(pool);
      offset = 0;
    }
    // A copy: a caller may keep the bytes, and the pool is overwritten on refill.
    const out = pool.slice(offset, offset + n);
    offset += n;
    return out;
  };
}
