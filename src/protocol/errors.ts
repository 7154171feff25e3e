// The closed list of Opencharge error codes and their HTTP statuses (PROFILE §2, §8; opencharge.md §7.2).
export const ERROR_STATUS = {
  // PROFILE §2: request authentication
  INVALID_SIGNATURE: 401,
  TIMESTAMP_EXPIRED: 401,
  NONCE_REUSED: 401,
  UNKNOWN_OCID: 401,
  METADATA_UNAVAILABLE: 502,
  // opencharge.md §7.2: proofs and transfers
  INVALID_PROOF: 400,
  PROOF_SIGNATURE_INVALID: 400,
  ISSUER_NOT_ACCEPTED: 400,
  AMOUNT_MISMATCH: 400,
  CURRENCY_MISMATCH: 400,
  TXID_NOT_FOUND: 404,
  TRANSACTION_EXPIRED: 410,
  INSUFFICIENT_FUNDS: 402,
  CAPABILITY_NOT_SUPPORTED: 400,
  RATE_LIMITED: 429,
  CONNECTION_REFUSED: 403,
  // PROFILE §8: extension codes
  INVALID_REQUEST: 400,
  ORDER_CONFLICT: 409,
  ORDER_NOT_FOUND: 404,
  PAYLOAD_TOO_LARGE: 413,
  NOT_FOUND: 404,
  INTERNAL: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** The error envelope; a server with codes of its own beyond the protocol's (src/errors.ts) names them in `C`. */
export interface ErrorBody<C extends string = ErrorCode> {
  error: { code: C; message: string; details?: Record<string, unknown> };
}

export function errorBody<C extends string = ErrorCode>(code: C, message: string, details?: Record<string, unknown>): ErrorBody<C> {
  return details === undefined ? { error: { code, message } } : { error: { code, message, details } };
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_STATUS, value);
}
