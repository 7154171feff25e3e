// Exact decimal money (protocol/amount.ts, PROFILE §1): strings at the edge, scaled bigint inside, never floats.
import { describe, expect, it } from 'vitest';
import { AMOUNT_RE, formatAmount, fractionDigits, parseAmount, sameAmount, timesQuantity } from '../../src/protocol/amount.ts';

const E18 = 10n ** 18n;

describe('parseAmount', () => {
  it('parses whole and fractional amounts to value × 10^18', () => {
    expect(parseAmount('15')).toBe(15n * E18);
    expect(parseAmount('15.00')).toBe(15n * E18);
    expect(parseAmount('0.1')).toBe(E18 / 10n);
    expect(parseAmount('0.000000000000000001')).toBe(1n);
  });

  it('is exact where floats are not (0.1 + 0.2 = 0.3)', () => {
    expect(parseAmount('0.1')! + parseAmount('0.2')!).toBe(parseAmount('0.3'));
  });

  it('accepts 18 integer digits and 18 fraction digits', () => {
    expect(parseAmount('9'.repeat(18) + '.' + '9'.repeat(18))).toBe(10n ** 36n - 1n);
  });

  it.each([
    ['a number, not a string', 15],
    ['empty', ''],
    ['negative', '-1.00'],
    ['plus sign', '+1.00'],
    ['exponent', '1e3'],
    ['leading dot', '.5'],
    ['trailing dot', '5.'],
    ['comma decimal', '5,00'],
    ['spaces', ' 5.00'],
    ['19 fraction digits', '0.' + '1'.repeat(19)],
    ['19 integer digits', '1'.repeat(19)],
    ['hex', '0x10'],
    ['NaN', 'NaN'],
  ])('rejects %s', (_n, input) => expect(parseAmount(input)).toBeUndefined());

  it('AMOUNT_RE is the PROFILE §1 pattern', () => expect(AMOUNT_RE.source).toBe('^\\d{1,18}(\\.\\d{1,18})?$'));
});

describe('fractionDigits', () => {
  it('counts digits after the point as written', () => {
    expect(fractionDigits('15')).toBe(0);
    expect(fractionDigits('15.0')).toBe(1);
    expect(fractionDigits('15.000')).toBe(3);
  });
});

describe('formatAmount', () => {
  it('formats with exactly the given fraction digits', () => {
    expect(formatAmount(parseAmount('15')!, 2)).toBe('15.00');
    expect(formatAmount(parseAmount('0.05')!, 2)).toBe('0.05');
    expect(formatAmount(parseAmount('10000')!, 0)).toBe('10000');
    expect(formatAmount(0n, 2)).toBe('0.00');
  });

  it('round-trips through parseAmount', () => {
    for (const s of ['0.01', '15.00', '123456789012345678.99']) expect(formatAmount(parseAmount(s)!, 2)).toBe(s);
  });

  it('throws (programmer error) rather than round when the value has more digits', () => {
    expect(() => formatAmount(parseAmount('0.005')!, 2)).toThrow(/more than 2 fraction digits/);
  });
});

describe('sameAmount', () => {
  it('compares by value: "15.0" equals "15.00" and "15"', () => {
    expect(sameAmount('15.0', '15.00')).toBe(true);
    expect(sameAmount('15', '15.00')).toBe(true);
  });
  it('distinguishes different values', () => expect(sameAmount('15.00', '15.01')).toBe(false));
  it('is false when either side is invalid', () => {
    expect(sameAmount('15.00', 15)).toBe(false);
    expect(sameAmount('abc', 'abc')).toBe(false);
    expect(sameAmount(undefined, undefined)).toBe(false);
  });
});

describe('timesQuantity', () => {
  it('multiplies a scaled amount by an integer quantity exactly', () => {
    expect(formatAmount(timesQuantity(parseAmount('5.10')!, 3), 2)).toBe('15.30');
  });
});
