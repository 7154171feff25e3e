// Test helper: our real app (test/helpers/harness.ts) on a real loopback port with a real clock, plus the kit's identities.
import { randomBytes } from 'node:crypto';
import { makeHarness, type Harness, type HarnessOptions } from '../helpers/harness.ts';
import { serveFetch } from '../helpers/http-server.ts';
import { parsePrivateKey, publicKeyHex } from '../../src/protocol/keys.ts';
import { nobleBackend } from '../../src/protocol/noble.ts';
import type { KitOptions } from '../../src/conformance/types.ts';

export const KIT_CALLER_OCID = 990_000_001;
export const KIT_ISSUER_OCID = 990_000_002;

export interface KitIdentity {
  ocid: number;
  key: string;
  pub: string;
}

export function freshIdentity(ocid: number): KitIdentity {
  for (;;) {
    const key = randomBytes(32).toString('hex');
    const k = parsePrivateKey(key);
    if (k.ok) return { ocid, key, pub: publicKeyHex(nobleBackend.publicKey(k.key)) };
  }
}

export const realNow = () => Math.floor(Date.now() / 1000);

export interface Target {
  h: Harness;
  baseUrl: string;
  caller: KitIdentity;
  issuer: KitIdentity;
  close(): Promise<void>;
}

/** Our server trusting fresh kit identities (peers file entries + OC_ACCEPTS), its clock the real one. */
export type Wrap = (h: Harness, ids: { caller: KitIdentity; issuer: KitIdentity }) => (req: Request, env?: unknown) => Response | Promise<Response>;

export async function ourServer(o: HarnessOptions = {}, wrap?: Wrap): Promise<Target> {
  const caller = freshIdentity(KIT_CALLER_OCID);
  const issuer = freshIdentity(KIT_ISSUER_OCID);
  const h = await makeHarness({
    ...o,
    env: { OC_ACCEPTS: `100,${issuer.ocid}`, ...o.env },
    peers: [
      { ocid: caller.ocid, publicKey: caller.pub },
      { ocid: issuer.ocid, publicKey: issuer.pub },
    ],
  });
  // The harness clock is fixed; the kit signs with real timestamps, so the clock follows the wall clock.
  Object.defineProperty(h.clock, 'now', { get: realNow, set: () => undefined, configurable: true });
  const server = await serveFetch(wrap ? wrap(h, { caller, issuer }) : (req, env) => h.app.fetch(req, env));
  return {
    h,
    baseUrl: `${server.origin}/opencharge`,
    caller,
    issuer,
    async close() {
      await server.close();
      await h.close();
    },
  };
}

export function kitOptions(t: Target, o: Partial<KitOptions> = {}): KitOptions {
  return {
    baseUrl: t.baseUrl,
    callerOcid: t.caller.ocid,
    callerKey: t.caller.key,
    issuerOcid: t.issuer.ocid,
    issuerKey: t.issuer.key,
    fetch: globalThis.fetch,
    now: realNow,
    randomBytes: (n) => new Uint8Array(randomBytes(n)),
    ...o,
  };
}
