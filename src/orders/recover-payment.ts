// Recovering a missed payment (opencharge.md §2.8): ask the issuer about a txid and settle its proof like a webhook.
import { z } from 'zod';
import type { OrderRecord } from '../store/types.ts';
import type { ProofVerdict } from './types.ts';
import { unconfirmedWhy } from './confirm-relay.ts';
import type { OrderDeps } from './deps.ts';
import { parseProofCarrier, txidSchema } from './proof-shape.ts';
import { fail, ok, type Result } from './result.ts';
import { acceptsOf, settleProof } from './settle-proof.ts';

/** `POST /admin/orders/{id}/verify` body, and the CLI's --issuer/--txid. */
export const recoverRequest = z.strictObject({ issuer: z.number().int().positive().max(Number.MAX_SAFE_INTEGER), txid: txidSchema });

export interface Recovered {
  issuer: number;
  txid: string;
  verdict: ProofVerdict;
  /** The issuer's proof was already recorded: nothing happened this time (no second notification). */
  repeat: boolean;
  /** The order the proof settled (or was kept against), after the settlement. */
  order?: OrderRecord;
}

/** Recovery names this merchant as the sender: the proof came from our own signed call to the issuer. */
export const RECOVERY_SENDER = 0;

export async function recoverPayment(deps: OrderDeps, input: { issuer: number; txid: string; orderId?: string }): Promise<Result<Recovered>> {
  const { issuer, txid } = input;
  if (input.orderId !== undefined) {
    const order = await deps.store.getOrder(input.orderId);
    if (!order) return fail('ORDER_NOT_FOUND', 'Order not found');
    // Checked before asking: an issuer the order does not accept could not settle it anyway.
    if (!acceptsOf(order, deps).includes(issuer)) return fail('ISSUER_NOT_ACCEPTED', `issuer ${issuer} is not in the accepts of order ${order.id}`, { issuer, accepts: acceptsOf(order, deps) });
  } else if (!deps.merchant.accepts.includes(issuer)) return fail('ISSUER_NOT_ACCEPTED', `issuer ${issuer} is not in OC_ACCEPTS`, { issuer });

  const answer = await deps.issuers.verifyTxid(issuer, txid);
  const about = { issuer, txid };
  switch (answer.kind) {
    case 'pending': {
      const { kind: _, ...facts } = answer;
      return fail('INVALID_STATE', `${unconfirmedWhy(answer)}: nothing to settle yet, check again later`, { ...about, issuerStatus: 'pending', ...facts });
    }
    case 'expired':
      return fail('TRANSACTION_EXPIRED', `${unconfirmedWhy(answer)}: no payment to settle`, { ...about, issuerStatus: 'expired' });
    case 'not_found':
      return fail('TXID_NOT_FOUND', unconfirmedWhy(answer), about);
    case 'failure':
      // The operator's own call: the log detail (URL, socket error) helps and reveals nothing to anyone else.
      return fail(answer.code, `issuer ${issuer} could not confirm txid ${txid}: ${answer.reason}`, { ...about, reason: answer.reason, ...(answer.detail ? { detail: answer.detail } : {}) });
    case 'completed':
      break;
  }
  const carried = parseProofCarrier({ proof: answer.proof, signature: answer.signature });
  if (!carried.ok) return fail('GATEWAY_ERROR', `the issuer's proof of txid ${txid} is malformed: ${carried.message}`, { ...about, reason: carried.message });
  const settled = await settleProof(deps, { ...carried.value, senderOcid: RECOVERY_SENDER, confirmedByIssuer: true, ...(input.orderId !== undefined ? { orderId: input.orderId } : {}) });
  if (!settled.ok) return settled;
  const { verdict, repeat, order } = settled.value;
  return ok(order ? { issuer, txid, verdict, repeat, order } : { issuer, txid, verdict, repeat });
}
