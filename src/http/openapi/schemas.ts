// JSON Schemas of the OpenAPI document: request bodies from the zod schemas that validate them, responses described here.
import { z } from 'zod';
import { createOrderBody } from '../../orders/create-order.ts';
import { webhookBody } from '../../orders/proof-shape.ts';
import { recoverRequest } from '../../orders/recover-payment.ts';
import { ERROR_STATUS, type ErrorCode } from '../../errors.ts';
import { DELIVERY_STATUSES, ORDER_STATUSES } from '../../orders/queries.ts';

type JsonSchema = Record<string, unknown>;

/** A zod schema as JSON Schema 2020-12 (OpenAPI 3.1's dialect); requests are described as accepted (`io: 'input'`: defaults optional). */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output' = 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

// Response shapes: nothing validates them at run time, so they are written once here (tests check real answers against them).
const amount = z.string().regex(/^\d{1,18}(\.\d{1,18})?$/).describe('decimal string, never a float');
const unix = z.number().int().describe('Unix seconds');
const orderStatus = z.enum(ORDER_STATUSES as [string, ...string[]]);
const signedOrder = z.object({
  order: z
    .object({ id: z.string(), ocid: z.number().int(), reference: z.string().optional(), amount, currency: z.string(), items: z.array(z.object({}).loose()).optional(), memo: z.string().optional(), createdAt: unix, expiresAt: unix, accepts: z.array(z.number().int()) })
    .describe('the signed order: its signature covers JSON.stringify(order, Object.keys(order).sort())'),
  signature: z.string().describe('130 hex r‖s‖v by the merchant key of /metadata.json'),
  urls: z.object({ order: z.array(z.url()), completed: z.url().optional(), cancelled: z.url().optional() }),
});
const settlement = z.object({ currencies: z.array(z.string()), accepts: z.array(z.number().int()) });
const summary = z
  .object({ id: z.string(), status: orderStatus, amount, currency: z.string(), reference: z.string().nullable(), createdAt: unix, expiresAt: unix, paidAt: unix.nullable(), txid: z.string().nullable(), flags: z.object({ paidLate: z.boolean(), paymentMismatch: z.boolean() }) })
  .loose();
const delivery = z.object({ id: z.string(), eventId: z.string(), url: z.string(), status: z.enum(DELIVERY_STATUSES as [string, ...string[]]), attempts: z.number().int(), nextAttemptAt: unix, lastAttemptAt: unix.nullable(), lastStatus: z.number().int().nullable(), lastError: z.string().nullable() }).loose();

const RESPONSES = {
  Metadata: z.object({ opencharge: z.string(), name: z.string(), ocid: z.number().int(), config: z.object({ publicKey: z.string(), endpoint: z.url(), capabilities: z.array(z.string()), settlement }), signature: z.string(), contact: z.string().optional() }),
  Capabilities: z.object({ ocid: z.number().int(), name: z.string(), capabilities: z.array(z.string()), settlement }),
  SignedOrder: signedOrder,
  OrderStatus: z.object({ orderId: z.string(), status: orderStatus, paidAt: unix.optional(), txid: z.string().optional() }),
  TransferAccepted: z.object({ status: z.literal('accepted'), txid: z.string() }),
  Health: z.object({ status: z.string() }),
  AdminOrder: signedOrder.extend({ qr: z.string().describe('the merchant QR payload (JSON text) to show the customer') }),
  OrderSummary: summary,
  Recovered: z.object({ issuer: z.number().int(), txid: z.string(), verdict: z.string(), repeat: z.boolean(), order: summary.optional() }).loose(),
  OrderList: z.object({ orders: z.array(summary), nextCursor: z.string().nullable() }),
  OrderDetail: summary.extend({ signedOrder: signedOrder, qr: z.string(), proofs: z.array(z.object({}).loose()), events: z.array(z.object({}).loose()), deliveries: z.array(delivery), charges: z.array(z.object({}).loose()) }),
  PaymentLink: z.object({ gateway: z.string(), reference: z.string(), paymentUrl: z.url(), status: z.string() }),
  DeliveryList: z.object({ deliveries: z.array(delivery.extend({ eventType: z.string(), orderId: z.string() })) }),
  Redelivered: z.object({ delivery }),
};

/** The one error envelope of every error answer (docs/architecture.md rule 8): the closed list of codes. */
const errorEnvelope = z.object({
  error: z.object({
    code: z.enum(Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]]),
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional().describe('facts about this error: the field, the reason, the canonical request the server built…'),
  }),
});

export function componentSchemas(): Record<string, JsonSchema> {
  return {
    Error: jsonSchemaOf(errorEnvelope),
    CreateOrderRequest: jsonSchemaOf(createOrderBody, 'input'),
    TransferProofRequest: jsonSchemaOf(webhookBody, 'input'),
    RecoverPaymentRequest: jsonSchemaOf(recoverRequest, 'input'),
    ...Object.fromEntries(Object.entries(RESPONSES).map(([name, schema]) => [name, jsonSchemaOf(schema)])),
  };
}
