// Time-ordered random ids (ord_…, evt_…): sortable, kinder to B-tree inserts than random keys (measured: docs/architecture.md, "Measured and borrowed choices").
import { bytesToHex } from '../protocol/hex.ts';

export function newId(prefix: string, nowMs: number, randomBytes: (n: number) => Uint8Array): string {
  return `${prefix}_${Math.floor(nowMs).toString(16).padStart(12, '0')}${bytesToHex(randomBytes(10))}`;
}
