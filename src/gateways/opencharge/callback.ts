// Opencharge Merchant Gateway callbacks: there are none; its payments arrive as signed transfer proofs (opencharge.md §1.4, §2.6).
import type { CallbackReply, CallbackRequest, CallbackVerdict } from '../types.ts';
import { reject } from '../kit.ts';

/** Why nothing is ever accepted at /callbacks/opencharge: the MG pays through proofs on our /transfer/webhook. */
export const NO_CALLBACKS =
  'the Opencharge Merchant Gateway sends no gateway callbacks: its payments arrive as signed transfer proofs on /transfer/webhook';

/** Refuses every request: whatever arrives at /callbacks/opencharge did not come from the MG. */
export function parseOpenchargeCallback(_request: CallbackRequest): CallbackVerdict {
  return reject(NO_CALLBACKS);
}

/** What the MG expects from a receiver of its proofs (§2.6): 200 `{"status":"accepted"}`. */
export function openchargeCallbackReply(): CallbackReply {
  return { status: 200, contentType: 'application/json', body: '{"status":"accepted"}' };
}
