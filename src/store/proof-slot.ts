// Who holds a proof's (issuer, txid) slot: the idempotency rule of recordProof, one pure helper for every dialect.
import { type ProofOutcome, type ProofRecord } from './types.ts';
import { isRefusedDelivery, type ProofVerdict } from '../orders/types.ts';

/**
 * Given every stored row under the new proof's (issuer, txid), its hash and the verdict just decided for it:
 * the duplicate or conflict outcome, or undefined when the new row is to be stored. Only rows that are not
 * refused deliveries hold the slot; a refused delivery is kept beside them and never conflicts.
 */
export function proofSeen(rows: readonly ProofRecord[], proofHash: string, verdict: ProofVerdict): Extract<ProofOutcome, { kind: 'duplicate' | 'conflict' }> | undefined {
  const holder = rows.find((r) => !isRefusedDelivery(r.verdict));
  if (holder?.proofHash === proofHash) return { kind: 'duplicate', proof: holder };
  if (!isRefusedDelivery(verdict)) return holder ? { kind: 'conflict', proof: holder } : undefined;
  const twin = rows.find((r) => isRefusedDelivery(r.verdict) && r.proofHash === proofHash);
  return twin ? { kind: 'duplicate', proof: twin } : undefined;
}
