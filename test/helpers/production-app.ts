// The server as `serve` assembles it (test/helpers/app.ts: config → store → assembleServer) with its peers file, plus admin calls.
import { randomBytes } from 'node:crypto';
import { canonicalRequest } from '../../src/protocol/canonical.ts';
import { signCanonical } from '../../src/protocol/signature.ts';
import { nobleBackend } from '../../src/protocol/noble.ts';
import { CALLER, CALLER_OCID, ISSUER, ISSUER_OCID, MERCHANT_OCID } from './harness.ts';
import { buildTestServer } from './app.ts';
import type { PeerEntry } from '../../src/peers/index.ts';

export const ADMIN_TOKEN = 'admin-token-0123456789abcdef';

/** The peers file lists the caller 200 and the issuer 100 with their static keys unless `peers` says otherwise. */
export async function productionApp(env: Record<string, string> = {}, peers?: PeerEntry[]) {
  const server = await buildTestServer({
    env: {
      OC_ENV: 'test',
      OC_OCID: String(MERCHANT_OCID),
      OC_PRIVATE_KEY: '11'.repeat(32),
      OC_ACCEPTS: String(ISSUER_OCID),
      OC_PUBLIC_URL: 'https://pay.shop.example',
      ...env,
    },
    peers: peers ?? [{ ocid: CALLER_OCID, publicKey: CALLER.pub }, { ocid: ISSUER_OCID, publicKey: ISSUER.pub }],
  });
  const { app, clock } = server;
  let nonces = 0;
  /** A signed request (default: as the caller 200), through app.request. */
  const signed = (method: string, path: string, body = '', as: { ocid: number; key: Uint8Array } = { ocid: CALLER_OCID, key: CALLER.priv }) => {
    const nonce = `n_${process.pid}_${++nonces}_${randomBytes(4).toString('hex')}`;
    const parts = { ocid: String(as.ocid), timestamp: String(clock.now), nonce, method, path, body };
    const headers = { 'X-OC-ID': parts.ocid, 'X-OC-Timestamp': parts.timestamp, 'X-OC-Nonce': nonce, 'X-OC-Signature': signCanonical(nobleBackend, as.key, canonicalRequest(parts)), 'content-type': 'application/json' };
    return app.request(path, { method, headers, body: method === 'GET' ? undefined : body });
  };
  const admin = (path: string, body?: unknown) =>
    app.request(path, { method: body === undefined ? 'GET' : 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return Object.assign(server, { signed, admin });
}
