// Constant-time comparison of two secrets (admin tokens, callback tokens, signatures): one place, used by http and gateways.
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** True when `presented` equals `expected`; hashing first makes the comparison length-independent. */
export function sameSecret(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}
