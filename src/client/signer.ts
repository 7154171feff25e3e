// Signs outbound Opencharge requests with the X-OC-* headers (opencharge.md §3.1-3.3).
import type { CryptoBackend } from '../protocol/backend.ts';
import { bytesToHex } from '../protocol/hex.ts';
import { canonicalRequest } from '../protocol/canonical.ts';
import { signCanonical } from '../protocol/signature.ts';

export interface SignedHeaders {
  'X-OC-ID': string;
  'X-OC-Timestamp': string;
  'X-OC-Nonce': string;
  'X-OC-Signature': string;
}

export interface RequestSigner {
  readonly ocid: number;
  /** `path` is the request-target including the base path and query; `body` the exact bytes sent. */
  sign(method: string, path: string, body: string): SignedHeaders;
  /** Signs any canonical string with this identity's key (orders, proofs, config). */
  signCanonical(canonical: string): string;
}

export interface SignerOptions {
  ocid: number;
  privateKey: Uint8Array;
  backend: CryptoBackend;
  /** Unix seconds. */
  now: () => number;
  randomBytes: (n: number) => Uint8Array;
}

export function createSigner(o: SignerOptions): RequestSigner {
  return {
    ocid: o.ocid,
    sign(method, path, body) {
      const timestamp = String(o.now());
      // The reference SDK's nonce shape: req_ + 32 lowercase hex from 16 random bytes (§3.1).
      const nonce = `req_${bytesToHex(o.randomBytes(16))}`;
      const ocid = String(o.ocid);
      const canonical = canonicalRequest({ ocid, timestamp, nonce, method, path, body });
      return {
        'X-OC-ID': ocid,
        'X-OC-Timestamp': timestamp,
        'X-OC-Nonce': nonce,
        'X-OC-Signature': signCanonical(o.backend, o.privateKey, canonical),
      };
    },
    signCanonical: (canonical) => signCanonical(o.backend, o.privateKey, canonical),
  };
}
