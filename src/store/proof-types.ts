// The stored transfer proofs and what recordProof decides and answers (store/types.ts re-exports them).
import type { ProofVerdict, ProofVoucher } from '../orders/types.ts';
import type { OrderChange, OrderRecord, Outbox } from './types.ts';

export interface ProofRecord {
  id: number;
  issuer: number;
  txid: string;
  senderOcid: number;
  orderId: string | null;
  /** The proof object as received (JSON text) and its signature. */
  proofJson: string;
  signature: string;
  /**
   * Hash of the canonical (sorted) proof + its normalised r‖s signature: the same proof again, in any
   * accepted signature encoding, has the same hash.
   */
  proofHash: string;
  form: 'A' | 'B';
  verdict: ProofVerdict;
  /** Null for a refused delivery (nothing vouched for `to`) and for rows stored before it was recorded. */
  voucher: ProofVoucher | null;
  receivedAt: number;
}

export type NewProof = Omit<ProofRecord, 'id' | 'voucher'> & { voucher?: ProofVoucher | null };

export interface ProofDecision {
  verdict: ProofVerdict;
  change?: OrderChange;
  outbox: Outbox[];
}

export type ProofOutcome =
  | { kind: 'stored'; proof: ProofRecord; order?: OrderRecord; decision: ProofDecision }
  /**
   * The same proof already stored: no second effect. `proof` is the stored row that holds the (issuer, txid)
   * slot, or, for a refused delivery that nothing genuine matches, the identical refused row kept before.
   */
  | { kind: 'duplicate'; proof: ProofRecord }
  /** The same (issuer, txid) with a different proof (refused deliveries never conflict: they are kept beside). */
  | { kind: 'conflict'; proof: ProofRecord };
