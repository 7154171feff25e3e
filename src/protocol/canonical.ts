// Canonical strings and JSON canonicalisations (opencharge.md §3.2, §3.7, §4.2, §5.2, §6.4).
import { sha256Hex } from './hex.ts';

export interface RequestParts {
  ocid: string;
  timestamp: string;
  nonce: string;
  method: string;
  /** Request-target exactly as received: path + `?query`, base path included (PROFILE §2). */
  path: string;
  /** Raw body bytes (or the exact string sent); empty for no body. */
  body: Uint8Array | string;
}

/** `ocid\ntimestamp\nnonce\nMETHOD\npath\nsha256hex(body)`, no trailing newline (§3.2). */
export function canonicalRequest(p: RequestParts): string {
  return [p.ocid, p.timestamp, p.nonce, p.method.toUpperCase(), p.path, sha256Hex(p.body)].join('\n');
}

/**
 * A canonical request's parts as text, for comparing two builds of it (PROFILE §2): the server's, sent back
 * on INVALID_SIGNATURE, and a client's. Everything in it comes from the request itself.
 */
export interface CanonicalRequestView {
  ocid: string;
  timestamp: string;
  nonce: string;
  method: string;
  path: string;
  bodySha256: string;
  bodyBytes: number;
}

export function canonicalRequestView(p: RequestParts): CanonicalRequestView {
  const bytes = typeof p.body === 'string' ? new TextEncoder().encode(p.body).length : p.body.length;
  return { ocid: p.ocid, timestamp: p.timestamp, nonce: p.nonce, method: p.method.toUpperCase(), path: p.path, bodySha256: sha256Hex(p.body), bodyBytes: bytes };
}

export interface ResponseParts {
  ocid: string;
  timestamp: string;
  status: number;
  body: Uint8Array | string;
}

/** `ocid\ntimestamp\nstatus\nsha256hex(body)` (§3.7). */
export function canonicalResponse(p: ResponseParts): string {
  return [p.ocid, p.timestamp, String(p.status), sha256Hex(p.body)].join('\n');
}

/**
 * The documented form: `JSON.stringify(obj, Object.keys(obj).sort())` (§4.2). The array replacer is an
 * allowlist applied at every depth, so nested keys that are not top-level keys are dropped. Kept literal
 * on purpose: interoperability depends on this quirk.
 */
export function canonicalTopLevel(obj: Record<string, unknown>): string {
  return JSON.stringify(obj, Object.keys(obj).sort());
}

/** Recursive key sort, no whitespace (the "jcs" option; proof form B of §5.2). */
export function canonicalSorted(value: unknown): string {
  return JSON.stringify(sortDeep(value));
}

function sortDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortDeep);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortDeep(v);
    }
    return out;
  }
  return value;
}

export type OrderCanonicalization = 'documented' | 'jcs';

/** Order canonicalisation (PROFILE §3): documented form by default, `jcs` only when agreed. */
export function canonicalOrder(order: Record<string, unknown>, form: OrderCanonicalization = 'documented'): string {
  return form === 'jcs' ? canonicalSorted(order) : canonicalTopLevel(order);
}

export type ProofForm = 'A' | 'B';

/** Proof canonicalisation (§5.2): A = top-level replacer (code samples), B = sorted at all levels (text). */
export function canonicalProof(proof: Record<string, unknown>, form: ProofForm): string {
  return form === 'A' ? canonicalTopLevel(proof) : canonicalSorted(proof);
}

/** Metadata `config` signature input, the documented way (§6.4). */
export function canonicalConfig(config: Record<string, unknown>): string {
  return canonicalTopLevel(config);
}
