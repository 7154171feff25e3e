// What a shop owner reads from stored JSON (order memo and items, a proof's amount and payer), parsed totally:
// a stored value of any shape gives text to show, never an exception.
import type { OrderRecord, ProofRecord } from '../../../store/types.ts';
import { isRecord } from '../../../protocol/i-json.ts';

export interface ItemLine {
  quantity: string;
  name: string;
  price?: string;
}

export interface OrderFacts {
  memo?: string;
  items: ItemLine[];
}

const parse = (json: string): unknown => {
  try {
    return JSON.parse(json);
  } catch {
    return undefined;
  }
};

/** Any JSON value as short text: strings as they are, everything else as its JSON. */
export const show = (v: unknown): string => (typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v)));

function itemLine(v: unknown): ItemLine {
  if (!isRecord(v)) return { quantity: '?', name: show(v) };
  const name = v.name ?? v.id;
  return { quantity: v.quantity === undefined ? '1' : show(v.quantity), name: name === undefined ? '—' : show(name), price: v.price === undefined ? undefined : show(v.price) };
}

export function orderFacts(o: Pick<OrderRecord, 'orderJson'>): OrderFacts {
  const doc = parse(o.orderJson);
  if (!isRecord(doc)) return { items: [] };
  return {
    memo: doc.memo === undefined ? undefined : show(doc.memo),
    items: Array.isArray(doc.items) ? doc.items.map(itemLine) : doc.items === undefined ? [] : [itemLine(doc.items)],
  };
}

export interface ProofFacts {
  /** "2.99 USD" as the proof states it. */
  amount?: string;
  /** Who the money came from as the proof names it: `from.ocid` and `from.reference`. */
  from?: string;
  fromReference?: string;
}

export function proofFacts(p: Pick<ProofRecord, 'proofJson'>): ProofFacts {
  const doc = parse(p.proofJson);
  if (!isRecord(doc)) return {};
  const amount = doc.amount === undefined ? undefined : [doc.amount, doc.currency].filter((x) => x !== undefined).map(show).join(' ');
  const from = isRecord(doc.from) ? doc.from : {};
  return { amount, from: from.ocid === undefined ? undefined : show(from.ocid), fromReference: from.reference === undefined ? undefined : show(from.reference) };
}
