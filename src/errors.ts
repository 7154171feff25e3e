// The server's closed error table: the protocol's codes (src/protocol/errors.ts) plus the merchant's own, outside the protocol.
import { ERROR_STATUS as PROTOCOL_ERROR_STATUS } from './protocol/errors.ts';

/** The merchant's own codes, which no Opencharge peer needs to know: its admin API and its outbound gateways. */
export const MERCHANT_ERROR_STATUS = {
  // The merchant API: a transition the order's state does not allow; a missing or wrong admin or callback token
  INVALID_STATE: 409,
  UNAUTHORIZED: 401,
  // Outbound gateways (and an issuer's /verify): not configured; refused, unreachable or not verifiable
  GATEWAY_NOT_ENABLED: 400,
  GATEWAY_ERROR: 502,
} as const;

/** Every code an answer of this server may carry, with its HTTP status. */
export const ERROR_STATUS = { ...PROTOCOL_ERROR_STATUS, ...MERCHANT_ERROR_STATUS } as const;

export type ErrorCode = keyof typeof ERROR_STATUS;
