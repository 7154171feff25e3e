// The closed error table (PROFILE §2, §8; opencharge.md §7.2): every code has its status; envelopes; code guard.
import { describe, expect, it } from 'vitest';
import { ERROR_STATUS, errorBody, isErrorCode, type ErrorCode } from '../../src/protocol/errors.ts';

// From the spec tables: opencharge.md §7.2 (standard) and PROFILE §8 (extensions).
const SPEC: Array<[ErrorCode, number]> = [
  ['INVALID_SIGNATURE', 401],
  ['TIMESTAMP_EXPIRED', 401],
  ['NONCE_REUSED', 401],
  ['UNKNOWN_OCID', 401],
  ['METADATA_UNAVAILABLE', 502],
  ['INVALID_PROOF', 400],
  ['PROOF_SIGNATURE_INVALID', 400],
  ['ISSUER_NOT_ACCEPTED', 400],
  ['AMOUNT_MISMATCH', 400],
  ['CURRENCY_MISMATCH', 400],
  ['TXID_NOT_FOUND', 404],
  ['TRANSACTION_EXPIRED', 410],
  ['INSUFFICIENT_FUNDS', 402],
  ['CAPABILITY_NOT_SUPPORTED', 400],
  ['RATE_LIMITED', 429],
  ['CONNECTION_REFUSED', 403],
  ['INVALID_REQUEST', 400],
  ['ORDER_CONFLICT', 409],
  ['ORDER_NOT_FOUND', 404],
  ['PAYLOAD_TOO_LARGE', 413],
  ['NOT_FOUND', 404],
  ['INTERNAL', 500],
];

describe('ERROR_STATUS', () => {
  it.each(SPEC)('%s → %i', (code, status) => expect(ERROR_STATUS[code]).toBe(status));

  it('every code maps to an HTTP error status (4xx or 5xx)', () => {
    for (const [code, status] of Object.entries(ERROR_STATUS)) {
      expect(Number.isInteger(status) && status >= 400 && status <= 599, code).toBe(true);
    }
  });

  it('every code is UPPER_SNAKE_CASE', () => {
    for (const code of Object.keys(ERROR_STATUS)) expect(code).toMatch(/^[A-Z][A-Z_]*[A-Z]$/);
  });
});

describe('errorBody', () => {
  it('builds {error:{code,message}} without a details key when none is given', () => {
    const body = errorBody('ORDER_NOT_FOUND', 'Order not found');
    expect(body).toEqual({ error: { code: 'ORDER_NOT_FOUND', message: 'Order not found' } });
    expect(Object.keys(body.error)).not.toContain('details');
  });

  it('includes details when given', () => {
    expect(errorBody('INVALID_SIGNATURE', 'bad', { reason: 'X-OC-Nonce header is missing' })).toEqual({
      error: { code: 'INVALID_SIGNATURE', message: 'bad', details: { reason: 'X-OC-Nonce header is missing' } },
    });
  });
});

describe('isErrorCode', () => {
  it('accepts every code in the table', () => {
    for (const code of Object.keys(ERROR_STATUS)) expect(isErrorCode(code), code).toBe(true);
  });
  it('rejects an unknown code', () => expect(isErrorCode('PAYMENT_REQUIRED')).toBe(false));
  it('rejects a lowercase code', () => expect(isErrorCode('invalid_signature')).toBe(false));
  it('rejects inherited property names', () => {
    for (const name of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) expect(isErrorCode(name), name).toBe(false);
  });
  it('rejects non-strings', () => {
    expect(isErrorCode(401)).toBe(false);
    expect(isErrorCode(undefined)).toBe(false);
  });
});
