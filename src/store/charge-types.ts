// A gateway charge as stored: one per (order, gateway) (store/types.ts re-exports it).

export interface ChargeRecord {
  id: string;
  orderId: string;
  gateway: string;
  reference: string;
  paymentUrl: string;
  status: string;
  gatewayStatus: string;
  /** SHA-256 hex of the per-charge callback token (token-authenticated gateways). */
  tokenHash: string;
  /**
   * The gateway's idempotency handle, fixed when the slot is reserved and sent again by every retry of this
   * (order, gateway): iumiCash RequestId, MugglePay merchant_order_id, CoinGate order_id, Gear keychain_id.
   */
  idempotencyKey: string;
  createdAt: number;
  updatedAt: number;
}
