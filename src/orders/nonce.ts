// A signed request's one-use nonce (PROFILE §2 step 5) for the HTTP layer: claimed once; false when it was seen before.
import type { NonceClaim } from '../store/types.ts';
import type { OrderDeps } from './deps.ts';

export const claimNonce = (deps: OrderDeps, claim: NonceClaim): Promise<boolean> => deps.store.insertNonce(claim);
