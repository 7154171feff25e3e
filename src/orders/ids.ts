// Time-ordered random ids (ord_…, evt_…): sortable, and kinder to B-tree inserts than random keys (perf-limits §5).
import { bytesToHex } from '../protocol/hex.ts';

export function newId(prefix: string, nowMs: number, randomBytes: (n: number) => Uint8Array): string {
  return `${prefix}_${Math.floor(nowMs).toString(16).padStart(12, '0')}${bytesToHex(randomBytes(10))}`;
}
