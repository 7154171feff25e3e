// The store interfaces: every caller reaches the database only through these (SQLite and PostgreSQL alike).
import type { DeliveryStatus, EventType, OrderStatus } from '../orders/types.ts';
import type { ChargeRecord } from './charge-types.ts';
import type { NewProof, ProofDecision, ProofOutcome, ProofRecord } from './proof-types.ts';

export type { ChargeRecord } from './charge-types.ts';
export type { NewProof, ProofDecision, ProofOutcome, ProofRecord } from './proof-types.ts';

export interface NonceClaim {
  ocid: number;
  nonce: string;
  /** Unix seconds after which the nonce may be purged (≥ timestamp + 2 × window). */
  expiresAt: number;
}

export interface OrderRecord {
  /** Monotonic row number: the admin list's cursor. */
  seq: number;
  id: string;
  /** Who created it: the caller's OCID, or 0 for the merchant's own admin API. */
  callerOcid: number;
  /** Hash of the creating request's parsed body: same hash again → idempotent replay. */
  requestHash: string;
  status: OrderStatus;
  amount: string;
  currency: string;
  reference: string | null;
  createdAt: number;
  expiresAt: number;
  paidAt: number | null;
  txid: string | null;
  paidLate: boolean;
  paymentMismatch: boolean;
  /** The signed order object, as JSON text exactly as signed. */
  orderJson: string;
  signature: string;
  /** The exact `{order, signature, urls}` response body, replayed byte for byte. */
  responseBody: string;
}

export type NewOrder = Omit<OrderRecord, 'seq' | 'status' | 'paidAt' | 'txid' | 'paidLate' | 'paymentMismatch'>;

export interface NewEvent {
  id: string;
  orderId: string;
  type: EventType;
  createdAt: number;
  /** JSON text of the event's `data`. */
  data: string;
}

export interface EventRecord extends NewEvent {}

export interface DeliveryRecord {
  id: string;
  eventId: string;
  url: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: number;
  lastAttemptAt: number | null;
  lastStatus: number | null;
  lastError: string | null;
  /** Claim lease: another worker may not take the delivery before this time. */
  lockedUntil: number;
  createdAt: number;
}

/** What one state change writes besides the order itself: its event and (with a webhook) its delivery. */
export interface Outbox {
  event: NewEvent;
  /** Present when the shop's webhook is configured. */
  delivery?: { id: string; url: string };
}

export interface OrderChange {
  /** Applied only if the order's status is still `from` (monotonic, race-safe). */
  from: OrderStatus;
  to?: OrderStatus;
  paidAt?: number;
  txid?: string;
  paidLate?: boolean;
  paymentMismatch?: boolean;
}

/**
 * How test orders are told from real ones: the reference begins with `referencePrefix` and the signed order
 * JSON carries exactly `memo` (the conformance kit marks every order it creates so: conformance/marker.ts).
 * Both compare case-sensitively, the same on every dialect (store/test-mark.ts).
 */
export interface TestOrderMark {
  referencePrefix: string;
  memo: string;
}

export interface ListQuery {
  status?: OrderStatus;
  /** Exclusive upper bound on `seq` (newest first). */
  beforeSeq?: number;
  /** Leaves out the orders carrying this mark. */
  hide?: TestOrderMark;
  limit: number;
}

export interface SearchQuery {
  /** An order id or reference, or a part of one (parts match ignoring ASCII case). */
  text: string;
  status?: OrderStatus;
  hide?: TestOrderMark;
  limit: number;
}

export interface Store {
  readonly dialect: 'sqlite' | 'postgres';
  /** Readiness: reachable and migrated. */
  ping(): Promise<boolean>;
  close(): Promise<void>;

  /** Inserts the nonce; false when (ocid, nonce) was already there (PROFILE §2 step 5). */
  insertNonce(claim: NonceClaim): Promise<boolean>;
  /** Deletes nonces whose expiresAt < now; returns how many. */
  purgeNonces(now: number): Promise<number>;

  /**
   * In one transaction: consume the nonce (if given), then insert the order and its outbox unless the id
   * exists. `nonce_reused` leaves nothing written; `exists` returns the stored order for the idempotency check.
   * Creations arriving together may share that transaction (group commit); each is answered only after its
   * commit, and one that fails rolls back alone.
   */
  createOrder(
    order: NewOrder,
    outbox: Outbox,
    nonce?: NonceClaim,
  ): Promise<{ kind: 'created'; order: OrderRecord } | { kind: 'exists'; order: OrderRecord } | { kind: 'nonce_reused' }>;
  getOrder(id: string): Promise<OrderRecord | undefined>;
  /** Up to `limit` orders whose `reference` equals this text, newest first (more than one: the reference is ambiguous). */
  findOrdersByReference(reference: string, limit: number): Promise<OrderRecord[]>;
  listOrders(q: ListQuery): Promise<OrderRecord[]>;
  /**
   * Up to `limit` orders found by `text`: the order with exactly that id first, then those with exactly that
   * reference, then those whose id or reference contains it, each group newest first. The text is only ever
   * a bound parameter; a text no stored key can hold (NUL) finds nothing.
   */
  searchOrders(q: SearchQuery): Promise<OrderRecord[]>;
  /** Conditional update + outbox in one transaction; undefined when the order was no longer in `from`. */
  changeOrder(id: string, change: OrderChange, outbox: Outbox[]): Promise<OrderRecord | undefined>;
  /** Pending orders with expiresAt < now, oldest first (the expiry sweep). */
  listExpirable(now: number, limit: number): Promise<OrderRecord[]>;

  /**
   * In one transaction: read the order, let the pure `decide` choose the verdict, order change and outbox
   * from the order's current state, then store proof, change and outbox. Racing proofs for one order are
   * serialised here, so exactly one can move it to paid. Idempotency on (issuer, txid) counts only rows that
   * are not refused deliveries (`isRefusedDelivery`): an identical counted row → duplicate; a different one →
   * conflict, unless this delivery is itself refused, which is stored beside it (an identical refused row
   * already kept → duplicate of that row, nothing stored twice).
   */
  recordProof(proof: Omit<NewProof, 'verdict'>, decide: (order: OrderRecord | undefined) => ProofDecision): Promise<ProofOutcome>;
  listProofs(orderId: string): Promise<ProofRecord[]>;

  listEvents(orderId: string): Promise<EventRecord[]>;
  listDeliveries(q: { status?: DeliveryStatus; orderId?: string; limit: number }): Promise<Array<DeliveryRecord & { event: EventRecord }>>;
  /** How many deliveries are in `status` (the metrics' queue depth; pending and failed are index range scans). */
  countDeliveries(status: DeliveryStatus): Promise<number>;
  /**
   * Claims up to `limit` due deliveries (pending, nextAttemptAt ≤ now, not leased) with a lease until `leaseUntil`:
   * payment outcomes (PAYMENT_OUTCOME_EVENTS) first, then the rest, each oldest due first.
   */
  claimDeliveries(now: number, leaseUntil: number, limit: number): Promise<Array<DeliveryRecord & { event: EventRecord }>>;
  /**
   * Records one attempt's outcome and releases the lease, only for the holder of that lease (the
   * `lockedUntil` it claimed with): a worker whose lease lapsed cannot overwrite a newer attempt.
   */
  finishAttempt(
    id: string,
    leaseUntil: number,
    patch: Pick<DeliveryRecord, 'status' | 'attempts' | 'nextAttemptAt' | 'lastAttemptAt' | 'lastStatus' | 'lastError'>,
  ): Promise<boolean>;
  /** Puts a delivery back to pending, due now, keeping its attempt count and any lease in flight. */
  redeliver(id: string, now: number): Promise<DeliveryRecord | undefined>;

  /**
   * Reserves the charge slot of (order, gateway) before the gateway is called, so concurrent pays create one
   * charge: inserts unless one exists, and returns the stored one.
   */
  insertCharge(charge: ChargeRecord): Promise<{ kind: 'created' | 'exists'; charge: ChargeRecord }>;
  getCharge(gateway: string, reference: string): Promise<ChargeRecord | undefined>;
  getChargeForOrder(orderId: string, gateway: string): Promise<ChargeRecord | undefined>;
  listCharges(orderId: string): Promise<ChargeRecord[]>;
  /** Charges not in a final state, oldest update first (reconciliation sweep). */
  listOpenCharges(limit: number): Promise<ChargeRecord[]>;
  /** Charges whose create has no known outcome (`unknown`, or `creating` left by a crash), oldest update first. */
  listUnresolvedCharges(limit: number): Promise<ChargeRecord[]>;
  /**
   * Takes a charge for one create attempt: moves it to `creating` at `updatedAt` only if it is still exactly
   * `from` (status and updatedAt), so of two racing callers one gets the row and the other undefined.
   */
  claimCharge(id: string, from: Pick<ChargeRecord, 'status' | 'updatedAt'>, updatedAt: number): Promise<ChargeRecord | undefined>;
  updateCharge(id: string, patch: Partial<Pick<ChargeRecord, 'reference' | 'paymentUrl' | 'status' | 'gatewayStatus'>> & { updatedAt: number }): Promise<void>;
  /**
   * In one transaction: move the charge from `fromStatus` (else nothing happens and undefined is returned),
   * then let the pure `decide` choose the order change and outbox from the order's current state.
   */
  settleCharge(
    chargeId: string,
    fromStatus: string,
    patch: Pick<ChargeRecord, 'status' | 'gatewayStatus' | 'updatedAt'>,
    decide: (order: OrderRecord | undefined) => { change?: OrderChange; outbox: Outbox[] },
  ): Promise<{ order?: OrderRecord } | undefined>;
  /** Frees a slot whose create certainly failed, or one the sweep gave up on before it got a reference. */
  deleteCharge(id: string): Promise<void>;
}
