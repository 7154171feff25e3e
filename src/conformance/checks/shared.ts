// Helpers several check files share: a currency the target does not settle, waiting for expiry, JSON equality, refusals.
import { expectError, isObject, skip, type Json } from '../assert.ts';
import type { Kit } from '../context.ts';

export const CREATE = '/orders/create';

/** A currency code the target does not settle in. */
export async function foreignCurrency(kit: Kit): Promise<string> {
  const m = await kit.facts.metadata();
  const inv = await kit.facts.inventory();
  const taken = new Set([...(m.ok ? m.currencies : []), ...(inv.present ? [inv.currency] : [])]);
  return ['XTS', 'XXX', 'ZZZ'].find((c) => !taken.has(c))!;
}


/** POST /orders/create with `body`, refused with `status` and `code`. */
export async function rejectCreate(kit: Kit, body: Json | string, status: number, code: string) {
  expectError(await kit.signed('POST', CREATE, typeof body === 'string' ? body : JSON.stringify(body)), status, code);
}

/** Waits until the kit's clock is past `t` by a second (tolerates a little clock skew with the target). */
export async function waitPast(kit: Kit, t: number): Promise<void> {
  for (let waited = 0; kit.now() <= t + 1; waited += 250) {
    if (waited > 10_000) skip('the clock did not pass the order expiry within 10 s (is `now` fixed?)');
    await kit.sleep(250);
  }
}

/** Deep equality of parsed JSON, key order ignored (amounts compared as written). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  if (isObject(a)) {
    if (!isObject(b)) return false;
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    return ka.length === kb.length && ka.every((k, i) => k === kb[i] && sameJson(a[k], b[k]));
  }
  return a === b;
}
