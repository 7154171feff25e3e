// verifyTxid(issuer, txid): a signed GET {issuer endpoint}/verify/{txid} (opencharge.md §2.8), believed only
// once the issuer's response signature (§3.7) verifies; at most one call in flight per (issuer, txid).
import type { Logger } from '../log.ts';
import type { CryptoBackend } from '../protocol/backend.ts';
import { canonicalProof } from '../protocol/canonical.ts';
import { verifyCanonical } from '../protocol/signature.ts';
import { fetchPeer, MAX_TIMEOUT_MS, urlForLog, type FetchPolicy, type HostResolver, type KeyResolver } from '../peers/index.ts';
import type { RequestSigner } from './signer.ts';
import { verifyResponseSignature } from './verify-response.ts';
import { readVerifyAnswer, verifyFailure, verifyUrl, VERIFY_CAPABILITY, type VerifyTxidResult } from './verify-answer.ts';

export interface IssuerVerifier {
  verifyTxid(issuer: number, txid: string): Promise<VerifyTxidResult>;
}

export interface IssuerVerifierOptions {
  resolver: KeyResolver;
  /** Our merchant identity: the call is signed as any outbound call. */
  signer: RequestSigner;
  backend: CryptoBackend;
  log: Logger;
  /** OC_ALLOW_HTTP_PEERS: loopback issuers become reachable, over plain HTTP too (development and tests). */
  allowHttp: boolean;
  /** The key lookups' bound by default (5 s); tests shorten it. */
  timeoutMs?: number | undefined;
  /** DNS behind the fetch policy, as for key lookups (the system resolver by default). */
  resolveHost?: HostResolver | undefined;
}

export function createIssuerVerifier(o: IssuerVerifierOptions): IssuerVerifier {
  // The same policy as key lookups: URL and resolved-IP checks on every hop, the deadline, 64 KiB.
  const policy: FetchPolicy = { allowHttp: o.allowHttp, timeoutMs: o.timeoutMs ?? MAX_TIMEOUT_MS };
  if (o.resolveHost !== undefined) policy.resolveHost = o.resolveHost;
  const inflight = new Map<string, Promise<VerifyTxidResult>>();

  async function ask(issuer: number, txid: string): Promise<VerifyTxidResult> {
    const meta = await o.resolver.metadata(issuer);
    if (!meta.ok) return verifyFailure('METADATA_UNAVAILABLE', `the metadata of issuer ${issuer} is unavailable`, meta.reason);
    if (!meta.capabilities.includes(VERIFY_CAPABILITY)) return verifyFailure('CAPABILITY_NOT_SUPPORTED', `issuer ${issuer} does not list ${VERIFY_CAPABILITY} in its metadata capabilities`);
    if (meta.endpoint === undefined) return verifyFailure('METADATA_UNAVAILABLE', `the metadata of issuer ${issuer} has no config.endpoint`);
    const url = verifyUrl(meta.endpoint, txid);
    if (!url) return verifyFailure('GATEWAY_ERROR', `no /verify URL for txid ${JSON.stringify(txid)} at issuer ${issuer}'s endpoint`);
    let key = await o.resolver.resolve(issuer);
    if (!key.ok) return verifyFailure('METADATA_UNAVAILABLE', `the key of issuer ${issuer} cannot be resolved`, key.reason);

    // The request-target as it goes on the wire (URL has normalised it) is what we sign.
    const headers = o.signer.sign('GET', url.pathname + url.search, '');
    const res = await fetchPeer(url.href, policy, { headers: { ...headers }, anyStatus: true, maxRedirects: 0 });
    if (!res.ok) {
      const timedOut = res.reason.startsWith('timed out');
      return verifyFailure('GATEWAY_ERROR', timedOut ? `no answer from issuer ${issuer} within ${policy.timeoutMs} ms` : `issuer ${issuer}'s /verify could not be reached`, `${urlForLog(url)}: ${res.reason}`);
    }
    const signer = res.headers.get('x-oc-id');
    if (signer === null || res.headers.get('x-oc-signature') === null) return verifyFailure('GATEWAY_ERROR', "the issuer's answer is not signed (no X-OC-ID/X-OC-Signature)");
    if (signer !== String(issuer)) return verifyFailure('GATEWAY_ERROR', `the answer is signed as OCID ${signer.slice(0, 20)}, not by issuer ${issuer}`);
    let check = verifyResponseSignature(o.backend, key.key, res.status, res.headers, res.bytes);
    if (!check.valid && key.cached) {
      // Keys rotate: a cached key that fails is refetched once, as for request signatures.
      const fresh = await o.resolver.resolve(issuer, { refresh: true });
      if (fresh.ok) check = verifyResponseSignature(o.backend, (key = fresh).key, res.status, res.headers, res.bytes);
    }
    if (!check.valid) return verifyFailure('GATEWAY_ERROR', "the issuer's answer signature does not verify", check.reason);

    let body: unknown;
    try {
      body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(res.bytes));
    } catch {
      return verifyFailure('GATEWAY_ERROR', "the issuer's answer is not UTF-8 JSON");
    }
    const answer = readVerifyAnswer(res.status, body, issuer, txid);
    if (answer.kind !== 'completed') return answer;
    // The proof it returns must stand on its own too: its signature, under either documented form (§5.2).
    const verifies = (['B', 'A'] as const).some((f) => verifyCanonical(o.backend, key.key, canonicalProof(answer.proof, f), answer.signature).valid);
    return verifies ? answer : verifyFailure('GATEWAY_ERROR', "the proof in the issuer's answer does not verify under its key");
  }

  return {
    verifyTxid(issuer, txid) {
      const slot = `${issuer}\n${txid}`;
      const pending = inflight.get(slot);
      if (pending !== undefined) {
        o.log.debug('issuer verify joined a call in flight', { issuer, txid });
        return pending;
      }
      const task = ask(issuer, txid)
        .catch((err: unknown) => {
          o.log.error('issuer verify failed unexpectedly', { issuer, txid, error: err instanceof Error ? err : String(err) });
          return verifyFailure('GATEWAY_ERROR', `issuer ${issuer}'s /verify could not be asked`);
        })
        .then((answer) => {
          const fields = answer.kind === 'failure' ? { reason: answer.reason, detail: answer.detail } : {};
          o.log.info('issuer verify', { issuer, txid, answer: answer.kind, ...fields });
          return answer;
        })
        .finally(() => inflight.delete(slot));
      inflight.set(slot, task);
      return task;
    },
  };
}
