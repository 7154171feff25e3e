// inventory.*: GET /inventory and orders priced from it (docs/profile.md §3; docs/opencharge.md §2.5). Skipped without an inventory.
import { AMOUNT_RE, formatAmount, fractionDigits, parseAmount, timesQuantity } from '../../protocol/amount.ts';
import { envelopeProblem, expect, expectError, expectJson, isObject, skip, type Json } from '../assert.ts';
import { check, recommended, type Check } from '../check.ts';
import type { Kit } from '../context.ts';
import type { InventoryFacts } from '../target.ts';
import { foreignCurrency } from './shared.ts';

type Present = Extract<InventoryFacts, { present: true }>;

async function needInventory(kit: Kit): Promise<Present> {
  const inv = await kit.facts.inventory();
  if (!inv.present) skip(inv.reason);
  return inv;
}

const SECTION = 'docs/profile.md §3; docs/opencharge.md §2.3, §2.5';

export const inventoryChecks: Check[] = [
  recommended('inventory.absent', 'without an inventory, GET /inventory answers an error in the envelope', 'docs/opencharge.md §7.4; docs/profile.md §7', async (kit) => {
    const inv = await kit.facts.inventory();
    if (inv.present) skip('the target publishes an inventory');
    const e = inv.exchange ?? skip(inv.reason);
    expect(e.status >= 400 && e.status < 500, `expected a 4xx (CAPABILITY_NOT_SUPPORTED or NOT_FOUND), got ${e.status}`, e);
    const problem = envelopeProblem(e);
    expect(problem === undefined, `error envelope: ${problem}`, e);
  }),
  check('inventory.shape', 'GET /inventory → {ocid, currency, items: [{id, name, price, …}]}', 'docs/opencharge.md §2.5', async (kit) => {
    await needInventory(kit);
    const e = await kit.plain('GET', '/inventory');
    const doc = expectJson(e, 200);
    const ocid = await kit.facts.merchantOcid();
    expect(Number.isSafeInteger(doc.ocid) && (ocid === undefined || doc.ocid === ocid), `ocid must be the merchant's OCID, got ${String(doc.ocid)}`, e);
    expect(typeof doc.currency === 'string' && /^[A-Z0-9]{3,5}$/.test(doc.currency), 'currency must be a currency code', e);
    const items = Array.isArray(doc.items) ? doc.items : [];
    expect(items.length > 0, 'items must be a non-empty array', e);
    for (const it of items) {
      const ok = isObject(it) && typeof it.id === 'string' && typeof it.name === 'string' && typeof it.price === 'string' && AMOUNT_RE.test(it.price);
      expect(ok, `item ${JSON.stringify(it).slice(0, 120)} needs string id, name and a decimal-string price`, e);
      for (const k of ['quantity', 'min_qty', 'max_qty']) expect(it[k] === undefined || Number.isSafeInteger(it[k]), `item ${it.id}: ${k} must be an integer`, e);
    }
  }),
  check('inventory.priced-order', 'an order naming inventory items is priced from the inventory', SECTION, async (kit) => {
    const inv = await needInventory(kit);
    const c = await kit.facts.createOrder();
    const [line] = (JSON.parse(c.requestBody) as { items: Array<{ id: string; quantity: number }> }).items;
    const item = inv.items.find((i) => i.id === line!.id)!;
    const want = timesQuantity(parseAmount(item.price)!, line!.quantity);
    expect(parseAmount(c.order.amount) === want, `order.amount ${String(c.order.amount)} ≠ ${line!.quantity} × ${item.price}`, c.exchange);
    expect(c.order.currency === inv.currency, `order.currency ${String(c.order.currency)} ≠ the inventory's ${inv.currency}`, c.exchange);
  }),
  check('inventory.amount-mismatch', 'a client amount that differs from the inventory price → 400 AMOUNT_MISMATCH', SECTION, async (kit) => {
    const inv = await needInventory(kit);
    const body = await kit.facts.orderBody();
    const [line] = body.items as Array<{ id: string; quantity: number }>;
    const item = inv.items.find((i) => i.id === line!.id)!;
    const wrong = timesQuantity(parseAmount(item.price)!, line!.quantity) + parseAmount('1')!;
    expectError(await kit.signed('POST', '/orders/create', JSON.stringify({ ...body, amount: formatAmount(wrong, Math.max(2, fractionDigits(item.price))) })), 400, 'AMOUNT_MISMATCH');
  }),
  check('inventory.currency-mismatch', "a currency other than the inventory's → 400 CURRENCY_MISMATCH", SECTION, async (kit) => {
    await needInventory(kit);
    const body: Json = await kit.facts.orderBody({ currency: await foreignCurrency(kit) });
    expectError(await kit.signed('POST', '/orders/create', JSON.stringify(body)), 400, 'CURRENCY_MISMATCH');
  }),
  check('inventory.unknown-item', 'an item id not in the inventory → 400 INVALID_REQUEST', SECTION, async (kit) => {
    await needInventory(kit);
    const body = await kit.facts.orderBody({ items: [{ id: `conf_no_such_item_${kit.hex(4)}`, quantity: 1 }] });
    expectError(await kit.signed('POST', '/orders/create', JSON.stringify(body)), 400, 'INVALID_REQUEST');
  }),
];
