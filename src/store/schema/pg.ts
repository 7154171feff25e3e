// PostgreSQL schema (drizzle pg-core): the same logical model as schema/sqlite.ts; migrations/pg is generated from it.
import { sql } from 'drizzle-orm';
import { pgTable, text, integer, bigint, boolean, primaryKey, unique, uniqueIndex, index } from 'drizzle-orm/pg-core';

// Unix seconds and OCIDs are bigint (no 2038 limit, OCIDs up to 2^53), read back as JS numbers.
const big = (name: string) => bigint(name, { mode: 'number' });
// Row numbers: an identity column that still accepts explicit values (migrate-data keeps SQLite's seq).
const rowNumber = (name: string) => big(name).primaryKey().generatedByDefaultAsIdentity();

export const nonces = pgTable(
  'nonces',
  {
    ocid: big('ocid').notNull(),
    nonce: text('nonce').notNull(),
    expiresAt: big('expires_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.ocid, t.nonce] }), index('nonces_expires_idx').on(t.expiresAt)],
);

export const orders = pgTable(
  'orders',
  {
    seq: rowNumber('seq'),
    id: text('id').notNull(),
    callerOcid: big('caller_ocid').notNull(),
    requestHash: text('request_hash').notNull(),
    status: text('status', { enum: ['pending', 'paid', 'expired', 'cancelled'] }).notNull(),
    amount: text('amount').notNull(),
    currency: text('currency').notNull(),
    reference: text('reference'),
    createdAt: big('created_at').notNull(),
    expiresAt: big('expires_at').notNull(),
    paidAt: big('paid_at'),
    txid: text('txid'),
    paidLate: boolean('paid_late').notNull().default(false),
    paymentMismatch: boolean('payment_mismatch').notNull().default(false),
    orderJson: text('order_json').notNull(),
    signature: text('signature').notNull(),
    responseBody: text('response_body').notNull(),
  },
  (t) => [
    uniqueIndex('orders_id_idx').on(t.id),
    index('orders_reference_idx').on(t.reference),
    index('orders_status_expires_idx').on(t.status, t.expiresAt),
  ],
);

export const proofs = pgTable(
  'proofs',
  {
    id: rowNumber('id'),
    issuer: big('issuer').notNull(),
    txid: text('txid').notNull(),
    senderOcid: big('sender_ocid').notNull(),
    orderId: text('order_id'),
    proofJson: text('proof_json').notNull(),
    signature: text('signature').notNull(),
    proofHash: text('proof_hash').notNull(),
    form: text('form', { enum: ['A', 'B'] }).notNull(),
    verdict: text('verdict').notNull(),
    /** What authenticated `to` (orders/types.ts ProofVoucher); null for a refused delivery and rows older than migration 0003. */
    voucher: text('voucher', { enum: ['proof_signature', 'issuer_request', 'issuer_confirmed'] }),
    receivedAt: big('received_at').notNull(),
  },
  // (issuer, txid) is unique among counted proofs only: refused deliveries (orders/types.ts REFUSED_DELIVERIES)
  // are kept for review beside the proof that holds the slot. The plain index serves the lookup of all rows.
  (t) => [
    uniqueIndex('proofs_issuer_txid_idx').on(t.issuer, t.txid).where(sql`verdict <> 'form_a_not_from_issuer'`),
    index('proofs_issuer_txid_rows_idx').on(t.issuer, t.txid),
    index('proofs_order_idx').on(t.orderId),
  ],
);

export const events = pgTable(
  'events',
  {
    seq: rowNumber('seq'),
    id: text('id').notNull(),
    orderId: text('order_id').notNull(),
    type: text('type').notNull(),
    createdAt: big('created_at').notNull(),
    data: text('data').notNull(),
  },
  // A UNIQUE constraint (not an index): drizzle-kit adds foreign keys before indexes, and deliveries.event_id needs it.
  (t) => [unique('events_id_idx').on(t.id), index('events_order_idx').on(t.orderId)],
);

export const deliveries = pgTable(
  'deliveries',
  {
    id: text('id').primaryKey(),
    eventId: text('event_id')
      .notNull()
      .references(() => events.id),
    url: text('url').notNull(),
    status: text('status', { enum: ['pending', 'succeeded', 'failed'] }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: big('next_attempt_at').notNull(),
    lastAttemptAt: big('last_attempt_at'),
    lastStatus: integer('last_status'),
    lastError: text('last_error'),
    lockedUntil: big('locked_until').notNull().default(0),
    createdAt: big('created_at').notNull(),
  },
  (t) => [index('deliveries_due_idx').on(t.status, t.nextAttemptAt), index('deliveries_event_idx').on(t.eventId)],
);

export const charges = pgTable(
  'charges',
  {
    id: text('id').primaryKey(),
    orderId: text('order_id').notNull(),
    gateway: text('gateway').notNull(),
    reference: text('reference').notNull(),
    paymentUrl: text('payment_url').notNull(),
    status: text('status').notNull(),
    gatewayStatus: text('gateway_status').notNull(),
    tokenHash: text('token_hash').notNull(),
    /** Fixed when the slot is reserved; every retry of this (order, gateway) sends it again (RequestId, keychain_id…). */
    idempotencyKey: text('idempotency_key').notNull().default(''),
    createdAt: big('created_at').notNull(),
    updatedAt: big('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('charges_order_gateway_idx').on(t.orderId, t.gateway),
    index('charges_gateway_reference_idx').on(t.gateway, t.reference),
    index('charges_status_idx').on(t.status, t.updatedAt),
  ],
);
