// responses.*: every response of a signed endpoint is signed by the merchant key (docs/profile.md §2; docs/opencharge.md §3.7).
import { verifyResponseSignature } from '../../client/verify-response.ts';
import { envelopeProblem, expect, fail } from '../assert.ts';
import { recommended, type Check } from '../check.ts';
import type { Exchange } from '../client.ts';
import type { Kit } from '../context.ts';

async function expectSignedResponse(kit: Kit, e: Exchange, status: number): Promise<void> {
  const key = await kit.facts.merchantKey();
  expect(e.status === status, `expected HTTP ${status}, got ${e.status}`, e);
  const verdict = verifyResponseSignature(kit.backend, key, e.status, e.headers, e.bytes);
  if (!verdict.valid) fail(`response signature: ${verdict.reason}`, e);
  const ocid = await kit.facts.merchantOcid();
  const header = e.headers.get('x-oc-id');
  if (ocid !== undefined) expect(header === String(ocid), `X-OC-ID is ${header}, expected the merchant's ${ocid}`, e);
  expect(/^[0-9]+$/.test(e.headers.get('x-oc-timestamp') ?? ''), 'X-OC-Timestamp must be Unix seconds', e);
}

const SECTION = 'docs/profile.md §2; docs/opencharge.md §3.7';

export const responseChecks: Check[] = [
  recommended('responses.capabilities', 'the 200 of GET /capabilities is signed with the metadata key', SECTION, async (kit) => {
    await expectSignedResponse(kit, await kit.signed('GET', '/capabilities'), 200);
  }),
  recommended('responses.orders-create', 'the 200 of POST /orders/create is signed with the metadata key', SECTION, async (kit) => {
    const created = await kit.facts.createOrder();
    await expectSignedResponse(kit, created.exchange, 200);
  }),
  recommended('responses.transfer-webhook', 'the 400 of a rejected POST /transfer/webhook is signed with the metadata key', SECTION, async (kit) => {
    await expectSignedResponse(kit, await kit.signed('POST', '/transfer/webhook', '{"proof":{"conformance":true},"signature":""}'), 400);
  }),
  recommended('responses.oversized-body', 'a signed POST /orders/create of 100 KiB is refused (4xx in the envelope) with a signed response', 'docs/profile.md §2 (every response of a signed endpoint), §7', async (kit) => {
    const body = JSON.stringify(await kit.facts.orderBody({ memo: 'x'.repeat(100 * 1024) }));
    const e = await kit.signed('POST', '/orders/create', body);
    expect(e.status >= 400 && e.status < 500, `expected a 4xx refusal (413 PAYLOAD_TOO_LARGE or 400 INVALID_REQUEST), got ${e.status}`, e);
    const problem = envelopeProblem(e);
    expect(problem === undefined, `error envelope: ${problem}`, e);
    await expectSignedResponse(kit, e, e.status);
  }),
  recommended('responses.rejection', 'the 401 of a signed endpoint (missing X-OC-Signature) is signed too', SECTION, async (kit) => {
    const { 'X-OC-Signature': _dropped, ...headers } = kit.signHeaders('GET', '/capabilities', '');
    await expectSignedResponse(kit, await kit.client.send('GET', '/capabilities', { headers }), 401);
  }),
];
