// The structure of a transfer proof and its carrier `{proof, signature}` (opencharge.md §5.1, §5.3 step 2).
import { z } from 'zod';
import { AMOUNT_RE } from '../protocol/amount.ts';
import { fail, ok, type Result } from './result.ts';

// No NUL in stored text: PostgreSQL text cannot hold it.
export const NO_NUL = /^[^\u0000]*$/;
export const txidSchema = z.string().min(1).max(256).regex(NO_NUL, 'must not contain NUL');
const party = z.object({ ocid: z.number().int().positive(), reference: z.string().max(256).regex(NO_NUL, 'must not contain NUL').optional() }).loose();
export const proofSchema = z
  .object({
    txid: txidSchema,
    issuer: z.number().int().positive(),
    from: party,
    to: party,
    amount: z.string().regex(AMOUNT_RE, 'must be a decimal string'),
    currency: z.string().regex(/^[A-Z0-9]{3,5}$/),
    timestamp: z.number().int().positive(),
    memo: z.string().max(1000).optional(),
  })
  .loose();
/** The /transfer/webhook body (also the OpenAPI request schema). */
export const webhookBody = z.object({ proof: proofSchema, signature: z.string() }).loose();

export type Proof = z.infer<typeof proofSchema>;
export interface ProofCarrier {
  proof: Proof;
  signature: string;
}

/** Any JSON value → the proof and its signature, or 400 INVALID_PROOF naming the first bad field. */
export function parseProofCarrier(body: unknown): Result<ProofCarrier> {
  const parsed = webhookBody.safeParse(body);
  if (parsed.success) return ok({ proof: parsed.data.proof, signature: parsed.data.signature });
  const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  return fail('INVALID_PROOF', `proof structure is malformed: ${issues[0]!.path || 'body'}: ${issues[0]!.message}`, { issues });
}
