// Pure reading of an issuer's answer to GET {endpoint}/verify/{txid} (opencharge.md §2.8), once its signature verified.
import { AMOUNT_RE } from '../protocol/amount.ts';
import type { ErrorCode } from '../errors.ts';
import { isRecord } from '../protocol/i-json.ts';

/** The capability an issuer lists in its metadata when it serves /verify/{txid} (opencharge.md §6.3). */
export const VERIFY_CAPABILITY = 'verify.txid';

export type VerifyFailureCode = Extract<ErrorCode, 'METADATA_UNAVAILABLE' | 'CAPABILITY_NOT_SUPPORTED' | 'GATEWAY_ERROR'>;

/**
 * What an issuer said about one transfer. `failure.reason` is safe to show the party we answer (it names
 * no host, port or socket error); `detail`, when present, is for the log and the merchant's own operator.
 */
export type VerifyTxidResult =
  | { kind: 'completed'; proof: Record<string, unknown>; signature: string }
  | { kind: 'pending'; txid: string; amount?: string; currency?: string; createdAt?: number; expiresAt?: number }
  | { kind: 'expired'; txid: string }
  | { kind: 'not_found'; txid: string }
  | { kind: 'failure'; code: VerifyFailureCode; reason: string; detail?: string };

export const verifyFailure = (code: VerifyFailureCode, reason: string, detail?: string): Extract<VerifyTxidResult, { kind: 'failure' }> =>
  detail === undefined ? { kind: 'failure', code, reason } : { kind: 'failure', code, reason, detail };

const field = (o: Record<string, unknown>, k: string): unknown => (Object.hasOwn(o, k) ? o[k] : undefined);

/**
 * `{endpoint}/verify/{txid}`, the txid as one path segment. A txid that is a dot segment ("." or "..") would
 * make the URL name another resource, so it has no URL (undefined), like an endpoint that is not a URL.
 */
export function verifyUrl(endpoint: string, txid: string): URL | undefined {
  if (txid === '.' || txid === '..') return undefined;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return undefined;
  }
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/verify/${encodeURIComponent(txid)}`;
  url.search = '';
  url.hash = '';
  return url;
}

/** A status and body the issuer signed → one of the documented answers, anything else a failure with the reason. */
export function readVerifyAnswer(status: number, body: unknown, issuer: number, txid: string): VerifyTxidResult {
  const bad = (reason: string) => verifyFailure('GATEWAY_ERROR', reason);
  if (status === 404) {
    const code = isRecord(body) && isRecord(body.error) ? field(body.error, 'code') : undefined;
    return code === 'TXID_NOT_FOUND' ? { kind: 'not_found', txid } : bad(`the issuer answered HTTP 404${typeof code === 'string' ? ` ${code.slice(0, 64)}` : ''}`);
  }
  if (status !== 200) {
    const code = isRecord(body) && isRecord(body.error) ? field(body.error, 'code') : undefined;
    return bad(`the issuer answered HTTP ${status}${typeof code === 'string' ? ` ${code.slice(0, 64)}` : ''}`);
  }
  if (!isRecord(body)) return bad('the issuer answer is not a JSON object');
  const said = field(body, 'status');
  if (typeof said !== 'string') return bad('the issuer answer has no status');
  if (said === 'completed') {
    const proof = field(body, 'proof');
    const signature = field(body, 'signature');
    if (!isRecord(proof) || typeof signature !== 'string') return bad('the issuer answered completed without a proof object and a signature string');
    // Its signature covers the answer, not the question: the proof must be the one asked about.
    if (field(proof, 'txid') !== txid || field(proof, 'issuer') !== issuer) return bad(`the issuer answered with a proof of another transfer than issuer ${issuer} txid ${txid}`);
    return { kind: 'completed', proof, signature };
  }
  const named = field(body, 'txid');
  if (named !== undefined && named !== txid) return bad(`the issuer answered about another txid than ${txid}`);
  if (said === 'expired') return { kind: 'expired', txid };
  if (said !== 'pending') return bad(`the issuer reports status "${said.slice(0, 64)}" for txid ${txid}`);
  const out: Extract<VerifyTxidResult, { kind: 'pending' }> = { kind: 'pending', txid };
  // Echoed to the merchant: only well-formed values.
  const [amount, currency, createdAt, expiresAt] = ['amount', 'currency', 'createdAt', 'expiresAt'].map((k) => field(body, k));
  if (typeof amount === 'string' && AMOUNT_RE.test(amount)) out.amount = amount;
  if (typeof currency === 'string' && /^[A-Z0-9]{3,5}$/.test(currency)) out.currency = currency;
  if (Number.isSafeInteger(createdAt)) out.createdAt = createdAt as number;
  if (Number.isSafeInteger(expiresAt)) out.expiresAt = expiresAt as number;
  return out;
}
