// Builds signed transfer proofs (opencharge.md §5) for tests.
import { canonicalProof, type ProofForm } from '../../src/protocol/canonical.ts';
import { signCanonical } from '../../src/protocol/signature.ts';
import { nobleBackend } from '../../src/protocol/noble.ts';
import { ISSUER, ISSUER_OCID, MERCHANT_OCID, CALLER_OCID, T0 } from './harness.ts';

export interface ProofInput {
  txid?: string;
  issuer?: number;
  to?: { ocid: number; reference?: string };
  amount?: string;
  currency?: string;
  timestamp?: number;
  memo?: string;
}

export function makeProof(orderId: string, o: ProofInput = {}, form: ProofForm = 'A', key = ISSUER.priv) {
  const proof: Record<string, unknown> = {
    txid: o.txid ?? `tx_${Math.random().toString(16).slice(2)}`,
    issuer: o.issuer ?? ISSUER_OCID,
    from: { ocid: CALLER_OCID, reference: 'wallet_tx_1' },
    to: o.to ?? { ocid: MERCHANT_OCID, reference: orderId },
    amount: o.amount ?? '15.00',
    currency: o.currency ?? 'USD',
    timestamp: o.timestamp ?? T0 + 60,
  };
  if (o.memo !== undefined) proof.memo = o.memo;
  return { proof, signature: signCanonical(nobleBackend, key, canonicalProof(proof, form)) };
}
