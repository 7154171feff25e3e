// The server's error table (src/errors.ts): the protocol's codes untouched, plus the merchant's own with their statuses.
import { describe, expect, it } from 'vitest';
import { ERROR_STATUS, MERCHANT_ERROR_STATUS } from '../src/errors.ts';
import { ERROR_STATUS as PROTOCOL_ERROR_STATUS, isErrorCode } from '../src/protocol/errors.ts';

describe('src/errors.ts', () => {
  it.each([
    ['INVALID_STATE', 409],
    ['UNAUTHORIZED', 401],
    ['GATEWAY_NOT_ENABLED', 400],
    ['GATEWAY_ERROR', 502],
  ] as const)('%s → %i', (code, status) => expect(ERROR_STATUS[code]).toBe(status));

  it('is the protocol table plus the merchant codes, in that order, with no code in both', () => {
    expect(Object.keys(ERROR_STATUS)).toEqual([...Object.keys(PROTOCOL_ERROR_STATUS), ...Object.keys(MERCHANT_ERROR_STATUS)]);
    for (const [code, status] of Object.entries(PROTOCOL_ERROR_STATUS)) expect(ERROR_STATUS[code as keyof typeof ERROR_STATUS], code).toBe(status);
    for (const code of Object.keys(MERCHANT_ERROR_STATUS)) expect(isErrorCode(code), code).toBe(false);
  });
});
