// POST /orders/create and POST /admin/orders (PROFILE §3): validate, price, sign, store idempotently.
import { z } from 'zod';
import { canonicalOrder, canonicalSorted } from '../protocol/canonical.ts';
import { AMOUNT_RE, formatAmount, fractionDigits, parseAmount } from '../protocol/amount.ts';
import { sha256Hex } from '../protocol/hex.ts';
import { signCanonicalAsync } from '../protocol/signature.ts';
import type { OrderRecord, Store } from '../store/types.ts';
import { fail, ok, type Result } from './result.ts';
import { newId } from './ids.ts';
import { outboxForJson, type OrderDeps } from './deps.ts';
import type { Inventory } from './inventory.ts';
import { withoutNonce, type NonceGuard } from './nonce-guard.ts';

const MINOR_DIGITS = 2;
// `.` and `..` would be dot segments in urls.order, which no client could retrieve.
const ID_RE = /^(?!\.{1,2}$)[A-Za-z0-9_.:-]{1,128}$/;
const NO_NUL = /^[^\u0000]*$/;

export const createOrderBody = z
  .object({
    id: z.string().regex(ID_RE, 'must be 1-128 characters of A-Z a-z 0-9 _ . : -').optional(),
    ocid: z.number().int().positive().optional(),
    // No NUL: PostgreSQL text cannot hold it (it would turn into a 500 instead of a clear 400).
    reference: z.string().min(1).max(256).regex(NO_NUL, 'must not contain NUL').optional(),
    amount: z.string().optional(),
    currency: z.string().regex(/^[A-Z0-9]{3,5}$/, 'must be an ISO 4217-style code like "USD"').optional(),
    items: z
      .array(
        z
          .object({
            id: z.string().min(1).max(128),
            quantity: z.number().int().min(1).max(1_000_000).default(1),
            name: z.string().max(256).optional(),
            price: z.string().regex(AMOUNT_RE).optional(),
          })
          .strict(),
      )
      .min(1)
      .max(100)
      .optional(),
    memo: z.string().max(500).optional(),
    expiresAt: z.number().int().positive().optional(),
  })
  .strict();

export type CreateOrderBody = z.infer<typeof createOrderBody>;

export interface SignedOrderResponse {
  order: Record<string, unknown>;
  signature: string;
  urls: { order: string[]; completed?: string; cancelled?: string };
}

export interface CreateOrderInput {
  /** The caller's OCID, or 0 for the merchant's own admin API. */
  callerOcid: number;
  body: unknown;
  /**
   * The signed request's nonce (PROFILE §2 step 5), consumed in the same transaction as a new order and on
   * every other answer too; none for the admin API.
   */
  nonce?: NonceGuard;
}

export interface CreatedOrder {
  /** The exact response body (replayed byte for byte on an idempotent retry). */
  responseBody: string;
  record: OrderRecord;
  replayed: boolean;
}

type Priced = { amount: string; currency: string; items?: Array<{ id: string; name?: string; quantity: number; price?: string }> };

/** The largest amount the wire format can carry: 18 integer digits (PROFILE §1), scaled like parseAmount. */
const MAX_TOTAL = parseAmount('999999999999999999.99')!;

/**
 * Limits apply to an item's quantity summed over every line naming it: three lines of 3 are 9 against
 * `max_qty` and stock, not three times 3.
 */
function checkQuantities(inv: Inventory, lines: NonNullable<CreateOrderBody['items']>): Result<void> {
  const totals = new Map<string, number>();
  for (const [i, it] of lines.entries()) {
    if (!inv.items.has(it.id)) return fail('INVALID_REQUEST', `unknown item '${it.id}'`, { item: i });
    totals.set(it.id, (totals.get(it.id) ?? 0) + it.quantity);
  }
  for (const [id, quantity] of totals) {
    const known = inv.items.get(id)!;
    const min = known.min_qty ?? 1;
    const why =
      quantity < min ? `at least ${min} are required`
      : known.max_qty !== undefined && quantity > known.max_qty ? `at most ${known.max_qty} per order`
      : known.quantity !== undefined && quantity > known.quantity ? `only ${known.quantity} in stock`
      : undefined;
    if (why) return fail('INVALID_REQUEST', `quantity of '${id}' is ${quantity} over all lines: ${why}`, { itemId: id, quantity });
  }
  return ok(undefined);
}

function price(deps: OrderDeps, b: CreateOrderBody): Result<Priced> {
  const inv = deps.inventory;
  if (inv) {
    if (!b.items) return fail('INVALID_REQUEST', 'items are required: this merchant prices orders from its inventory');
    if (b.currency !== undefined && b.currency !== inv.currency)
      return fail('CURRENCY_MISMATCH', `currency must be ${inv.currency}`, { expected: inv.currency, got: b.currency });
    const checked = checkQuantities(inv, b.items);
    if (!checked.ok) return checked;
    let total = 0n;
    const items = [];
    for (const it of b.items) {
      const known = inv.items.get(it.id)!;
      total += parseAmount(known.price)! * BigInt(it.quantity);
      items.push({ id: it.id, name: known.name, quantity: it.quantity, price: known.price });
    }
    if (total === 0n) return fail('INVALID_REQUEST', 'the order total is zero: an order must cost something', { field: 'items' });
    if (total > MAX_TOTAL)
      return fail('INVALID_REQUEST', 'the order total has more than 18 integer digits, which no amount can carry', { field: 'items' });
    const amount = formatAmount(total, MINOR_DIGITS);
    if (b.amount !== undefined && parseAmount(b.amount) !== total)
      return fail('AMOUNT_MISMATCH', `amount must be ${amount} (computed from the inventory)`, { expected: amount, got: b.amount });
    return ok({ amount, currency: inv.currency, items });
  }
  if (b.amount === undefined || b.currency === undefined) return fail('INVALID_REQUEST', 'amount and currency are required');
  const value = parseAmount(b.amount);
  if (value === undefined || value === 0n || fractionDigits(b.amount) > MINOR_DIGITS)
    return fail('INVALID_REQUEST', `amount must be a decimal string greater than zero with at most ${MINOR_DIGITS} decimals`, { field: 'amount' });
  if (!deps.config.currencies.includes(b.currency))
    return fail('CURRENCY_MISMATCH', `currency must be one of ${deps.config.currencies.join(', ')}`, { accepted: deps.config.currencies });
  return ok({ amount: formatAmount(value, MINOR_DIGITS), currency: b.currency, items: b.items });
}

/**
 * Every signed request consumes its nonce, also when it fails validation or replays an order, so that a
 * replay is always answered NONCE_REUSED (PROFILE §2 step 5). A new order consumes it inside its own
 * transaction; every other answer settles it here, once, after `create` answered.
 */
export async function createOrder(deps: OrderDeps, input: CreateOrderInput): Promise<Result<CreatedOrder>> {
  const nonce = input.nonce ?? withoutNonce();
  const res = await create(deps, input, nonce);
  if (!nonce.settled && !(await nonce.settle())) return fail('NONCE_REUSED', 'nonce already used');
  return res;
}

async function create(deps: OrderDeps, input: CreateOrderInput, nonce: NonceGuard): Promise<Result<CreatedOrder>> {
  const parsed = createOrderBody.safeParse(input.body);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    return fail('INVALID_REQUEST', `invalid order request: ${issues[0]!.path || 'body'}: ${issues[0]!.message}`, { issues });
  }
  const b = parsed.data;
  if (b.ocid !== undefined && b.ocid !== deps.merchant.ocid)
    return fail('INVALID_REQUEST', `ocid ${b.ocid} is not this merchant (${deps.merchant.ocid})`, { field: 'ocid' });
  const requestHash = sha256Hex(canonicalSorted(input.body));

  /** An order with this id exists: the same request again replays its response, another one conflicts. */
  const replay = (existing: OrderRecord): Result<CreatedOrder> =>
    existing.callerOcid !== input.callerOcid || existing.requestHash !== requestHash
      ? fail('ORDER_CONFLICT', `order '${existing.id}' already exists with different content`)
      : ok({ responseBody: existing.responseBody, record: existing, replayed: true });
  if (b.id !== undefined) {
    const existing = await deps.store.getOrder(b.id);
    if (existing) return replay(existing);
  }

  const priced = price(deps, b);
  if (!priced.ok) return priced;
  const createdAt = deps.now();
  const expiresAt = b.expiresAt ?? createdAt + deps.config.orderTtl;
  if (expiresAt <= createdAt) return fail('INVALID_REQUEST', 'expiresAt is in the past', { field: 'expiresAt' });
  if (expiresAt > createdAt + deps.config.orderMaxTtl)
    return fail('INVALID_REQUEST', `expiresAt is more than ${deps.config.orderMaxTtl} seconds away`, { field: 'expiresAt' });

  const id = b.id ?? newId('ord', createdAt * 1000, deps.randomBytes);
  // Exactly the fields we mean to sign: no undefined-valued keys (they would enter the allowlist, §4.3).
  const order: Record<string, unknown> = { id, ocid: deps.merchant.ocid };
  if (b.reference !== undefined) order.reference = b.reference;
  order.amount = priced.value.amount;
  order.currency = priced.value.currency;
  if (priced.value.items) order.items = priced.value.items;
  if (b.memo !== undefined) order.memo = b.memo;
  order.createdAt = createdAt;
  order.expiresAt = expiresAt;
  order.accepts = deps.merchant.accepts;
  const signature = await signCanonicalAsync(deps.cryptoPool, deps.merchant.privateKey, canonicalOrder(order));
  const urls: SignedOrderResponse['urls'] = { order: [`${deps.config.publicBaseUrl}/orders/${encodeURIComponent(id)}`] };
  if (deps.config.completedUrl) urls.completed = deps.config.completedUrl;
  if (deps.config.cancelledUrl) urls.cancelled = deps.config.cancelledUrl;
  const orderJson = JSON.stringify(order);
  const responseBody = `{"order":${orderJson},"signature":${JSON.stringify(signature)},"urls":${JSON.stringify(urls)}}`;

  let stored = { kind: 'nonce_reused' } as Awaited<ReturnType<Store['createOrder']>>;
  const fresh = await nonce.settle(async (claim) => {
    stored = await deps.store.createOrder(
      {
        id,
        callerOcid: input.callerOcid,
        requestHash,
        amount: priced.value.amount,
        currency: priced.value.currency,
        reference: b.reference ?? null,
        createdAt,
        expiresAt,
        orderJson,
        signature,
        responseBody,
      },
      // JSON.stringify({ orderId, status, order, signature, urls }), without serialising the order a second time.
      outboxForJson(deps, id, 'order.created', `{"orderId":${JSON.stringify(id)},"status":"pending",${responseBody.slice(1)}`),
      claim,
    );
    return stored.kind !== 'nonce_reused';
  });
  if (!fresh || stored.kind === 'nonce_reused') return fail('NONCE_REUSED', 'nonce already used');
  // The transaction consumed the nonce before finding the order.
  if (stored.kind === 'exists') return replay(stored.order);
  deps.metrics.ordersCreated.inc({ source: input.callerOcid === 0 ? 'admin' : 'signed' });
  return ok({ responseBody, record: stored.order, replayed: false });
}
