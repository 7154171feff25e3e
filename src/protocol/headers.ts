// The four X-OC-* request headers and the timestamp window (PROFILE §2 steps 1-2).

export interface AuthHeaders {
  /** Header texts verbatim: the canonical string is rebuilt from them, never from parsed numbers. */
  ocid: string;
  timestamp: string;
  nonce: string;
  signature: string;
  ocidNumber: number;
}

export type HeaderResult =
  | { ok: true; headers: AuthHeaders }
  | { ok: false; code: 'INVALID_SIGNATURE'; reason: string };

const OCID_RE = /^[1-9][0-9]{0,15}$/;
const TIMESTAMP_RE = /^[0-9]{1,15}$/;
const NONCE_RE = /^[\x21-\x7e]{1,128}$/;
const SIG_RE = /^(?:[0-9a-fA-F]{128}|[0-9a-fA-F]{130})$/;

type Get = (name: string) => string | null | undefined;

/** Step 1: all four headers present and well-formed; `reason` names the offending header. */
export function parseAuthHeaders(get: Get): HeaderResult {
  const fail = (reason: string): HeaderResult => ({ ok: false, code: 'INVALID_SIGNATURE', reason });
  const ocid = get('x-oc-id');
  const timestamp = get('x-oc-timestamp');
  const nonce = get('x-oc-nonce');
  const signature = get('x-oc-signature');
  if (ocid == null) return fail('X-OC-ID header is missing');
  if (!OCID_RE.test(ocid) || !Number.isSafeInteger(Number(ocid))) return fail('X-OC-ID must be a positive integer');
  if (timestamp == null) return fail('X-OC-Timestamp header is missing');
  if (!TIMESTAMP_RE.test(timestamp)) return fail('X-OC-Timestamp must be Unix seconds (digits only)');
  if (nonce == null) return fail('X-OC-Nonce header is missing');
  if (!NONCE_RE.test(nonce)) return fail('X-OC-Nonce must be 1-128 printable ASCII characters without whitespace');
  if (signature == null) return fail('X-OC-Signature header is missing');
  if (!SIG_RE.test(signature)) return fail('X-OC-Signature must be 130 or 128 hex characters');
  return { ok: true, headers: { ocid, timestamp, nonce, signature, ocidNumber: Number(ocid) } };
}

/** Step 2: `|now − timestamp| ≤ window`; `now` is injected (seconds). */
export function isFresh(timestamp: string, now: number, windowSeconds: number): boolean {
  return Math.abs(now - Number(timestamp)) <= windowSeconds;
}
