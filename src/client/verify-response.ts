// Client-side checks of a merchant's answer: the response signature (§3.7) and an order signature (§4).
import { canonicalOrder, canonicalResponse } from '../protocol/canonical.ts';
import { verifyCanonical, type VerifyResult } from '../protocol/signature.ts';
import type { CryptoBackend } from '../protocol/backend.ts';

export function verifyResponseSignature(
  backend: CryptoBackend,
  merchantKey: Uint8Array,
  status: number,
  headers: Headers,
  body: Uint8Array | string,
): VerifyResult {
  const ocid = headers.get('x-oc-id');
  const timestamp = headers.get('x-oc-timestamp');
  const signature = headers.get('x-oc-signature');
  if (!ocid || !timestamp || !signature) return { valid: false, reason: 'response carries no X-OC-ID/X-OC-Timestamp/X-OC-Signature' };
  return verifyCanonical(backend, merchantKey, canonicalResponse({ ocid, timestamp, status, body }), signature);
}

export function verifyOrderSignature(backend: CryptoBackend, merchantKey: Uint8Array, body: unknown): VerifyResult | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const { order, signature } = body as { order?: unknown; signature?: unknown };
  if (!order || typeof order !== 'object' || Array.isArray(order)) return undefined;
  return verifyCanonical(backend, merchantKey, canonicalOrder(order as Record<string, unknown>), signature);
}
