// OC_CRYPTO_THREADS through the server: the setting's values and refusals, and the hot path (signed requests, new
// orders, signed answers) with its signing and verifying on crypto threads: the same answers as on the event loop.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { autoCryptoThreads } from '../../src/crypto/pool.ts';
import { canonicalOrder, canonicalResponse } from '../../src/protocol/canonical.ts';
import { parsePublicKey } from '../../src/protocol/keys.ts';
import { nobleBackend } from '../../src/protocol/noble.ts';
import { verifyCanonical } from '../../src/protocol/signature.ts';
import { expectError } from '../helpers/expect-error.ts';
import { MERCHANT, makeHarness, type Harness } from '../helpers/harness.ts';

const CREATE = '/opencharge/orders/create';
const merchantKey = (parsePublicKey(MERCHANT.pub) as { ok: true; key: Uint8Array }).key;

describe('OC_CRYPTO_THREADS', () => {
  it('is auto by default and takes 0 to 16', () => {
    expect(loadConfig({}).cryptoThreads).toBe('auto');
    expect(loadConfig({ OC_CRYPTO_THREADS: 'auto' }).cryptoThreads).toBe('auto');
    expect(loadConfig({ OC_CRYPTO_THREADS: '0' }).cryptoThreads).toBe(0);
    expect(loadConfig({ OC_CRYPTO_THREADS: '16' }).cryptoThreads).toBe(16);
  });

  for (const v of ['-1', '17', 'two', '1.5', ' 2', 'AUTO']) {
    it(`refuses '${v}', naming the setting and what it takes`, () => {
      expect(() => loadConfig({ OC_CRYPTO_THREADS: v })).toThrow(/^OC_CRYPTO_THREADS: must be auto, or a number of crypto threads from 0/);
    });
  }
});

/** The answer's signature over its canonical response, by the merchant's key. */
async function signedAnswer(res: Response) {
  const body = await res.text();
  const canonical = canonicalResponse({ ocid: res.headers.get('x-oc-id')!, timestamp: res.headers.get('x-oc-timestamp')!, status: res.status, body });
  return { body, valid: verifyCanonical(nobleBackend, merchantKey, canonical, res.headers.get('x-oc-signature')).valid };
}

describe.each([
  ['2 crypto threads', { OC_CRYPTO_THREADS: '2' }, 2],
  ['auto with noble', { OC_CRYPTO_THREADS: 'auto' }, autoCryptoThreads('noble')],
  ['0: the event loop', { OC_CRYPTO_THREADS: '0' }, 0],
] as const)('the hot path with %s', (_name, env, threads) => {
  let h: Harness;
  beforeAll(async () => {
    h = await makeHarness({ env });
  });
  afterAll(async () => h.close());

  it('runs the configured number of threads', () => {
    expect(h.deps.cryptoPool.threads).toBe(threads);
  });

  it('creates signed orders under signed answers, many at once', async () => {
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => h.signed('POST', CREATE, JSON.stringify({ amount: `${i + 1}.00`, currency: 'USD' }))),
    );
    const ids = new Set<string>();
    for (const res of answers) {
      expect(res.status).toBe(200);
      const { body, valid } = await signedAnswer(res);
      expect(valid).toBe(true);
      const created = JSON.parse(body) as { order: Record<string, unknown> & { id: string }; signature: string };
      expect(verifyCanonical(nobleBackend, merchantKey, canonicalOrder(created.order), created.signature).valid).toBe(true);
      ids.add(created.order.id);
    }
    expect(ids.size).toBe(40);
    expect(h.log.lines.filter((l) => l.includes('crypto thread'))).toEqual([]); // the threads answered, none fell back
  });

  it('refuses a request whose body was changed after signing, in a signed answer', async () => {
    const headers = h.headersFor('POST', CREATE, '{"amount":"5.00","currency":"USD"}');
    const res = await h.app.request(CREATE, { method: 'POST', headers, body: '{"amount":"500.00","currency":"USD"}' });
    const err = await expectError(res.clone(), 401, 'INVALID_SIGNATURE');
    expect(err.details?.reason).toBe('signature does not match the key and message');
    expect((await signedAnswer(res)).valid).toBe(true);
  });

  it('refuses a replayed nonce, and answers the same order again with the same bytes', async () => {
    const body = JSON.stringify({ id: `ord_threads_${threads}`, amount: '7.00', currency: 'USD' });
    const headers = h.headersFor('POST', CREATE, body);
    const first = await h.app.request(CREATE, { method: 'POST', headers, body });
    expect(first.status).toBe(200);
    await expectError(await h.app.request(CREATE, { method: 'POST', headers, body }), 401, 'NONCE_REUSED');
    const again = await h.signed('POST', CREATE, body);
    expect(again.status).toBe(200);
    expect(await again.text()).toBe(await first.text());
  });
});
