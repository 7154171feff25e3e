// POST /transfer/webhook (PROFILE §4; opencharge.md §5.3): verify a transfer proof, settle the order, answer.
import { fail, ok, type Result } from './result.ts';
import type { OrderDeps } from './deps.ts';
import { parseProofCarrier } from './proof-shape.ts';
import { FORM_A_REASON, TIMESTAMP_REASON, notConfirmedReason, timestampBounds } from './proof-policy.ts';
import { settleProof } from './settle-proof.ts';

export interface TransferAccepted {
  body: { status: 'accepted'; txid: string };
}

export async function acceptTransfer(deps: OrderDeps, input: { senderOcid: number; body: unknown }): Promise<Result<TransferAccepted>> {
  // 2. structure
  const parsed = parseProofCarrier(input.body);
  if (!parsed.ok) return parsed;
  const { proof } = parsed.value;
  const res = await settleProof(deps, { ...parsed.value, senderOcid: input.senderOcid });
  if (!res.ok) return res;
  const { verdict, order, now } = res.value;
  if (verdict === 'form_a_not_from_issuer')
    return fail('INVALID_PROOF', `the proof signature covers form A only, which does not sign from/to: it settles an order only when issuer ${proof.issuer} sends it itself or confirms it (sent by ${input.senderOcid})`, {
      reason: res.value.notConfirmed === undefined ? FORM_A_REASON : notConfirmedReason(res.value.notConfirmed),
      issuer: proof.issuer,
      sender: input.senderOcid,
    });
  if (verdict === 'timestamp_out_of_range') {
    const bounds = timestampBounds(deps.config.timestampWindow, now, order);
    return fail('INVALID_PROOF', `proof timestamp ${proof.timestamp} is outside the accepted range (order creation − window to now + window)`, { reason: TIMESTAMP_REASON, timestamp: proof.timestamp, ...bounds });
  }
  if (verdict === 'currency_mismatch')
    return fail('CURRENCY_MISMATCH', `proof currency ${proof.currency} does not match the order`, { expected: order?.currency });
  if (verdict === 'amount_mismatch')
    return fail('AMOUNT_MISMATCH', `proof amount ${proof.amount} does not match the order`, { expected: order?.amount });
  return ok({ body: { status: 'accepted', txid: proof.txid } });
}
