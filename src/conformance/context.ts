// What every check is handed: the target client, the kit's identities, signing helpers and memoised target facts.
import { createSigner, type RequestSigner } from '../client/signer.ts';
import type { CryptoBackend } from '../protocol/backend.ts';
import { canonicalRequest } from '../protocol/canonical.ts';
import { bytesToHex } from '../protocol/hex.ts';
import { parsePrivateKey } from '../protocol/keys.ts';
import { nobleBackend } from '../protocol/noble.ts';
import { createKitClient, type Exchange, type KitClient } from './client.ts';
import { createTargetFacts, type TargetFacts } from './target.ts';
import type { KitOptions } from './types.ts';

export interface Identity {
  ocid: number;
  privateKey: Uint8Array;
  signer: RequestSigner;
}

export interface SignOverrides {
  /** Sign as this identity (default the caller). */
  as?: Identity;
  ocid?: number | string;
  key?: Uint8Array;
  timestamp?: number | string;
  nonce?: string;
}

export interface Kit {
  backend: CryptoBackend;
  client: KitClient;
  caller: Identity;
  issuer?: Identity;
  facts: TargetFacts;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  /** `n` random bytes as lowercase hex. */
  hex(n: number): string;
  /** A fresh random private key (never registered anywhere). */
  freshKey(): Uint8Array;
  /** A signer for any key (proofs by strangers, wrong-key probes); `ocid` defaults to the caller's. */
  signerFor(key: Uint8Array, ocid?: number): RequestSigner;
  /** A random OCID that is none of `exclude` (and almost surely unregistered). */
  randomOcid(exclude?: readonly number[]): number;
  /** X-OC-* headers over (method, target, body), signed as the caller unless overridden. */
  signHeaders(method: string, path: string, body: string, o?: SignOverrides): Record<string, string>;
  /** Sends a request signed as the caller (or as `o`). */
  signed(method: string, path: string, body?: string, o?: SignOverrides): Promise<Exchange>;
  /** Sends an unsigned request. */
  plain(method: string, path: string, body?: string, headers?: Record<string, string>): Promise<Exchange>;
  /** Exchanges of the check now running (the runner resets it). */
  exchanges: Exchange[];
}

export function identity(ocid: number, keyHex: string, backend: CryptoBackend, now: () => number, randomBytes: (n: number) => Uint8Array, what: string): Identity {
  if (!Number.isSafeInteger(ocid) || ocid <= 0) throw new Error(`${what} OCID must be a positive integer, got ${ocid}`);
  const key = parsePrivateKey(keyHex);
  if (!key.ok) throw new Error(`${what} key: ${key.reason}`);
  return { ocid, privateKey: key.key, signer: createSigner({ ocid, privateKey: key.key, backend, now, randomBytes }) };
}

export function createKit(o: KitOptions): Kit {
  const backend = o.backend ?? nobleBackend;
  const caller = identity(o.callerOcid, o.callerKey, backend, o.now, o.randomBytes, 'caller');
  if ((o.issuerOcid === undefined) !== (o.issuerKey === undefined)) throw new Error('issuer: give both the issuer OCID and the issuer key, or neither');
  const issuer = o.issuerOcid !== undefined ? identity(o.issuerOcid, o.issuerKey!, backend, o.now, o.randomBytes, 'issuer') : undefined;
  const hex = (n: number) => bytesToHex(o.randomBytes(n));

  const kit: Kit = {
    backend,
    caller,
    issuer,
    now: o.now,
    sleep: o.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
    exchanges: [],
    client: createKitClient(o.baseUrl, o.fetch, (e) => kit.exchanges.push(e)),
    facts: undefined as unknown as TargetFacts,
    hex,
    freshKey() {
      for (;;) {
        const k = parsePrivateKey(hex(32));
        if (k.ok) return k.key;
      }
    },
    signerFor: (key, ocid = caller.ocid) => createSigner({ ocid, privateKey: key, backend, now: o.now, randomBytes: o.randomBytes }),
    randomOcid(exclude = []) {
      for (;;) {
        // 10^12 .. 2^48: a positive safe integer far above any OCID minted so far.
        const n = 1_000_000_000_000 + (Number.parseInt(hex(6), 16) % 280_000_000_000_000);
        if (!exclude.includes(n)) return n;
      }
    },
    signHeaders(method, path, body, s = {}) {
      const who = s.as ?? caller;
      const target = kit.client.target(path);
      if (s.ocid === undefined && s.key === undefined && s.timestamp === undefined && s.nonce === undefined)
        return { ...who.signer.sign(method, target, body) };
      // A deliberately altered request: the same signer API over a canonical string we assemble ourselves.
      const signer = s.key ? kit.signerFor(s.key, who.ocid) : who.signer;
      const ocid = String(s.ocid ?? who.ocid);
      const timestamp = String(s.timestamp ?? o.now());
      const nonce = s.nonce ?? `req_${hex(16)}`;
      const signature = signer.signCanonical(canonicalRequest({ ocid, timestamp, nonce, method, path: target, body }));
      return { 'X-OC-ID': ocid, 'X-OC-Timestamp': timestamp, 'X-OC-Nonce': nonce, 'X-OC-Signature': signature };
    },
    signed: (method, path, body = '', s) => kit.client.send(method, path, { headers: kit.signHeaders(method, path, body, s), body }),
    plain: (method, path, body = '', headers = {}) => kit.client.send(method, path, { headers, body }),
  };
  kit.facts = createTargetFacts(kit, o.merchantOcid);
  return kit;
}
