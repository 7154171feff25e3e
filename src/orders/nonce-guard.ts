// The one-use nonce of a signed request (PROFILE §2 step 5): one guard per request, settled exactly once.
import type { NonceClaim } from '../store/types.ts';
import type { OrderDeps } from './deps.ts';

/**
 * Writes the claim (when the request carries one) together with the caller's own rows, in one transaction;
 * false when the nonce was already used, and then nothing was written.
 */
export type ConsumeNonce = (claim: NonceClaim | undefined) => Promise<boolean>;

export interface NonceGuard {
  /** The claim to consume; undefined for a request that carries none (the merchant's own admin API). */
  readonly claim: NonceClaim | undefined;
  /** True once `settle` was called: nothing may settle the nonce again. */
  readonly settled: boolean;
  /**
   * The only way to consume the nonce, and only once per request: a second call throws (a path that settles
   * twice is a bug). With `consume`, the nonce is consumed by it (inside the caller's own transaction, which
   * runs whether or not there is a claim); without, it is written on its own. Resolves true when this request
   * took the nonce (or carries none), false when it was already used: the request answers NONCE_REUSED.
   */
  settle(consume?: ConsumeNonce): Promise<boolean>;
}

/** A guard over `claim`, written on its own through `insert` (the store's insertNonce). */
export function nonceGuard(claim: NonceClaim | undefined, insert: (claim: NonceClaim) => Promise<boolean>): NonceGuard {
  let settled = false;
  return {
    claim,
    get settled() {
      return settled;
    },
    async settle(consume) {
      if (settled) throw new Error(`nonce ${claim ? JSON.stringify(claim.nonce) : '(none)'} was already settled`);
      settled = true;
      if (consume) return consume(claim);
      return claim === undefined || insert(claim);
    },
  };
}

/** The guard of a signed request: its nonce is written on its own to the store's nonce table. */
export const nonceGuardFor = (deps: Pick<OrderDeps, 'store'>, claim: NonceClaim): NonceGuard => nonceGuard(claim, (cl) => deps.store.insertNonce(cl));

/** A guard for a request without a nonce (the admin API): settling it writes nothing but what `consume` writes. */
export const withoutNonce = (): NonceGuard => nonceGuard(undefined, async () => true);
