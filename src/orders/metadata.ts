// Our own metadata.json (PROFILE §6): nested layout, config signed the documented way (opencharge.md §6.4).
import { canonicalConfig } from '../protocol/canonical.ts';
import { signCanonical } from '../protocol/signature.ts';
import type { OrderDeps } from './deps.ts';

export const CAPABILITIES = ['orders.create', 'orders.status', 'transfer.webhook'] as const;

export function buildMetadata(deps: OrderDeps): string {
  const config = {
    publicKey: deps.merchant.publicKeyHex,
    endpoint: deps.config.publicBaseUrl,
    capabilities: [...CAPABILITIES],
    settlement: { currencies: deps.inventory ? [deps.inventory.currency] : deps.config.currencies, accepts: deps.merchant.accepts },
  };
  const doc: Record<string, unknown> = { opencharge: '0.1', name: deps.config.name, ocid: deps.merchant.ocid, config };
  doc.signature = signCanonical(deps.backend, deps.merchant.privateKey, canonicalConfig(config));
  if (deps.config.contact) doc.contact = deps.config.contact;
  return JSON.stringify(doc);
}

export function buildCapabilities(deps: OrderDeps): string {
  return JSON.stringify({
    ocid: deps.merchant.ocid,
    name: deps.config.name,
    capabilities: [...CAPABILITIES],
    settlement: { currencies: deps.inventory ? [deps.inventory.currency] : deps.config.currencies, accepts: deps.merchant.accepts },
  });
}
