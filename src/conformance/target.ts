// Facts about the target learnt once per run (metadata, its key and OCID, inventory, currency) and order helpers.
import { parsePublicKey } from '../protocol/keys.ts';
import { AMOUNT_RE } from '../protocol/amount.ts';
import { fail, isObject, skip, type Json } from './assert.ts';
import type { Exchange } from './client.ts';
import type { Kit, SignOverrides } from './context.ts';
import { KIT_MARK, kitReference } from './marker.ts';

export type MetadataFacts =
  | { ok: true; exchange: Exchange; doc: Json; config: Json; key: Uint8Array; endpoint: string; currencies: string[]; accepts: number[] }
  | { ok: false; reason: string; exchange?: Exchange };

export interface InventoryItem {
  id: string;
  price: string;
  quantity?: number;
  min_qty?: number;
  max_qty?: number;
}

export type InventoryFacts =
  | { present: true; exchange: Exchange; currency: string; items: InventoryItem[] }
  | { present: false; reason: string; exchange?: Exchange };

export interface CreatedOrder {
  exchange: Exchange;
  requestBody: string;
  body: Json;
  order: Json;
  id: string;
  signature: unknown;
  urls: unknown;
}

export interface TargetFacts {
  metadata(): Promise<MetadataFacts>;
  /** The merchant key published in metadata; skips the check when there is none. */
  merchantKey(): Promise<Uint8Array>;
  merchantOcid(): Promise<number | undefined>;
  inventory(): Promise<InventoryFacts>;
  /** The inventory's currency, else the first of `settlement.currencies`; skips when neither is known. */
  currency(): Promise<string>;
  /** A valid order request for this target; keys set to undefined in `over` are removed. */
  orderBody(over?: Json): Promise<Json>;
  /** Creates an order (fails the check unless 200 with an order object). */
  createOrder(over?: Json, sign?: SignOverrides): Promise<CreatedOrder>;
}

const memo = <T>(f: () => Promise<T>): (() => Promise<T>) => {
  let p: Promise<T> | undefined;
  return () => (p ??= f());
};

export function createTargetFacts(kit: Kit, merchantOcidOption: number | undefined): TargetFacts {
  const metadata = memo(async (): Promise<MetadataFacts> => {
    let e: Exchange;
    try {
      e = await kit.plain('GET', '/metadata.json');
    } catch (err) {
      return { ok: false, reason: (err as Error).message };
    }
    if (e.status !== 200 || !isObject(e.json)) return { ok: false, reason: `GET /metadata.json answered ${e.status}`, exchange: e };
    const doc = e.json;
    // Read both layouts (opencharge.md §6.2); metadata.shape insists on the nested one.
    const config = isObject(doc.config) ? doc.config : doc;
    const key = parsePublicKey(config.publicKey);
    if (!key.ok) return { ok: false, reason: `metadata config.publicKey: ${key.reason}`, exchange: e };
    const settlement = isObject(config.settlement) ? config.settlement : {};
    const currencies = Array.isArray(settlement.currencies) ? settlement.currencies.filter((c): c is string => typeof c === 'string') : [];
    const accepts = Array.isArray(settlement.accepts) ? settlement.accepts.filter((a): a is number => Number.isSafeInteger(a)) : [];
    const endpoint = typeof config.endpoint === 'string' ? config.endpoint : '';
    return { ok: true, exchange: e, doc, config, key: key.key, endpoint, currencies, accepts };
  });

  const merchantOcid = memo(async (): Promise<number | undefined> => {
    if (merchantOcidOption !== undefined) return merchantOcidOption;
    const m = await metadata();
    if (m.ok && Number.isSafeInteger(m.doc.ocid) && (m.doc.ocid as number) > 0) return m.doc.ocid as number;
    try {
      const caps = await kit.signed('GET', '/capabilities');
      if (isObject(caps.json) && Number.isSafeInteger(caps.json.ocid)) return caps.json.ocid as number;
    } catch {
      /* unknown: callers cope */
    }
    return undefined;
  });

  const inventory = memo(async (): Promise<InventoryFacts> => {
    const e = await kit.plain('GET', '/inventory');
    if (e.status !== 200) return { present: false, reason: `the target publishes no inventory (GET /inventory → ${e.status})`, exchange: e };
    const doc = isObject(e.json) ? e.json : {};
    const items = (Array.isArray(doc.items) ? doc.items : []).filter(
      (i): i is InventoryItem => isObject(i) && typeof i.id === 'string' && typeof i.price === 'string' && AMOUNT_RE.test(i.price),
    );
    if (typeof doc.currency !== 'string' || items.length === 0)
      return { present: false, reason: 'GET /inventory answered 200 without a currency and priced items', exchange: e };
    return { present: true, exchange: e, currency: doc.currency, items };
  });

  const facts: TargetFacts = {
    metadata,
    merchantOcid,
    inventory,
    async merchantKey() {
      const m = await metadata();
      if (!m.ok) skip(`needs the merchant key from /metadata.json, which is unavailable: ${m.reason} (see metadata.shape)`);
      return m.key;
    },
    async currency() {
      const inv = await inventory();
      if (inv.present) return inv.currency;
      const m = await metadata();
      if (m.ok && m.currencies[0]) return m.currencies[0];
      skip('needs a currency: metadata config.settlement.currencies is empty or unavailable (see metadata.shape)');
    },
    async orderBody(over = {}) {
      const inv = await inventory();
      const ocid = await merchantOcid();
      const body: Json = { id: `conf_${kit.hex(10)}` };
      if (ocid !== undefined) body.ocid = ocid;
      body.reference = kitReference('ref', kit.hex(6));
      if (inv.present) {
        const item = orderableItem(inv.items);
        if (!item) skip('no inventory item can be ordered (every item is out of stock or has min_qty > max_qty)');
        body.items = [{ id: item.id, quantity: item.min_qty ?? 1 }];
      } else {
        body.amount = '12';
        body.currency = await facts.currency();
        body.items = [{ id: 'conformance-item-1', name: 'Conformance probe', quantity: 1, price: '12' }];
      }
      body.memo = KIT_MARK.memo;
      for (const [k, v] of Object.entries(over)) {
        if (v === undefined) delete body[k];
        else body[k] = v;
      }
      return body;
    },
    async createOrder(over, sign) {
      const requestBody = JSON.stringify(await facts.orderBody(over));
      const e = await kit.signed('POST', '/orders/create', requestBody, sign);
      if (e.status !== 200) fail(`could not create an order: POST /orders/create answered ${e.status}`, e);
      const body = isObject(e.json) ? e.json : fail('POST /orders/create answered 200 without a JSON object', e);
      const order = isObject(body.order) ? body.order : fail('the create response has no "order" object', e);
      if (typeof order.id !== 'string') fail('the created order has no string "id"', e);
      return { exchange: e, requestBody, body, order, id: order.id as string, signature: body.signature, urls: body.urls };
    },
  };
  return facts;
}

function orderableItem(items: InventoryItem[]): InventoryItem | undefined {
  return items.find((i) => {
    const min = i.min_qty ?? 1;
    return (i.quantity === undefined || i.quantity >= min) && (i.max_qty === undefined || i.max_qty >= min);
  });
}
