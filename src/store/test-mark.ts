// The test-order mark as data both dialects compare the same way: the reference prefix and the memo's exact JSON text.
import type { OrderRecord, TestOrderMark } from './types.ts';

/**
 * The memo as it appears in the stored order JSON: `JSON.stringify` of the signed order writes `"memo":"…"`
 * with no spaces, and a quote inside any other string is escaped, so only the memo field itself can match.
 */
export const memoNeedle = (m: TestOrderMark) => `"memo":${JSON.stringify(m.memo)}`;

/** The same test in code, for one order already read (the console's "test order" badge). */
export function isMarked(o: Pick<OrderRecord, 'reference' | 'orderJson'>, m: TestOrderMark): boolean {
  return o.reference !== null && o.reference.startsWith(m.referencePrefix) && o.orderJson.includes(memoNeedle(m));
}

/** No stored id or reference holds NUL (PostgreSQL text cannot): such a search finds nothing without a query. */
export const searchable = (text: string) => !text.includes('\0');
