// Fake settlement issuer on 127.0.0.1 (opencharge.md §2.8, §3.7, §6): signed metadata and GET /verify/{txid}
// with signed answers, switchable per test to every answer the merchant must survive.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { canonicalConfig, canonicalProof, canonicalRequest, canonicalResponse } from '../../src/protocol/canonical.ts';
import { parseAuthHeaders } from '../../src/protocol/headers.ts';
import { nobleBackend } from '../../src/protocol/noble.ts';
import { parsePublicKey } from '../../src/protocol/keys.ts';
import { signCanonical, verifyCanonical } from '../../src/protocol/signature.ts';
import type { PeerEntry } from '../../src/peers/index.ts';
import { ISSUER, ISSUER_OCID, MERCHANT, STRANGER } from '../helpers/harness.ts';
import { startServer } from '../helpers/http-server.ts';

export type IssuerMode =
  /** The recorded proof and signature, as the issuer stored them. */
  | 'completed'
  /** A genuine, validly signed proof of that txid paying someone else (`to` differs). */
  | 'completed-other'
  /** Signed with another key than the issuer's. */
  | 'wrong-signature'
  /** Signed, but as another OCID (444, with that one's key). */
  | 'other-signer'
  /** A signed answer whose proof signature is not the issuer's. */
  | 'bad-proof-signature'
  /** 302 to another path. */
  | 'redirect'
  /** No X-OC-* response headers at all. */
  | 'unsigned'
  /** Never answers. */
  | 'hang'
  | 'pending'
  | 'expired'
  /** 404 TXID_NOT_FOUND, signed. */
  | 'not-found'
  /** A status no document names ("failed"). */
  | 'failed';

type Payload = { proof: Record<string, unknown>; signature: string };

export interface FakeIssuer {
  /** `{endpoint}` of its metadata: http://127.0.0.1:<port>/opencharge */
  endpoint: string;
  /** A peers-file entry for it: metadata only, the key comes from there. */
  peer: PeerEntry;
  mode: IssuerMode;
  /** `config.capabilities` of its metadata (verify.txid by default). */
  capabilities: string[];
  /** A transfer the issuer made: /verify answers it when completed. */
  record(p: Payload): void;
  /** Every /verify request: its target and whether the merchant's X-OC-* signature over it verified. */
  verifyCalls: Array<{ target: string; ocid: string | undefined; signedByMerchant: boolean }>;
  /** Holds /verify answers until release() (how a test keeps one call in flight). */
  hold(): void;
  release(): void;
}

const enc = (body: unknown) => JSON.stringify(body);

export async function startFakeIssuer(o: { merchantKey?: string } = {}): Promise<FakeIssuer> {
  const merchantKey = parsePublicKey(o.merchantKey ?? MERCHANT.pub);
  if (!merchantKey.ok) throw new Error(merchantKey.reason);
  const transfers = new Map<string, Payload>();
  let held: Array<() => void> | undefined;
  let endpoint = '';

  const send = (res: ServerResponse, status: number, body: unknown, key: Uint8Array | undefined, extra: Record<string, string> = {}) => {
    const text = enc(body);
    const headers: Record<string, string> = { 'content-type': 'application/json', ...extra };
    if (key) {
      const timestamp = String(Math.floor(Date.now() / 1000));
      const ocid = String(fake.mode === 'other-signer' ? 444 : ISSUER_OCID);
      Object.assign(headers, { 'x-oc-id': ocid, 'x-oc-timestamp': timestamp, 'x-oc-signature': signCanonical(nobleBackend, key, canonicalResponse({ ocid, timestamp, status, body: text })) });
    }
    res.writeHead(status, headers).end(text);
  };

  function answer(txid: string): [number, unknown, Uint8Array | undefined] {
    const known = transfers.get(txid);
    const key = ['wrong-signature', 'other-signer'].includes(fake.mode) ? STRANGER.priv : fake.mode === 'unsigned' ? undefined : ISSUER.priv;
    if (fake.mode === 'not-found' || (!known && ['completed', 'completed-other', 'bad-proof-signature', 'wrong-signature', 'other-signer', 'unsigned'].includes(fake.mode)))
      return [404, { error: { code: 'TXID_NOT_FOUND', message: `Transaction ${txid} not found` } }, key];
    if (fake.mode === 'pending') return [200, { status: 'pending', txid, amount: '9.99', currency: 'USD', createdAt: 1_800_000_000, expiresAt: 1_800_003_600 }, key];
    if (fake.mode === 'expired') return [200, { status: 'expired', txid }, key];
    if (fake.mode === 'failed') return [200, { status: 'failed', txid }, key];
    if (fake.mode === 'completed-other') {
      const other = { ...known!.proof, to: { ocid: 777, reference: 'wallet_777' } };
      return [200, { status: 'completed', proof: other, signature: signCanonical(nobleBackend, ISSUER.priv, canonicalProof(other, 'A')) }, key];
    }
    if (fake.mode === 'bad-proof-signature') return [200, { status: 'completed', proof: known!.proof, signature: signCanonical(nobleBackend, STRANGER.priv, canonicalProof(known!.proof, 'A')) }, key];
    return [200, { status: 'completed', ...known! }, key];
  }

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const target = req.url ?? '';
    if (req.method === 'GET' && target === '/opencharge/metadata.json') {
      const config = { publicKey: ISSUER.pub, endpoint, capabilities: fake.capabilities, settlement: { currencies: ['USD'], accepts: [] } };
      return send(res, 200, { opencharge: '0.1', name: 'Fake issuer', config, signature: signCanonical(nobleBackend, ISSUER.priv, canonicalConfig(config)) }, undefined);
    }
    const m = /^\/opencharge\/verify\/([^/?]+)$/.exec(target);
    if (req.method !== 'GET' || !m) return send(res, 404, { error: { code: 'NOT_FOUND', message: 'no route' } }, ISSUER.priv);
    // The merchant signs this call as any outbound call (§3): check it over the exact request-target.
    const auth = parseAuthHeaders((name) => req.headers[name.toLowerCase()] as string | undefined);
    const signedByMerchant = auth.ok && verifyCanonical(nobleBackend, merchantKey.key, canonicalRequest({ ...auth.headers, method: 'GET', path: target, body: '' }), auth.headers.signature).valid;
    fake.verifyCalls.push({ target, ocid: req.headers['x-oc-id'] as string | undefined, signedByMerchant });
    if (!signedByMerchant) return send(res, 401, { error: { code: 'INVALID_SIGNATURE', message: 'Request signature verification failed' } }, ISSUER.priv);
    if (fake.mode === 'hang') return;
    if (fake.mode === 'redirect') return send(res, 302, {}, ISSUER.priv, { location: '/opencharge/elsewhere' });
    const reply = () => send(res, ...answer(decodeURIComponent(m[1]!)));
    if (held) held.push(reply);
    else reply();
  };

  const server = await startServer(handle);
  endpoint = `${server.base}/opencharge`;
  const fake: FakeIssuer = {
    endpoint,
    peer: { ocid: ISSUER_OCID, metadataUrl: `${endpoint}/metadata.json` },
    mode: 'completed',
    capabilities: ['payment.settle', 'verify.txid'],
    record: (p) => void transfers.set(String(p.proof.txid), p),
    verifyCalls: [],
    hold: () => void (held = []),
    release() {
      const waiting = held ?? [];
      held = undefined;
      for (const r of waiting) r();
    },
  };
  return fake;
}
