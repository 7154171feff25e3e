// The server built as production builds it (test/helpers/app.ts) with a fixed clock and known peer keys, plus signed requests.
import { randomBytes } from 'node:crypto';
import type { SocketAddress } from '../../src/http/client-address.ts';
import type { RouteGroup } from '../../src/http/app.ts';
import type { RateLimits } from '../../src/rate-limit/limits.ts';
import type { OrderDeps } from '../../src/orders/deps.ts';
import type { PeerEntry, PeerResolverOptions } from '../../src/peers/index.ts';
import { nobleBackend } from '../../src/protocol/noble.ts';
import type { CryptoBackend } from '../../src/protocol/backend.ts';
import { parsePrivateKey, publicKeyHex } from '../../src/protocol/keys.ts';
import { canonicalRequest } from '../../src/protocol/canonical.ts';
import { signCanonical } from '../../src/protocol/signature.ts';
import { buildTestServer, T0, type TestServer } from './app.ts';

export { T0 };
export const MERCHANT_OCID = 500;
export const CALLER_OCID = 200;
export const ISSUER_OCID = 100;

export function keyOf(hex: string): { priv: Uint8Array; pub: string } {
  const k = parsePrivateKey(hex);
  if (!k.ok) throw new Error(k.reason);
  return { priv: k.key, pub: publicKeyHex(nobleBackend.publicKey(k.key)) };
}

export const MERCHANT = keyOf('11'.repeat(32));
export const CALLER = keyOf('22'.repeat(32));
export const ISSUER = keyOf('33'.repeat(32));
export const STRANGER = keyOf('44'.repeat(32));

export interface Harness extends TestServer {
  /** Signs a request as `as` (default the caller 200) and sends it through app.request. */
  signed(method: string, path: string, body?: string, o?: SignOptions): Promise<Response>;
  headersFor(method: string, path: string, body: string, o?: SignOptions): Record<string, string>;
}

export interface SignOptions {
  ocid?: number;
  key?: Uint8Array;
  timestamp?: number;
  nonce?: string;
}

export interface HarnessOptions {
  env?: Record<string, string>;
  /** Written to the inventory file (OC_INVENTORY_FILE). */
  inventory?: unknown;
  /** Written to the peers file (OC_PEERS_FILE); default the caller 200 and the issuer 100. */
  peers?: PeerEntry[];
  /** A secp256k1 backend instead of OC_CRYPTO=noble. */
  backend?: CryptoBackend;
  /** Tests only: probe routes behind the app's middleware. */
  probes?: (deps: OrderDeps) => RouteGroup[];
  /** Resolver settings on top of the configured ones (a registry, a DNS resolver, limits). */
  resolver?: Partial<PeerResolverOptions>;
  /** Bound of an issuer's /verify call (default 5000 ms); a hang test shortens it. */
  verifyTimeoutMs?: number;
  dir?: string;
  /** Limits in a shared store (default: in memory, from the config). */
  limits?: (config: OrderDeps['config']) => RateLimits;
  /** The socket peer's address for app.request() (default: none, as app.request() has no socket). */
  socketAddress?: SocketAddress;
  /** What the server sends with (default globalThis.fetch). */
  fetch?: typeof globalThis.fetch;
}

export async function makeHarness(o: HarnessOptions = {}): Promise<Harness> {
  const server = await buildTestServer({
    env: {
      OC_OCID: String(MERCHANT_OCID),
      OC_PRIVATE_KEY: '11'.repeat(32),
      OC_ACCEPTS: String(ISSUER_OCID),
      OC_CURRENCIES: 'USD,EUR',
      OC_PUBLIC_URL: 'https://pay.shop.example',
      OC_COMPLETED_URL: 'https://shop.example/done',
      OC_CANCELLED_URL: 'https://shop.example/cancelled',
      OC_ENV: 'test',
      OC_CRYPTO: 'noble',
      // On the event loop: a crypto thread per harness would start tsx in each (test/crypto/ and test/e2e/crypto-threads-process.test.ts cover the threads).
      OC_CRYPTO_THREADS: '0',
      OC_ALLOW_HTTP_PEERS: '1',
      ...o.env,
    },
    peers: o.peers ?? [
      { ocid: CALLER_OCID, publicKey: CALLER.pub },
      { ocid: ISSUER_OCID, publicKey: ISSUER.pub },
    ],
    inventory: o.inventory,
    dir: o.dir,
    limits: o.limits,
    fetch: o.fetch,
    socketAddress: o.socketAddress,
    probes: o.probes,
    seams: { backend: o.backend, resolver: o.resolver, verifyTimeoutMs: o.verifyTimeoutMs },
  });
  const { app, clock } = server;
  const backend = server.deps.backend;
  let counter = 0;
  const headersFor = (method: string, path: string, body: string, s: SignOptions = {}) => {
    const ocid = String(s.ocid ?? CALLER_OCID);
    const timestamp = String(s.timestamp ?? clock.now);
    const nonce = s.nonce ?? `req_${process.pid}_${++counter}_${randomBytes(4).toString('hex')}`;
    const canonical = canonicalRequest({ ocid, timestamp, nonce, method, path, body });
    return {
      'X-OC-ID': ocid,
      'X-OC-Timestamp': timestamp,
      'X-OC-Nonce': nonce,
      'X-OC-Signature': signCanonical(backend, s.key ?? CALLER.priv, canonical),
      'content-type': 'application/json',
    };
  };
  return Object.assign(server, {
    headersFor,
    signed: async (method: string, path: string, body = '', s?: SignOptions) =>
      app.request(path, { method, headers: headersFor(method, path, body, s), body: method === 'GET' || method === 'HEAD' ? undefined : body }),
  });
}
