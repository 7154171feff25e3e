// Every check in run order: discovery, authentication, orders, status, response signatures, proofs, inventory, errors.
import type { Check } from '../check.ts';
import { authChecks } from './auth.ts';
import { errorChecks } from './errors.ts';
import { inventoryChecks } from './inventory.ts';
import { metadataChecks } from './metadata.ts';
import { orderValidationChecks } from './order-validation.ts';
import { orderChecks } from './orders.ts';
import { proofDeliveryChecks } from './proof-delivery.ts';
import { proofRejectionChecks } from './proof-rejections.ts';
import { proofChecks } from './proofs.ts';
import { responseChecks } from './responses.ts';
import { statusChecks } from './status.ts';

export const CHECKS: readonly Check[] = [
  ...metadataChecks,
  ...authChecks,
  ...orderChecks,
  ...orderValidationChecks,
  ...statusChecks,
  ...responseChecks,
  ...proofChecks,
  ...proofRejectionChecks,
  ...proofDeliveryChecks,
  ...inventoryChecks,
  ...errorChecks,
];
