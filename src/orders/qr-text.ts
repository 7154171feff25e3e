// The documented QR payloads (opencharge.md §1.4) as the exact JSON text to encode: one order, the inventory.
import type { OrderRecord } from '../store/types.ts';
import type { OrderDeps } from './deps.ts';

/** The merchant QR of one order: `{"ocid","order","expiresAt"}`. */
export function merchantQr(deps: Pick<OrderDeps, 'merchant' | 'config'>, o: Pick<OrderRecord, 'id' | 'expiresAt'>): string {
  return JSON.stringify({ ocid: deps.merchant.ocid, order: `${deps.config.publicBaseUrl}/orders/${encodeURIComponent(o.id)}`, expiresAt: o.expiresAt });
}

/** The permanent inventory QR of the kiosk sign: `{"ocid","inventory"}`. */
export function inventoryQr(deps: Pick<OrderDeps, 'merchant' | 'config'>): string {
  return JSON.stringify({ ocid: deps.merchant.ocid, inventory: `${deps.config.publicBaseUrl}/inventory` });
}
