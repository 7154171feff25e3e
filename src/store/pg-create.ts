// Order creation on PostgreSQL with group commit: one statement per creation, pipelined, many creations per transaction.
import type postgres from 'postgres';
import type { Outcome } from './group-commit.ts';
import type { NewOrder, NonceClaim, OrderRecord, Outbox, Store } from './types.ts';
import type { OrderStatus } from '../orders/types.ts';

export interface Creation {
  order: NewOrder;
  outbox: Outbox;
  nonce?: NonceClaim;
}
export type Created = Awaited<ReturnType<Store['createOrder']>>;

type Sql = postgres.Sql | postgres.TransactionSql;

/** Numbers the `?` placeholders of a statement text $1, $2, … in order. */
const numbered = (text: string) => {
  let k = 0;
  return text.replace(/\?/g, () => `$${++k}`);
};

/**
 * The statement texts of one creation (the steps of the SQLite store, as data-modifying CTEs): consume the nonce,
 * then insert the order unless its id is taken, then its event and delivery. Each answers whether the nonce was
 * ours and the new row's seq. Four texts, with or without a nonce and a delivery, so that each sends only its own
 * parameters and PostgreSQL plans no branch that cannot run; each is prepared once per connection.
 */
const CREATE_TEXT = (() => {
  const order = `insert into orders (id, caller_ocid, request_hash, status, amount, currency, reference, created_at, expires_at, order_json, signature, response_body)
    select ?::text, ?::bigint, ?::text, 'pending', ?::text, ?::text, ?::text, ?::bigint, ?::bigint, ?::text, ?::text, ?::text`;
  const event = `ev as (insert into events (id, order_id, type, created_at, data) select ?::text, ?::text, ?::text, ?::bigint, ?::text from ins returning id)`;
  const delivery = `, dl as (insert into deliveries (id, event_id, url, status, next_attempt_at, created_at) select ?::text, ev.id, ?::text, 'pending', ?::bigint, ?::bigint from ev)`;
  const nonce = `n as (insert into nonces (ocid, nonce, expires_at) values (?::bigint, ?::text, ?::bigint) on conflict do nothing returning 1)`;
  const bare = (dl: string) => numbered(`with ins as (${order} on conflict (id) do nothing returning seq), ${event}${dl} select true as nonce_ok, (select seq from ins) as new_seq`);
  const guarded = (dl: string) =>
    numbered(`with ${nonce}, ins as (${order} where exists (select 1 from n) on conflict (id) do nothing returning seq), ${event}${dl} select exists (select 1 from n) as nonce_ok, (select seq from ins) as new_seq`);
  return { bare: bare(''), bareDelivery: bare(delivery), guarded: guarded(''), guardedDelivery: guarded(delivery) };
})();

/**
 * One creation as one statement (CREATE_TEXT), with the parameters in the texts' order. A taken id (a replay, or
 * the same id earlier in this batch or in a concurrent transaction) leaves the seq null: the caller then reads
 * that row with a new statement, which sees it.
 */
function createStatement(sql: Sql, { order: o, outbox, nonce }: Creation) {
  const e = outbox.event;
  const d = outbox.delivery;
  const params: (string | number | null)[] = nonce ? [nonce.ocid, nonce.nonce, nonce.expiresAt] : [];
  params.push(o.id, o.callerOcid, o.requestHash, o.amount, o.currency, o.reference, o.createdAt, o.expiresAt, o.orderJson, o.signature, o.responseBody);
  params.push(e.id, e.orderId, e.type, e.createdAt, e.data);
  if (d) params.push(d.id, d.url, e.createdAt, e.createdAt);
  const text = nonce ? (d ? CREATE_TEXT.guardedDelivery : CREATE_TEXT.guarded) : d ? CREATE_TEXT.bareDelivery : CREATE_TEXT.bare;
  return sql.unsafe<{ nonce_ok: boolean; new_seq: string | null }[]>(text, params, { prepare: true });
}

/** An orders row as postgres.js reads it (snake_case, bigint as text) → the record drizzle's mapping gives. */
function orderFromRow(r: postgres.Row): OrderRecord {
  const num = (v: unknown) => (v === null ? null : Number(v));
  return {
    seq: Number(r.seq),
    id: r.id,
    callerOcid: Number(r.caller_ocid),
    requestHash: r.request_hash,
    status: r.status as OrderStatus,
    amount: r.amount,
    currency: r.currency,
    reference: r.reference,
    createdAt: Number(r.created_at),
    expiresAt: Number(r.expires_at),
    paidAt: num(r.paid_at),
    txid: r.txid,
    paidLate: r.paid_late,
    paymentMismatch: r.payment_mismatch,
    orderJson: r.order_json,
    signature: r.signature,
    responseBody: r.response_body,
  };
}

const createdRecord = (o: NewOrder, seq: unknown): OrderRecord => ({
  seq: Number(seq),
  id: o.id,
  callerOcid: o.callerOcid,
  requestHash: o.requestHash,
  status: 'pending',
  amount: o.amount,
  currency: o.currency,
  reference: o.reference,
  createdAt: o.createdAt,
  expiresAt: o.expiresAt,
  paidAt: null,
  txid: null,
  paidLate: false,
  paymentMismatch: false,
  orderJson: o.orderJson,
  signature: o.signature,
  responseBody: o.responseBody,
});

/** All creations in one transaction, their statements pipelined on its connection; resolves after COMMIT. */
async function commitTogether(client: postgres.Sql, items: readonly Creation[]): Promise<Created[]> {
  return client.begin(async (tx) => {
    const rows = await Promise.all(items.map((c) => createStatement(tx, c)));
    const out: Created[] = [];
    for (const [k, c] of items.entries()) {
      const r = rows[k]![0]!;
      if (!r.nonce_ok) out.push({ kind: 'nonce_reused' });
      else if (r.new_seq !== null) out.push({ kind: 'created', order: createdRecord(c.order, r.new_seq) });
      else {
        // The id is taken: by an order stored before, earlier in this batch, or by a concurrent transaction
        // (ON CONFLICT waited for its commit). A new statement sees that row.
        const [winner] = await tx`select * from orders where id = ${c.order.id}::text`;
        if (!winner) throw new Error(`createOrder: order ${c.order.id} conflicted but cannot be read`);
        out.push({ kind: 'exists', order: orderFromRow(winner) });
      }
    }
    return out;
  }) as Promise<Created[]>;
}

/** A PostgreSQL server error (it has a severity): the transaction certainly did not commit. */
const refusedByServer = (err: unknown) => typeof (err as { severity?: unknown } | null)?.severity === 'string';

/** The most creations in one PostgreSQL batch. */
export const MAX_BATCH = 128;

/**
 * A group commit's batch on PostgreSQL from `together` (all items in one transaction, one result each). When the
 * server refuses the shared transaction (one item's error aborts it, or a deadlock with another instance),
 * nothing of it was written: each item is then retried alone in its own transaction, so one failure fails only
 * itself and loses none of the others. A lost connection leaves the commit's outcome unknown, so that error goes
 * to every item, as it would alone.
 */
export function batchOrAlone<I, R>(together: (items: readonly I[]) => Promise<R[]>) {
  const alone = (item: I): Promise<Outcome<R>> =>
    together([item]).then(
      ([value]) => ({ ok: true, value: value! }),
      (error: unknown) => ({ ok: false, error }),
    );
  return async (items: readonly I[]): Promise<Outcome<R>[]> => {
    if (items.length === 1) return [await alone(items[0]!)];
    try {
      return (await together(items)).map((value) => ({ ok: true, value }));
    } catch (error) {
      if (!refusedByServer(error)) return items.map(() => ({ ok: false, error }));
      return Promise.all(items.map(alone));
    }
  };
}

/** The store's order-creation batch: every creation as one statement (createStatement), see batchOrAlone. */
export const pgCreateBatch = (client: postgres.Sql) => batchOrAlone((items: readonly Creation[]) => commitTogether(client, items));
