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

/**
 * One creation as one statement (the steps of the SQLite store, as data-modifying CTEs): consume the nonce;
 * unless it was taken, insert the order when no row has its id, then its event and delivery. The sub-statements
 * share one snapshot, so `cur` is the row as it was before this statement (including earlier creations in the
 * same transaction). Answers whether the nonce was ours, the new row's seq, and the existing row if any.
 */
function createStatement(sql: Sql, { order: o, outbox, nonce }: Creation) {
  const e = outbox.event;
  const d = outbox.delivery;
  const withNonce = nonce !== undefined;
  return sql`
    with n as (
      insert into nonces (ocid, nonce, expires_at)
      select ${nonce?.ocid ?? 0}::bigint, ${nonce?.nonce ?? ''}::text, ${nonce?.expiresAt ?? 0}::bigint where ${withNonce}::boolean
      on conflict do nothing
      returning 1
    ), ours as (
      select not ${withNonce}::boolean or exists (select 1 from n) as ok
    ), cur as (
      select * from orders where id = ${o.id}::text
    ), ins as (
      insert into orders (id, caller_ocid, request_hash, status, amount, currency, reference, created_at, expires_at, order_json, signature, response_body)
      select ${o.id}::text, ${o.callerOcid}::bigint, ${o.requestHash}::text, 'pending', ${o.amount}::text, ${o.currency}::text, ${o.reference}::text,
             ${o.createdAt}::bigint, ${o.expiresAt}::bigint, ${o.orderJson}::text, ${o.signature}::text, ${o.responseBody}::text
      where (select ok from ours) and not exists (select 1 from cur)
      on conflict (id) do nothing
      returning seq
    ), ev as (
      insert into events (id, order_id, type, created_at, data)
      select ${e.id}::text, ${e.orderId}::text, ${e.type}::text, ${e.createdAt}::bigint, ${e.data}::text from ins
      returning id
    ), dl as (
      insert into deliveries (id, event_id, url, status, next_attempt_at, created_at)
      select ${d?.id ?? ''}::text, ev.id, ${d?.url ?? ''}::text, 'pending', ${e.createdAt}::bigint, ${e.createdAt}::bigint from ev where ${d !== undefined}::boolean
    )
    select (select ok from ours) as nonce_ok, (select seq from ins) as new_seq, cur.*
    from (select 1) as one left join cur on true`;
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
      else if (r.id !== null) out.push({ kind: 'exists', order: orderFromRow(r) });
      else {
        // A concurrent transaction inserted this id after our snapshot: ON CONFLICT waited for it to commit,
        // so a new statement sees its row.
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
