// orders.*: POST /orders/create — the signed order, its canonicalisation, urls, ids, the own-OCID rule, idempotency (docs/profile.md §3).
import { verifyOrderSignature } from '../../client/verify-response.ts';
import { AMOUNT_RE, parseAmount, timesQuantity } from '../../protocol/amount.ts';
import { canonicalOrder } from '../../protocol/canonical.ts';
import { parseSignature, verifyCanonical } from '../../protocol/signature.ts';
import { expect, expectError, expectJson, fail, isObject, skip, type Json } from '../assert.ts';
import { check, recommended, type Check } from '../check.ts';
import type { Kit } from '../context.ts';
import { CREATE, rejectCreate, sameJson } from './shared.ts';

const SIGNED_FIELDS = ['id', 'ocid', 'reference', 'amount', 'currency', 'items', 'memo', 'createdAt', 'expiresAt', 'accepts'];

/** The amount the target must put in the order: the one asked for, or priced from the inventory. */
async function expectedTotal(kit: Kit, request: Json): Promise<bigint | undefined> {
  const inv = await kit.facts.inventory();
  if (!inv.present) return parseAmount(request.amount);
  let total = 0n;
  for (const it of request.items as Array<{ id: string; quantity: number }>) {
    const item = inv.items.find((i) => i.id === it.id);
    if (!item) return undefined;
    total += timesQuantity(parseAmount(item.price)!, it.quantity);
  }
  return total;
}

export const orderChecks: Check[] = [
  check('orders.create', 'POST /orders/create → 200 {order, signature, urls} with the order asked for', 'docs/profile.md §3; docs/opencharge.md §2.3', async (kit) => {
    const c = await kit.facts.createOrder();
    const e = c.exchange;
    const req = JSON.parse(c.requestBody) as Json;
    const o = c.order;
    const extra = Object.keys(o).filter((k) => !SIGNED_FIELDS.includes(k));
    expect(extra.length === 0, `the order has fields outside {${SIGNED_FIELDS.join(', ')}}: ${extra.join(', ')}`, e);
    expect(o.id === req.id, `order.id is ${JSON.stringify(o.id)}, asked for ${JSON.stringify(req.id)}`, e);
    expect(Number.isSafeInteger(o.ocid) && (o.ocid as number) > 0, 'order.ocid must be a positive integer (a JSON number)', e);
    const ocid = await kit.facts.merchantOcid();
    if (ocid !== undefined) expect(o.ocid === ocid, `order.ocid is ${String(o.ocid)}, expected the merchant's ${ocid}`, e);
    expect(typeof o.amount === 'string' && AMOUNT_RE.test(o.amount), 'order.amount must be a decimal string', e);
    const total = await expectedTotal(kit, req);
    expect(total !== undefined && parseAmount(o.amount) === total, `order.amount ${String(o.amount)} is not the amount asked for / priced`, e);
    expect(o.currency === (await kit.facts.currency()), `order.currency is ${String(o.currency)}, expected ${await kit.facts.currency()}`, e);
    const now = kit.now();
    expect(Number.isSafeInteger(o.createdAt) && Math.abs((o.createdAt as number) - now) <= 300, `order.createdAt must be Unix seconds near now (${now}), got ${String(o.createdAt)}`, e);
    expect(Number.isSafeInteger(o.expiresAt) && (o.expiresAt as number) > (o.createdAt as number), 'order.expiresAt must be Unix seconds after createdAt', e);
    expect(Array.isArray(o.accepts) && o.accepts.every((a) => Number.isSafeInteger(a) && (a as number) > 0), 'order.accepts must be an array of OCIDs', e);
    expect(o.reference === req.reference && o.memo === req.memo, 'order.reference and order.memo must be kept as sent', e);
    const ids = (x: unknown) => (Array.isArray(x) ? x.map((i) => (isObject(i) ? i.id : undefined)) : undefined);
    expect(JSON.stringify(ids(o.items)) === JSON.stringify(ids(req.items)), 'order.items must name the items asked for, in order', e);
    expect(typeof c.signature === 'string', 'signature must be a string', e);
    expect(isObject(c.urls), 'urls must be an object', e);
  }),

  check('orders.signature', 'the order signature verifies with the metadata key over JSON.stringify(order, Object.keys(order).sort())', 'docs/profile.md §1, §3; docs/opencharge.md §4', async (kit) => {
    const key = await kit.facts.merchantKey();
    const c = await kit.facts.createOrder();
    const sig = c.signature;
    expect(typeof sig === 'string' && /^[0-9a-f]{128}(1b|1c)$/.test(sig), 'signature must be 130 lowercase hex r‖s‖v with v 1b/1c', c.exchange);
    const parsed = parseSignature(sig);
    if (!parsed.ok) fail(`signature: ${parsed.reason}`, c.exchange);
    if (verifyOrderSignature(kit.backend, key, c.body)?.valid) return;
    const jcs = verifyCanonical(kit.backend, key, canonicalOrder(c.order, 'jcs'), sig).valid;
    fail(
      jcs
        ? 'the order is signed over a recursive key sort (jcs), not the documented JSON.stringify(order, Object.keys(order).sort())'
        : `the order signature does not verify over ${canonicalOrder(c.order).slice(0, 300)} with the metadata key`,
      c.exchange,
    );
  }),

  check('orders.urls', 'urls.order = [<config.endpoint>/orders/<id>]; completed/cancelled are strings', 'docs/profile.md §3; docs/opencharge.md §2.3', async (kit) => {
    const m = await kit.facts.metadata();
    if (!m.ok) skip(`needs config.endpoint from metadata: ${m.reason} (see metadata.shape)`);
    const c = await kit.facts.createOrder();
    const urls = isObject(c.urls) ? c.urls : fail('urls must be an object', c.exchange);
    const want = `${m.endpoint.replace(/\/+$/, '')}/orders/${encodeURIComponent(c.id)}`;
    expect(Array.isArray(urls.order) && urls.order.length >= 1 && urls.order.every((u) => typeof u === 'string'), 'urls.order must be an array of URLs', c.exchange);
    expect((urls.order as string[]).includes(want), `urls.order should contain ${want}, got ${JSON.stringify(urls.order)}`, c.exchange);
    for (const k of ['completed', 'cancelled']) expect(urls[k] === undefined || typeof urls[k] === 'string', `urls.${k} must be a string when present`, c.exchange);
  }),

  recommended('orders.generated-id', 'an order request without id gets a generated id', 'docs/profile.md §3; docs/opencharge.md §9.12', async (kit) => {
    const c = await kit.facts.createOrder({ id: undefined });
    expect(typeof c.id === 'string' && c.id.length > 0, 'order.id must be a non-empty string', c.exchange);
    const s = await kit.plain('GET', `/orders/${encodeURIComponent(c.id)}/status`);
    expect(expectJson(s, 200).status === 'pending', 'the generated order is not pending', s);
  }),

  recommended('orders.dot-segment-id', 'an order id of dot segments ("..") is refused with 400 INVALID_REQUEST, since <base>/orders/.. cannot retrieve it', 'docs/profile.md §3 (urls.order); docs/opencharge.md §2.3, §2.7', async (kit) => {
    const e = await kit.signed('POST', CREATE, JSON.stringify(await kit.facts.orderBody({ id: '..' })));
    if (e.status === 200) {
      // Any URL parser resolves /orders/.. (and /orders/%2E%2E) to the base path: the order is unreachable at urls.order.
      const get = await kit.plain('GET', `/orders/${encodeURIComponent('..')}`);
      expect(get.status === 200 && isObject(get.json) && sameJson(get.json, e.json), `order ".." was created but GET ${get.request.target} answers ${get.status}: urls.order does not lead to it`, e);
    } else expectError(e, 400, 'INVALID_REQUEST');
  }),

  recommended('orders.own-ocid', 'body ocid of another merchant → 400 INVALID_REQUEST', 'docs/profile.md §3', async (kit) => {
    const ours = await kit.facts.merchantOcid();
    const other = ours !== undefined ? ours + 1 : kit.randomOcid();
    await rejectCreate(kit, await kit.facts.orderBody({ ocid: other }), 400, 'INVALID_REQUEST');
  }),

  check('orders.idempotent', 'the same id and body again (new nonce) → 200 with the byte-identical response', 'docs/profile.md §3; docs/opencharge.md §8', async (kit) => {
    const c = await kit.facts.createOrder();
    const again = await kit.signed('POST', CREATE, c.requestBody);
    expectJson(again, 200);
    expect(again.text === c.exchange.text, 'the second response differs from the first (it must be byte-identical)', again);
  }),

  recommended('orders.conflict', 'the same id with a different body → 409 ORDER_CONFLICT', 'docs/profile.md §3, §7', async (kit) => {
    const c = await kit.facts.createOrder();
    const changed = { ...(JSON.parse(c.requestBody) as Json), memo: 'Opencharge conformance kit (changed)' };
    await rejectCreate(kit, changed, 409, 'ORDER_CONFLICT');
  }),

  check('orders.concurrent-create', 'one id created by 6 concurrent requests (distinct nonces) → all 200 with one byte-identical response', 'docs/profile.md §3', async (kit) => {
    const body = JSON.stringify(await kit.facts.orderBody());
    const all = await Promise.all(Array.from({ length: 6 }, () => kit.signed('POST', CREATE, body)));
    for (const e of all) expectJson(e, 200);
    const differs = all.find((e) => e.text !== all[0]!.text);
    expect(differs === undefined, 'concurrent creations of one id answered different orders', differs);
  }),
];
