// The closed list of Opencharge error codes and their HTTP statuses (PROFILE §2, §7; opencharge.md §7.2).
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
  // PROFILE §7: extension codes
  INVALID_REQUEST: 400,
  ORDER_CONFLICT: 409,
  ORDER_NOT_FOUND: 404,
  PAYLOAD_TOO_LARGE: 413,
  NOT_FOUND: 404,
  INTERNAL: 500,
  // Merchant API (issue: lifecycle): a transition the order's state does not allow
  INVALID_STATE: 409,
  UNAUTHORIZED: 401,
  // Outbound gateways
  GATEWAY_NOT_ENABLED: 400,
  GATEWAY_ERROR: 502,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: Record<string, unknown> };
}

export function errorBody(code: ErrorCode, message: string, details?: Record<string, unknown>): ErrorBody {
  return details === undefined ? { error: { code, message } } : { error: { code, message, details } };
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_STATUS, value);
}
