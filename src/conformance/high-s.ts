// The high-S twin of a signature: (r, n − s) with the recovery byte flipped, valid ECDSA that PROFILE §1 rejects.
import { bytesToHex, parseHex } from '../protocol/hex.ts';

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/** Same r, s' = n − s; a 130-hex input keeps its length with v flipped (27↔28, 0↔1). */
export function highSTwin(signature: string): string {
  const bytes = parseHex(signature);
  if (!bytes || (bytes.length !== 64 && bytes.length !== 65)) throw new Error('highSTwin: expected a 128- or 130-hex signature');
  const r = bytesToHex(bytes.subarray(0, 32));
  const s = BigInt('0x' + bytesToHex(bytes.subarray(32, 64)));
  const twin = (N - s).toString(16).padStart(64, '0');
  if (bytes.length === 64) return r + twin;
  return r + twin + (bytes[64]! ^ 1).toString(16).padStart(2, '0');
}
