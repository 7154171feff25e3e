// The two ways to authenticate: the Opencharge request signature (four X-OC-* headers together) and the admin bearer token.
type Json = Record<string, unknown>;

const CANONICAL = [
  'The signature covers the canonical request, six lines joined by `\\n` with no trailing newline:',
  '`ocid\\ntimestamp\\nnonce\\nMETHOD\\npath\\nsha256hex(body)`.',
  '`ocid`, `timestamp` and `nonce` are the three header values exactly as sent; `METHOD` is upper case; `path` is the',
  'request-target exactly as sent, base path and query string included (`/opencharge/orders/create`, not `/orders/create`);',
  '`sha256hex(body)` is the lower-case hex SHA-256 of the exact body bytes (of the empty string for a GET).',
  'Sign SHA-256 of the UTF-8 canonical string with secp256k1 ECDSA (RFC 6979, low-S); send 130 hex `r‖s‖v`',
  '(`v` = 27 + recovery id) or 128 hex `r‖s`. The key must be the one the caller publishes in its metadata',
  '(or the one the merchant has in its peers file). On a mismatch the 401 `INVALID_SIGNATURE` answer carries, in',
  '`details`, the canonical request the server built, to compare with yours.',
].join(' ');

/** The four headers are one requirement: all must be present. */
export const SIGNED = [{ 'X-OC-ID': [], 'X-OC-Timestamp': [], 'X-OC-Nonce': [], 'X-OC-Signature': [] }];
export const ADMIN = [{ adminToken: [] }];

export function securitySchemes(window: number): Json {
  const header = (name: string, description: string) => ({ type: 'apiKey', in: 'header', name, description });
  return {
    'X-OC-ID': header('X-OC-ID', 'The caller\'s OCID (decimal). Part of the Opencharge request signature: send all four X-OC-* headers.'),
    'X-OC-Timestamp': header('X-OC-Timestamp', `Unix seconds when the request was signed; more than ${window} seconds from the server's clock answers 401 \`TIMESTAMP_EXPIRED\`.`),
    'X-OC-Nonce': header('X-OC-Nonce', 'A string used once per caller: a replay answers 401 `NONCE_REUSED`. A request that fails after its signature verified still uses it up.'),
    'X-OC-Signature': header('X-OC-Signature', CANONICAL),
    adminToken: { type: 'http', scheme: 'bearer', description: 'The merchant API token: `Authorization: Bearer <OC_ADMIN_TOKEN>`, compared in constant time.' },
  };
}

/** Headers of every answer of a signed endpoint, errors included. */
export const RESPONSE_SIGNATURE: Json = {
  'X-OC-ID': { description: 'the merchant OCID', schema: { type: 'string' } },
  'X-OC-Timestamp': { description: 'Unix seconds when the answer was signed', schema: { type: 'string' } },
  'X-OC-Signature': { description: 'signature by the key in /metadata.json over `ocid\\ntimestamp\\nstatus\\nsha256hex(body)`', schema: { type: 'string' } },
};
