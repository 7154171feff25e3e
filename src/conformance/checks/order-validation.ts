// orders.* (validation): order requests a merchant must refuse with 400 and the right code (docs/profile.md §1, §3).
import { skip } from '../assert.ts';
import { check, recommended, type Check } from '../check.ts';
import { foreignCurrency, rejectCreate } from './shared.ts';

export const orderValidationChecks: Check[] = [
  recommended('orders.unknown-field', 'an unknown body field → 400 INVALID_REQUEST', 'docs/profile.md §3, §7', async (kit) => {
    await rejectCreate(kit, await kit.facts.orderBody({ conformanceUnknownField: true }), 400, 'INVALID_REQUEST');
  }),

  recommended('orders.invalid-json', 'a body that is not JSON → 400 INVALID_REQUEST', 'docs/profile.md §3, §7', async (kit) => {
    await rejectCreate(kit, '{"id":', 400, 'INVALID_REQUEST');
  }),

  recommended('orders.unsupported-currency', 'a currency the merchant does not settle (XTS) → 400 CURRENCY_MISMATCH', 'docs/profile.md §3; docs/opencharge.md §2.3, §7.4', async (kit) => {
    await rejectCreate(kit, await kit.facts.orderBody({ currency: await foreignCurrency(kit) }), 400, 'CURRENCY_MISMATCH');
  }),

  check('orders.invalid-amount', 'amounts that are zero, negative, numbers, not decimal or too precise → 400 INVALID_REQUEST', 'docs/profile.md §1, §3', async (kit) => {
    if ((await kit.facts.inventory()).present) skip('the target prices orders from its inventory (client amounts are compared, see inventory.amount-mismatch)');
    for (const amount of ['0', '0.00', '-1', 12, '1e3', '1.0000000000000000001']) await rejectCreate(kit, await kit.facts.orderBody({ amount }), 400, 'INVALID_REQUEST');
  }),

  check('orders.expires-past', 'an expiresAt in the past → 400 INVALID_REQUEST', 'docs/profile.md §3', async (kit) => {
    await rejectCreate(kit, await kit.facts.orderBody({ expiresAt: kit.now() - 60 }), 400, 'INVALID_REQUEST');
  }),

  recommended('orders.expires-too-far', 'an expiresAt ten years ahead (beyond any max TTL) → 400 INVALID_REQUEST', 'docs/profile.md §3', async (kit) => {
    await rejectCreate(kit, await kit.facts.orderBody({ expiresAt: kit.now() + 10 * 365 * 86_400 }), 400, 'INVALID_REQUEST');
  }),
];
