// A kit that cannot fail proves nothing: deliberately broken servers, each fault caught by the checks that should catch it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConformance } from '../../src/conformance/runner.ts';
import { formatResult } from '../../src/conformance/report.ts';
import type { CheckResult } from '../../src/conformance/types.ts';
import { createApp } from '../../src/http/app.ts';
import { canonicalOrder, canonicalRequest, canonicalResponse } from '../../src/protocol/canonical.ts';
import { parseSignature, signCanonical, verifyCanonical } from '../../src/protocol/signature.ts';
import { parsePublicKey } from '../../src/protocol/keys.ts';
import { nobleBackend } from '../../src/protocol/noble.ts';
import { highSTwin } from '../../src/conformance/high-s.ts';
import type { Store } from '../../src/store/types.ts';
import { MERCHANT, STRANGER, keyOf, type Harness } from '../helpers/harness.ts';
import { kitOptions, ourServer, type KitIdentity, type Target } from './serve.ts';
import { KNOWN_SERVER_BUGS } from './known-server-bugs.ts';

type Handler = (req: Request, env?: unknown) => Promise<Response>;
type Build = (h: Harness, ids: { caller: KitIdentity; issuer: KitIdentity }) => Handler;
// The two checks that wait for an order to expire are left out: they cost seconds and no fault here touches expiry.
const SLOW = ['status.expired', 'proofs.late'];

/** Re-signs a response the way our server does (opencharge.md §3.7), so only the intended fault remains. */
function signed(status: number, body: string, original: Headers): Response {
  const headers = new Headers(original);
  headers.delete('content-length');
  const timestamp = headers.get('x-oc-timestamp');
  if (timestamp && headers.has('x-oc-signature'))
    headers.set('X-OC-Signature', signCanonical(nobleBackend, MERCHANT.priv, canonicalResponse({ ocid: '500', timestamp, status, body })));
  return new Response(body, { status, headers });
}

/** Our app with its answers rewritten by `change` (undefined: unchanged). */
function rewriting(change: (req: Request, status: number, body: string) => { status?: number; body?: string } | undefined) {
  return (h: Harness): Handler =>
    async (req, env) => {
      const res = await h.app.fetch(req, env);
      const body = await res.text();
      const c = change(req, res.status, body);
      return signed(c?.status ?? res.status, c?.body ?? body, res.headers);
    };
}

const errorOf = (body: string): { code?: string; message?: string } | undefined => {
  try {
    return (JSON.parse(body) as { error?: { code?: string; message?: string } }).error;
  } catch {
    return undefined;
  }
};

const BROKEN: Record<string, Build> = {
  // Forgets nonces: the store claims every nonce is new, and orders are stored without consuming theirs.
  'accepts replayed nonces': (h) => {
    const store = new Proxy(h.deps.store, {
      get(target, prop) {
        if (prop === 'insertNonce') return async () => true;
        if (prop === 'createOrder') return (rec: never, outbox: never) => target.createOrder(rec, outbox);
        const v = Reflect.get(target, prop) as unknown;
        return typeof v === 'function' ? v.bind(target) : v;
      },
    }) as Store;
    const app = createApp({ ...h.deps, store });
    return async (req, env) => app.fetch(req, env);
  },
  // Signs orders over a recursive key sort (JCS) instead of the documented form, consistently on create and retrieval.
  'signs orders with a recursive key sort': rewriting((req, status, body) => {
    if (status !== 200 || !/\/orders\/(create|[^/]+)$/.test(new URL(req.url).pathname)) return undefined;
    const doc = JSON.parse(body) as { order?: Record<string, unknown>; signature?: string };
    if (!doc.order) return undefined;
    doc.signature = signCanonical(nobleBackend, MERCHANT.priv, canonicalOrder(doc.order, 'jcs'));
    return { body: JSON.stringify(doc) };
  }),
  // Publishes the right public key but signs with another private key.
  'signs with the wrong key': (h) => {
    const app = createApp({ ...h.deps, merchant: { ...h.deps.merchant, privateKey: STRANGER.priv } });
    return async (req, env) => app.fetch(req, env);
  },
  // 400 instead of 401 for TIMESTAMP_EXPIRED.
  'answers 400 for stale timestamps': rewriting((_req, status, body) => (status === 401 && errorOf(body)?.code === 'TIMESTAMP_EXPIRED' ? { status: 400 } : undefined)),
  // Flat errors {"code","message"} instead of the envelope.
  'answers errors without the envelope': rewriting((_req, status, body) => {
    const err = errorOf(body);
    return status >= 400 && err ? { body: JSON.stringify({ code: err.code, message: err.message }) } : undefined;
  }),
  // The envelope with its message dropped.
  'answers errors without error.message': rewriting((_req, status, body) => {
    const err = errorOf(body);
    return status >= 400 && err ? { body: JSON.stringify({ error: { code: err.code } }) } : undefined;
  }),
  // Normalises high-S request signatures to low-S before verifying (so accepts them).
  'accepts high-S request signatures': (h) => async (req, env) => {
    const sig = req.headers.get('x-oc-signature');
    if (sig && /^[0-9a-f]{130}$/i.test(sig) && !parseSignature(sig).ok && parseSignature(highSTwin(sig)).ok) {
      const headers = new Headers(req.headers);
      headers.set('x-oc-signature', highSTwin(sig));
      return h.app.fetch(new Request(req, { headers }), env);
    }
    return h.app.fetch(req, env);
  },
  // Takes the relaying peer for the issuer: a webhook the kit's caller signed correctly reaches the app re-signed
  // by the issuer (same nonce, same bytes), as if `X-OC-ID == proof.issuer` were not checked for form-A proofs.
  'accepts form-A proofs from any sender': (h, { caller, issuer }) => async (req, env) => {
    const url = new URL(req.url);
    const body = await req.text();
    const header = (k: string) => req.headers.get(k) ?? '';
    const [ocid, timestamp, nonce, signature] = [header('x-oc-id'), header('x-oc-timestamp'), header('x-oc-nonce'), header('x-oc-signature')];
    const path = url.pathname + url.search;
    const canonical = (id: string) => canonicalRequest({ ocid: id, timestamp, nonce, method: req.method, path, body });
    const headers = new Headers(req.headers);
    const callerKey = parsePublicKey(caller.pub);
    if (path.endsWith('/transfer/webhook') && ocid === String(caller.ocid) && callerKey.ok && verifyCanonical(nobleBackend, callerKey.key, canonical(ocid), signature).valid) {
      headers.set('x-oc-id', String(issuer.ocid));
      headers.set('x-oc-signature', signCanonical(nobleBackend, keyOf(issuer.key).priv, canonical(String(issuer.ocid))));
    }
    return h.app.fetch(new Request(req.url, { method: req.method, headers, body: req.method === 'GET' ? undefined : body }), env);
  },
  // Drops the response signature headers.
  'does not sign responses': (h) => async (req, env) => {
    const res = await h.app.fetch(req, env);
    const headers = new Headers(res.headers);
    for (const k of ['x-oc-id', 'x-oc-timestamp', 'x-oc-signature']) headers.delete(k);
    return new Response(res.body, { status: res.status, headers });
  },
};

/** Exactly these checks fail, besides the known bugs of the server under the fault. */
const EXPECT_EXACTLY: Record<string, string[]> = {
  'accepts replayed nonces': ['auth.replayed-nonce', 'auth.replayed-nonce.concurrent', 'auth.replayed-nonce.orders-create', 'auth.replayed-nonce.transfer-webhook'],
  'signs orders with a recursive key sort': ['orders.signature'],
  'answers 400 for stale timestamps': ['auth.future-timestamp', 'auth.stale-timestamp'],
  'accepts high-S request signatures': ['auth.high-s'],
  'accepts form-A proofs from any sender': ['proofs.form-a-relayed'],
  'does not sign responses': ['responses.capabilities', 'responses.orders-create', 'responses.oversized-body', 'responses.rejection', 'responses.transfer-webhook'],
};

/** At least these fail (the fault touches too much to list every check). */
const EXPECT_AT_LEAST: Record<string, string[]> = {
  'signs with the wrong key': ['metadata.config-signature', 'orders.signature', 'responses.capabilities', 'responses.orders-create', 'responses.rejection', 'responses.transfer-webhook'],
  'answers errors without the envelope': ['auth.missing-header.x-oc-id', 'auth.stale-timestamp', 'auth.replayed-nonce', 'errors.unknown-route', 'orders.conflict', 'proofs.issuer-not-accepted', 'status.unknown'],
  'answers errors without error.message': ['auth.missing-header.x-oc-id', 'auth.unknown-ocid', 'errors.unknown-route', 'orders.own-ocid', 'proofs.amount-mismatch', 'retrieval.unknown'],
};

const failed = (rs: CheckResult[]) => rs.filter((r) => r.status === 'fail').map((r) => r.id).sort();

for (const [fault, build] of Object.entries(BROKEN)) {
  describe(`a server that ${fault}`, () => {
    let t: Target;
    let results: CheckResult[];
    beforeAll(async () => {
      t = await ourServer({}, build);
      results = await runConformance(kitOptions(t, { skip: SLOW }));
    });
    afterAll(async () => t.close());

    it('is caught by the checks that enforce the broken rule', () => {
      const got = failed(results);
      if (EXPECT_EXACTLY[fault]) expect(got, results.filter((r) => r.status === 'fail').map(formatResult).join('\n\n')).toEqual([...EXPECT_EXACTLY[fault]!, ...Object.keys(KNOWN_SERVER_BUGS)].sort());
      else for (const id of EXPECT_AT_LEAST[fault]!) expect(got, id).toContain(id);
    });
    it('still passes the checks the fault does not touch', () => {
      const passed = results.filter((r) => r.status === 'pass').map((r) => r.id);
      for (const id of ['metadata.shape', 'auth.valid', 'orders.create', 'proofs.accepted-form-a', 'status.pending']) expect(passed, id).toContain(id);
    });
  });
}

describe('the failure report names the fault', () => {
  it('a failure carries the request sent and the response received', async () => {
    const t = await ourServer({}, BROKEN['does not sign responses']);
    const [bug] = await runConformance(kitOptions(t, { only: ['responses.oversized-body'] }));
    await t.close();
    expect(bug?.status).toBe('fail');
    expect(bug?.exchange?.request.method).toBe('POST');
    expect(bug?.exchange?.request.headers['X-OC-Signature']).toMatch(/^[0-9a-f]{130}$/);
    expect(bug?.exchange?.request.body?.length).toBeLessThan(1100);
    expect(bug?.exchange?.response?.status).toBe(413);
    expect(bug?.reason).toContain('carries no X-OC-ID');
  });

  it('a recursive-sort order signature is diagnosed as such', async () => {
    const t = await ourServer({}, BROKEN['signs orders with a recursive key sort']);
    const [r] = await runConformance(kitOptions(t, { only: ['orders.signature'] }));
    await t.close();
    expect(r!.status).toBe('fail');
    expect(r!.reason).toContain('recursive key sort (jcs)');
    expect(r!.exchange?.response?.status).toBe(200);
  });
  it('a 400 for a stale timestamp shows the status and code received', async () => {
    const t = await ourServer({}, BROKEN['answers 400 for stale timestamps']);
    const [r] = await runConformance(kitOptions(t, { only: ['auth.stale-timestamp'] }));
    await t.close();
    expect(r!.reason).toBe('expected HTTP 401 TIMESTAMP_EXPIRED, got 400 TIMESTAMP_EXPIRED');
    expect(Number(r!.exchange?.request.headers['X-OC-Timestamp'])).toBeLessThan(Date.now() / 1000 - 7000);
  });
  it('a missing envelope is named', async () => {
    const t = await ourServer({}, BROKEN['answers errors without error.message']);
    const [r] = await runConformance(kitOptions(t, { only: ['errors.unknown-route'] }));
    await t.close();
    expect(r!.reason).toBe('error envelope: error.message is not a non-empty string');
  });
});
