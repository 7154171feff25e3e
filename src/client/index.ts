// `opencharge-merchant/client`: what a payment app or an issuer needs to talk to a merchant, and nothing of the server
// (no SQLite, no Hono): signed requests, every answer's signatures checked against the merchant's metadata key.
import { createSigner, type RequestSigner } from './signer.ts';
import { networkReason } from './network-error.ts';
import { verifyOrderSignature, verifyResponseSignature } from './verify-response.ts';
import { canonicalConfig, canonicalProof, type ProofForm } from '../protocol/canonical.ts';
import { parsePrivateKey, parsePublicKey, publicKeyHex } from '../protocol/keys.ts';
import { nobleBackend } from '../protocol/noble.ts';
import { verifyCanonical, type VerifyResult } from '../protocol/signature.ts';
import type { CryptoBackend } from '../protocol/backend.ts';

export { createSigner, type RequestSigner, type SignedHeaders } from './signer.ts';
export { verifyOrderSignature, verifyResponseSignature } from './verify-response.ts';
import type { Capabilities, MerchantMetadata, OrderRequest, OrderStatus, ProofAnswer, SignedOrder, SignedProof, TransferProof } from './types.ts';
import { isRecord } from '../protocol/i-json.ts';
export type { Capabilities, MerchantMetadata, OrderRequest, OrderStatus, ProofAnswer, SignedOrder, SignedProof, TransferProof } from './types.ts';

/**
 * An answer that is not a success: the merchant's error envelope (`code`, `status`, `details` as sent), or a check of
 * the answer that failed here: `RESPONSE_SIGNATURE_INVALID`, `ORDER_SIGNATURE_INVALID`, `METADATA_UNAVAILABLE`,
 * `INVALID_RESPONSE` (not the JSON expected), `NETWORK_ERROR` (no answer; status 0).
 */
export class OpenchargeError extends Error {
  override readonly name = 'OpenchargeError';
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export interface ClientOptions {
  /** Your OCID (the merchant must know it: its peers file or the registry). */
  ocid: number;
  /** Your private key: 64 hex characters, or the 32 bytes. */
  privateKey: string | Uint8Array;
  /** The merchant's public base URL, its `config.endpoint` (e.g. https://pay.shop.example/opencharge). */
  baseUrl: string;
  fetch?: typeof fetch;
  /** Unix seconds (default: the system clock). */
  now?: () => number;
  /** Default: the pure-JS noble backend. */
  backend?: CryptoBackend;
}

export interface OpenchargeClient {
  readonly ocid: number;
  /** Your public key, 128 hex (what the merchant's peers file lists for your OCID). */
  readonly publicKey: string;
  /** The merchant's metadata.json, fetched once (its config signature checked); `refresh` fetches it again. */
  metadata(refresh?: boolean): Promise<MerchantMetadata>;
  /** Signed POST /orders/create; the response signature and the order signature are checked. */
  createOrder(body: OrderRequest): Promise<SignedOrder>;
  /** GET /orders/{id}; the order signature is checked. */
  getOrder(id: string): Promise<SignedOrder>;
  /** GET /orders/{id}/status (unsigned by the protocol). */
  getStatus(id: string): Promise<OrderStatus>;
  /** Signed GET /capabilities; the response signature is checked. */
  capabilities(): Promise<Capabilities>;
  /** Signs a transfer proof with your key (you are its issuer); form B (keys sorted at every level) by default. */
  signProof(proof: TransferProof, form?: ProofForm): SignedProof;
  /** Signed POST /transfer/webhook of a proof (signed here first when it is not yet); the response signature is checked. */
  sendProof(proof: TransferProof | SignedProof): Promise<ProofAnswer>;
}

function privateKeyBytes(key: string | Uint8Array): Uint8Array {
  if (typeof key !== 'string') {
    if (key.length !== 32) throw new TypeError('privateKey must be 32 bytes or 64 hex characters');
    return key;
  }
  const parsed = parsePrivateKey(key);
  if (!parsed.ok) throw new TypeError(`privateKey: ${parsed.reason}`);
  return parsed.key;
}

export function createClient(o: ClientOptions): OpenchargeClient {
  if (!Number.isSafeInteger(o.ocid) || o.ocid < 1) throw new TypeError('ocid must be a positive integer');
  const base = new URL(o.baseUrl.replace(/\/+$/, ''));
  if (base.protocol !== 'https:' && base.protocol !== 'http:') throw new TypeError('baseUrl must be an http(s) URL');
  const baseHref = base.href.replace(/\/+$/, '');
  const fetchFn = o.fetch ?? globalThis.fetch;
  const backend = o.backend ?? nobleBackend;
  const now = o.now ?? (() => Math.floor(Date.now() / 1000));
  const privateKey = privateKeyBytes(o.privateKey);
  const signer: RequestSigner = createSigner({ ocid: o.ocid, privateKey, backend, now, randomBytes: (n) => globalThis.crypto.getRandomValues(new Uint8Array(n)) });

  let cached: Promise<{ doc: MerchantMetadata; key: Uint8Array }> | undefined;

  async function send(method: string, path: string, init: { body?: string; signed: boolean }): Promise<{ res: Response; raw: Uint8Array; url: string }> {
    const url = new URL(baseHref + path);
    const target = url.pathname + url.search;
    const body = init.body ?? '';
    const headers: Record<string, string> = init.signed ? { ...signer.sign(method, target, body) } : {};
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetchFn(url.href, { method, headers, ...(init.body !== undefined ? { body: init.body } : {}), redirect: 'manual' });
    } catch (err) {
      throw new OpenchargeError('NETWORK_ERROR', `cannot reach ${url.href} (${networkReason(err)})`, 0);
    }
    return { res, raw: new Uint8Array(await res.arrayBuffer()), url: url.href };
  }

  function parse(raw: Uint8Array, status: number, url: string): unknown {
    const text = new TextDecoder().decode(raw);
    try {
      return JSON.parse(text);
    } catch {
      throw new OpenchargeError('INVALID_RESPONSE', `${url} answered ${status} with a body that is not JSON`, status, { body: text.slice(0, 200) });
    }
  }

  async function loadMetadata(): Promise<{ doc: MerchantMetadata; key: Uint8Array }> {
    const { res, raw, url } = await send('GET', '/metadata.json', { signed: false });
    if (!res.ok) throw new OpenchargeError('METADATA_UNAVAILABLE', `${url} answered ${res.status}`, res.status);
    const doc = parse(raw, res.status, url);
    if (!isRecord(doc) || !isRecord(doc.config)) throw new OpenchargeError('METADATA_UNAVAILABLE', `${url} has no config object`, res.status);
    const key = parsePublicKey(doc.config.publicKey);
    if (!key.ok) throw new OpenchargeError('METADATA_UNAVAILABLE', `${url}: config.publicKey: ${key.reason}`, res.status);
    const self = verifyCanonical(backend, key.key, canonicalConfig(doc.config), doc.signature);
    if (!self.valid) throw new OpenchargeError('METADATA_UNAVAILABLE', `${url}: the config signature does not verify (${self.reason})`, res.status);
    return { doc: doc as MerchantMetadata, key: key.key };
  }

  function metadata(refresh = false) {
    if (refresh || !cached) {
      cached = loadMetadata();
      cached.catch(() => (cached = undefined)); // a failed fetch is tried again next time
    }
    return cached;
  }

  /** Runs `verify` with the cached key; on a mismatch fetches the metadata once more (the key may have rotated). */
  async function withKey(verify: (key: Uint8Array) => VerifyResult | undefined, code: string, what: string, status: number): Promise<void> {
    const first = verify((await metadata()).key);
    if (!first || first.valid) return;
    const again = verify((await metadata(true)).key);
    if (!again || again.valid) return;
    throw new OpenchargeError(code, `${what}: ${again.reason}`, status);
  }

  /** Checks the signatures an answer must carry, then throws the error envelope or returns the body. */
  async function answer(r: { res: Response; raw: Uint8Array; url: string }, checks: { response: boolean; order: boolean }): Promise<unknown> {
    const { res, raw, url } = r;
    if (checks.response) await withKey((key) => verifyResponseSignature(backend, key, res.status, res.headers, raw), 'RESPONSE_SIGNATURE_INVALID', `the response signature of ${url}`, res.status);
    const body = parse(raw, res.status, url);
    if (!res.ok) {
      const e = isRecord(body) && isRecord(body.error) ? body.error : undefined;
      const code = typeof e?.code === 'string' ? e.code : 'INVALID_RESPONSE';
      const message = typeof e?.message === 'string' ? e.message : `${url} answered ${res.status}`;
      throw new OpenchargeError(code, message, res.status, isRecord(e?.details) ? e.details : undefined);
    }
    if (checks.order) {
      if (!isRecord(body) || !isRecord(body.order)) throw new OpenchargeError('INVALID_RESPONSE', `${url}: the answer holds no order`, res.status);
      await withKey((key) => verifyOrderSignature(backend, key, body) ?? { valid: false, reason: 'no order signature' }, 'ORDER_SIGNATURE_INVALID', `the order signature in ${url}`, res.status);
    }
    return body;
  }

  const orderPath = (id: string) => `/orders/${encodeURIComponent(id)}`;

  const signProof = (proof: TransferProof, form: ProofForm = 'B'): SignedProof => ({ proof, signature: signer.signCanonical(canonicalProof(proof, form)) });

  return {
    ocid: o.ocid,
    publicKey: publicKeyHex(backend.publicKey(privateKey)),
    metadata: async (refresh) => (await metadata(refresh)).doc,
    async createOrder(body) {
      const r = await send('POST', '/orders/create', { body: JSON.stringify(body), signed: true });
      return (await answer(r, { response: true, order: true })) as SignedOrder;
    },
    async getOrder(id) {
      return (await answer(await send('GET', orderPath(id), { signed: false }), { response: false, order: true })) as SignedOrder;
    },
    async getStatus(id) {
      return (await answer(await send('GET', `${orderPath(id)}/status`, { signed: false }), { response: false, order: false })) as OrderStatus;
    },
    async capabilities() {
      return (await answer(await send('GET', '/capabilities', { signed: true }), { response: true, order: false })) as Capabilities;
    },
    signProof,
    async sendProof(proof) {
      const signed = 'proof' in proof && 'signature' in proof && isRecord(proof.proof) ? (proof as SignedProof) : signProof(proof as TransferProof);
      const r = await send('POST', '/transfer/webhook', { body: JSON.stringify(signed), signed: true });
      return (await answer(r, { response: true, order: false })) as ProofAnswer;
    },
  };
}
