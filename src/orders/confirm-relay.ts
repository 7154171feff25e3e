// A relayed form-A proof is believed when its issuer's signed /verify/{txid} answer returns this very proof.
import type { VerifyTxidResult } from '../client/verify-answer.ts';
import { canonicalSorted } from '../protocol/canonical.ts';
import type { OrderDeps } from './deps.ts';
import type { Proof } from './proof-shape.ts';

/** Why an answer other than `completed` confirms nothing, in words the relaying peer may read. */
export function unconfirmedWhy(answer: Exclude<VerifyTxidResult, { kind: 'completed' }>): string {
  switch (answer.kind) {
    case 'pending':
      return `the issuer reports txid ${answer.txid} as pending`;
    case 'expired':
      return `the issuer reports txid ${answer.txid} as expired`;
    case 'not_found':
      return `the issuer does not know txid ${answer.txid} (TXID_NOT_FOUND)`;
    case 'failure':
      return answer.reason;
  }
}

/**
 * The same proof: every field, `to` included, compared as canonical JSON with keys sorted at every depth
 * (the issuer's answer signature covers its whole body, so its `to` is the issuer's word).
 */
export async function confirmByIssuer(deps: OrderDeps, proof: Proof): Promise<{ confirmed: true } | { confirmed: false; why: string }> {
  const answer = await deps.issuers.verifyTxid(proof.issuer, proof.txid);
  if (answer.kind !== 'completed') return { confirmed: false, why: unconfirmedWhy(answer) };
  if (canonicalSorted(answer.proof) !== canonicalSorted(proof)) return { confirmed: false, why: `the issuer's proof of txid ${proof.txid} differs from the relayed one` };
  return { confirmed: true };
}
