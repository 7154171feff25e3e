// verifyTxid against a real fake issuer on 127.0.0.1: every documented answer, every untrusted one, one call per txid.
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSigner } from '../../src/client/signer.ts';
import { createIssuerVerifier } from '../../src/client/verify-txid.ts';
import { createMemoryLogger } from '../../src/log.ts';
import { createPeerResolver, type PeerEntry } from '../../src/peers/index.ts';
import { nobleBackend } from '../../src/protocol/noble.ts';
import { ISSUER, ISSUER_OCID, MERCHANT, MERCHANT_OCID, T0 } from '../helpers/harness.ts';
import { makeProof } from '../helpers/proofs.ts';
import { startFakeIssuer, type FakeIssuer } from '../fakes/issuer.ts';
import { closeServers } from '../helpers/http-server.ts';

const TIMEOUT_MS = 300;
let fake: FakeIssuer;
afterEach(closeServers);
beforeEach(async () => {
  fake = await startFakeIssuer();
});

function verifier(peers: PeerEntry[] = [fake.peer]) {
  const log = createMemoryLogger('debug');
  const resolver = createPeerResolver({ peers, now: () => T0, log, allowHttp: true });
  const signer = createSigner({ ocid: MERCHANT_OCID, privateKey: MERCHANT.priv, backend: nobleBackend, now: () => T0, randomBytes: (n) => new Uint8Array(randomBytes(n)) });
  return Object.assign(createIssuerVerifier({ resolver, signer, backend: nobleBackend, log, allowHttp: true, timeoutMs: TIMEOUT_MS }), { log });
}

const paid = (txid: string) => {
  const p = makeProof('ord_1', { txid }, 'A');
  fake.record(p);
  return p;
};

const failureOf = async (v: ReturnType<typeof verifier>, txid: string) => {
  const r = await v.verifyTxid(ISSUER_OCID, txid);
  if (r.kind !== 'failure') throw new Error(`expected a failure, got ${r.kind}`);
  return r;
};

describe('verifyTxid: the documented answers', () => {
  it('completed: the proof and signature the issuer stored, after a GET signed as the merchant over the exact target', async () => {
    const p = paid('tx_done');
    expect(await verifier().verifyTxid(ISSUER_OCID, 'tx_done')).toEqual({ kind: 'completed', ...p });
    expect(fake.verifyCalls).toEqual([{ target: '/opencharge/verify/tx_done', ocid: String(MERCHANT_OCID), signedByMerchant: true }]);
  });

  it('a txid with a slash, a space and non-ASCII is one percent-encoded path segment, and that target is what is signed', async () => {
    const txid = 'tx/1 é?';
    const p = paid(txid);
    expect(await verifier().verifyTxid(ISSUER_OCID, txid)).toEqual({ kind: 'completed', ...p });
    expect(fake.verifyCalls[0]).toEqual({ target: `/opencharge/verify/${encodeURIComponent(txid)}`, ocid: '500', signedByMerchant: true });
  });

  it('pending carries the issuer facts', async () => {
    fake.mode = 'pending';
    expect(await verifier().verifyTxid(ISSUER_OCID, 'tx_wait')).toEqual({ kind: 'pending', txid: 'tx_wait', amount: '9.99', currency: 'USD', createdAt: 1_800_000_000, expiresAt: 1_800_003_600 });
  });

  it('expired', async () => {
    fake.mode = 'expired';
    expect(await verifier().verifyTxid(ISSUER_OCID, 'tx_old')).toEqual({ kind: 'expired', txid: 'tx_old' });
  });

  it('404 TXID_NOT_FOUND is not_found', async () => {
    fake.mode = 'not-found';
    expect(await verifier().verifyTxid(ISSUER_OCID, 'tx_never')).toEqual({ kind: 'not_found', txid: 'tx_never' });
  });
});

describe('verifyTxid: nothing is believed unless the issuer signed it', () => {
  it('a response signed with another key → failure, the answer is not read', async () => {
    paid('tx_forged');
    fake.mode = 'wrong-signature';
    expect(await failureOf(verifier(), 'tx_forged')).toMatchObject({ code: 'GATEWAY_ERROR', reason: "the issuer's answer signature does not verify" });
  });

  it('an unsigned response → failure', async () => {
    paid('tx_unsigned');
    fake.mode = 'unsigned';
    expect(await failureOf(verifier(), 'tx_unsigned')).toMatchObject({ code: 'GATEWAY_ERROR', reason: "the issuer's answer is not signed (no X-OC-ID/X-OC-Signature)" });
  });

  it('an unsigned 404 is not taken for TXID_NOT_FOUND', async () => {
    fake.mode = 'unsigned';
    expect(await failureOf(verifier(), 'tx_missing')).toMatchObject({ reason: "the issuer's answer is not signed (no X-OC-ID/X-OC-Signature)" });
  });

  it('a response signed as another OCID → failure naming it', async () => {
    paid('tx_other_signer');
    fake.mode = 'other-signer';
    expect(await failureOf(verifier(), 'tx_other_signer')).toMatchObject({ reason: 'the answer is signed as OCID 444, not by issuer 100' });
  });

  it('a signed answer whose proof signature is not the issuer’s → failure', async () => {
    paid('tx_bad_proof');
    fake.mode = 'bad-proof-signature';
    expect(await failureOf(verifier(), 'tx_bad_proof')).toMatchObject({ reason: "the proof in the issuer's answer does not verify under its key" });
  });

  it('a status no document names ("failed") → failure with it', async () => {
    fake.mode = 'failed';
    expect(await failureOf(verifier(), 'tx_failed')).toMatchObject({ code: 'GATEWAY_ERROR', reason: 'the issuer reports status "failed" for txid tx_failed' });
  });

  it('a hanging issuer → failure after the injected timeout', async () => {
    fake.mode = 'hang';
    const r = await failureOf(verifier(), 'tx_hang');
    expect(r).toMatchObject({ code: 'GATEWAY_ERROR', reason: `no answer from issuer 100 within ${TIMEOUT_MS} ms` });
    expect(r.detail).toMatch(/timed out/);
  });

  it('a redirect is not followed (the signature names the path)', async () => {
    fake.mode = 'redirect';
    const r = await failureOf(verifier(), 'tx_moved');
    expect(r).toMatchObject({ code: 'GATEWAY_ERROR', reason: "issuer 100's /verify could not be reached" });
    expect(r.detail).toMatch(/HTTP 302 redirect not followed/);
    expect(fake.verifyCalls).toHaveLength(1);
  });
});

describe('verifyTxid: only issuers that offer it are asked', () => {
  it('metadata without verify.txid → CAPABILITY_NOT_SUPPORTED, and /verify is never called', async () => {
    fake.capabilities = ['payment.settle'];
    expect(await failureOf(verifier(), 'tx_any')).toEqual({ kind: 'failure', code: 'CAPABILITY_NOT_SUPPORTED', reason: 'issuer 100 does not list verify.txid in its metadata capabilities' });
    expect(fake.verifyCalls).toEqual([]);
  });

  it('an issuer known by a static key only has no metadata to read → METADATA_UNAVAILABLE with the detail', async () => {
    const r = await failureOf(verifier([{ ocid: ISSUER_OCID, publicKey: ISSUER.pub }]), 'tx_any');
    expect(r).toMatchObject({ code: 'METADATA_UNAVAILABLE', reason: 'the metadata of issuer 100 is unavailable' });
    expect(r.detail).toMatch(/no metadataUrl or endpoint/);
  });

  it('an OCID that is not a known peer → METADATA_UNAVAILABLE', async () => {
    expect(await failureOf(verifier([]), 'tx_any')).toMatchObject({ code: 'METADATA_UNAVAILABLE', detail: 'OCID 100 is not a known peer' });
  });

  it('"." and ".." are not txids a URL path can carry: nothing is sent', async () => {
    const v = verifier();
    for (const txid of ['.', '..']) expect(await failureOf(v, txid)).toMatchObject({ code: 'GATEWAY_ERROR' });
    expect(fake.verifyCalls).toEqual([]);
  });
});

describe('verifyTxid: at most one call in flight per (issuer, txid)', () => {
  it('three concurrent asks share one GET and one answer; a later ask asks again', async () => {
    const p = paid('tx_once');
    const v = verifier();
    fake.hold();
    const asks = [v.verifyTxid(ISSUER_OCID, 'tx_once'), v.verifyTxid(ISSUER_OCID, 'tx_once'), v.verifyTxid(ISSUER_OCID, 'tx_once')];
    await vi.waitFor(() => expect(fake.verifyCalls).toHaveLength(1));
    fake.release();
    for (const a of await Promise.all(asks)) expect(a).toEqual({ kind: 'completed', ...p });
    expect(fake.verifyCalls).toHaveLength(1);
    expect(v.log.lines.filter((l) => l.includes('issuer verify joined a call in flight'))).toHaveLength(2);
    await v.verifyTxid(ISSUER_OCID, 'tx_once');
    expect(fake.verifyCalls).toHaveLength(2);
  });

  it('another txid of the same issuer is its own call', async () => {
    paid('tx_a');
    paid('tx_b');
    const v = verifier();
    await Promise.all([v.verifyTxid(ISSUER_OCID, 'tx_a'), v.verifyTxid(ISSUER_OCID, 'tx_b')]);
    expect(fake.verifyCalls.map((c) => c.target).sort()).toEqual(['/opencharge/verify/tx_a', '/opencharge/verify/tx_b']);
  });
});
