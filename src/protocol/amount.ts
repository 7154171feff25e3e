// Exact decimal money (PROFILE §1, docs/architecture.md rule 7): decimal strings at the edge, scaled bigint inside.

export const AMOUNT_RE = /^\d{1,18}(\.\d{1,18})?$/;
const SCALE = 18;
const ONE = 10n ** BigInt(SCALE);

/** Parses a decimal string to a bigint scaled by 10^18; undefined when it is not a valid amount. */
export function parseAmount(text: unknown): bigint | undefined {
  if (typeof text !== 'string' || !AMOUNT_RE.test(text)) return undefined;
  const [whole, frac = ''] = text.split('.');
  return BigInt(whole!) * ONE + BigInt(frac.padEnd(SCALE, '0'));
}

/** Number of digits after the decimal point as written. */
export function fractionDigits(text: string): number {
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

/** Formats a scaled bigint with exactly `digits` fraction digits (value must be representable). */
export function formatAmount(value: bigint, digits: number): string {
  const unit = 10n ** BigInt(SCALE - digits);
  if (value % unit !== 0n) throw new Error(`amount has more than ${digits} fraction digits`);
  const scaled = value / unit;
  if (digits === 0) return scaled.toString();
  const s = scaled.toString().padStart(digits + 1, '0');
  return `${s.slice(0, -digits)}.${s.slice(-digits)}`;
}

/** Compares two decimal strings by value ("15.0" equals "15.00"); false if either is invalid. */
export function sameAmount(a: unknown, b: unknown): boolean {
  const x = parseAmount(a);
  const y = parseAmount(b);
  return x !== undefined && y !== undefined && x === y;
}

/** Multiplies a scaled amount by an integer quantity. */
export function timesQuantity(value: bigint, quantity: number): bigint {
  return value * BigInt(quantity);
}
