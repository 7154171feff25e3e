// decidePayment, row by row: every order state × a plain, an excess and a mismatched payment, with the exact events
// (types, order, data and its key order) and the conditional change; then that proofs and charges both go through it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decidePayment, type Payment, type PaymentDecision, type PaymentEvent } from '../../src/orders/decide-payment.ts';
import type { OrderStatus } from '../../src/orders/types.ts';

const NOW = 1_800_000_000;
const PAID_AT = NOW - 30;
const facts = { orderId: 'ord_1', txid: 'tx-2', issuer: 100, amount: '5.00', currency: 'EUR' };
const order = (status: OrderStatus, expiresAt = NOW + 60) => ({ id: 'ord_1', status, expiresAt, txid: status === 'paid' ? 'tx-1' : null });

const plain: Payment = { txid: 'tx-2', paidAt: PAID_AT, facts };
const excess: Payment = { ...plain, excess: { reason: 'overpaid', paidAmount: '6.00' } };
const mismatch: Payment = { ...plain, mismatch: { reason: 'amount_mismatch', expected: { amount: '5.00', currency: 'EUR' } } };

const paidEvent: PaymentEvent = { type: 'order.paid', data: { ...facts, status: 'paid', paidAt: PAID_AT } };
const overpaidEvent: PaymentEvent = { type: 'order.payment_mismatch', data: { ...facts, reason: 'overpaid', paidAmount: '6.00' } };
const againEvent: PaymentEvent = { type: 'order.payment_mismatch', data: { ...facts, reason: 'already_paid', paidTxid: 'tx-1' } };
const mismatchEvent: PaymentEvent = { type: 'order.payment_mismatch', data: { ...facts, reason: 'amount_mismatch', expected: { amount: '5.00', currency: 'EUR' } } };
const expiredEvent: PaymentEvent = { type: 'order.expired', data: { orderId: 'ord_1', status: 'expired' } };
const lateEvent = (status: OrderStatus): PaymentEvent => ({ type: 'order.paid_late', data: { ...facts, status } });

type Row = [name: string, order: ReturnType<typeof order>, payment: Payment, expected: PaymentDecision];

const rows: Row[] = [
  ['pending → paid', order('pending'), plain, { outcome: 'paid', change: { from: 'pending', to: 'paid', paidAt: PAID_AT, txid: 'tx-2' }, events: [paidEvent] }],
  ['pending at its expiry second → still paid', order('pending', NOW), plain, { outcome: 'paid', change: { from: 'pending', to: 'paid', paidAt: PAID_AT, txid: 'tx-2' }, events: [paidEvent] }],
  ['pending, overpaid → paid and flagged, the mismatch after order.paid', order('pending'), excess,
    { outcome: 'paid', change: { from: 'pending', to: 'paid', paidAt: PAID_AT, txid: 'tx-2', paymentMismatch: true }, events: [paidEvent, overpaidEvent] }],
  ['paid → a second payment, flagged', order('paid'), plain, { outcome: 'already_paid', change: { from: 'paid', paymentMismatch: true }, events: [againEvent] }],
  ['paid, overpaid → still just a second payment', order('paid'), excess, { outcome: 'already_paid', change: { from: 'paid', paymentMismatch: true }, events: [againEvent] }],
  ['pending past expiry → late, order.expired first and the expiry persisted', order('pending', NOW - 1), plain,
    { outcome: 'late', change: { from: 'pending', to: 'expired', paidLate: true }, events: [expiredEvent, lateEvent('expired')] }],
  ['pending past expiry, overpaid → late as well', order('pending', NOW - 1), excess,
    { outcome: 'late', change: { from: 'pending', to: 'expired', paidLate: true }, events: [expiredEvent, lateEvent('expired')] }],
  ['expired → late, no second order.expired', order('expired', NOW - 100), plain,
    { outcome: 'late', change: { from: 'expired', to: 'expired', paidLate: true }, events: [lateEvent('expired')] }],
  ['cancelled → late, stays cancelled', order('cancelled'), plain,
    { outcome: 'late', change: { from: 'cancelled', to: 'cancelled', paidLate: true }, events: [lateEvent('cancelled')] }],
  ['cancelled, overpaid → late', order('cancelled'), excess,
    { outcome: 'late', change: { from: 'cancelled', to: 'cancelled', paidLate: true }, events: [lateEvent('cancelled')] }],
  ['pending, mismatched → flagged, stays pending', order('pending'), mismatch, { outcome: 'mismatch', change: { from: 'pending', paymentMismatch: true }, events: [mismatchEvent] }],
  ['pending past expiry, mismatched → flagged, the expiry left to the sweep', order('pending', NOW - 1), mismatch,
    { outcome: 'mismatch', change: { from: 'pending', paymentMismatch: true }, events: [mismatchEvent] }],
  ['paid, mismatched → flagged', order('paid'), mismatch, { outcome: 'mismatch', change: { from: 'paid', paymentMismatch: true }, events: [mismatchEvent] }],
  ['cancelled, mismatched → flagged', order('cancelled'), mismatch, { outcome: 'mismatch', change: { from: 'cancelled', paymentMismatch: true }, events: [mismatchEvent] }],
];

describe('decidePayment', () => {
  it.each(rows)('%s', (_name, o, payment, expected) => {
    const d = decidePayment(o, payment, NOW);
    expect(d).toEqual(expected);
    // The event data is JSON text on the wire: the facts come first, in their order, then what the row adds.
    expect(JSON.stringify(d.events)).toBe(JSON.stringify(expected.events));
    // No key set to undefined: a change names only the columns it writes.
    expect(Object.values(d.change).includes(undefined)).toBe(false);
  });

  it('covers every order status and every outcome', () => {
    expect(new Set(rows.map((r) => r[1].status))).toEqual(new Set(['pending', 'paid', 'expired', 'cancelled']));
    expect(new Set(rows.map((r) => r[3].outcome))).toEqual(new Set(['paid', 'already_paid', 'late', 'mismatch']));
  });

  it('keeps the caller’s facts unchanged', () => {
    const before = JSON.stringify(excess);
    decidePayment(order('pending'), excess, NOW);
    expect(JSON.stringify(excess)).toBe(before);
  });
});

describe('the settlement rule is written once', () => {
  const src = (f: string) => readFileSync(new URL(`../../src/orders/${f}`, import.meta.url), 'utf8');
  it.each(['proof-policy.ts', 'settle-charge.ts'])('%s decides through decidePayment and names no settlement event itself', (file) => {
    const text = src(file);
    expect(text).toMatch(/\bdecidePayment\(/);
    for (const event of ['order.paid', 'order.paid_late', 'order.expired', 'already_paid']) expect(text.includes(`'${event}'`), `${file} names '${event}'`).toBe(false);
  });
});
