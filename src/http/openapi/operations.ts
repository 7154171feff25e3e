// Small builders for OpenAPI operation objects: JSON bodies and responses, the shared error answer, parameters, auth.
import { ADMIN, RESPONSE_SIGNATURE, SIGNED } from './security.ts';

export type Json = Record<string, unknown>;
export type Auth = 'public' | 'signed' | 'admin';

export const ref = (schema: string) => ({ $ref: `#/components/schemas/${schema}` });

export const jsonResponse = (schema: string, description: string): Json => ({ description, content: { 'application/json': { schema: ref(schema) } } });

export const jsonBody = (schema: string, description: string): Json => ({ required: true, description, content: { 'application/json': { schema: ref(schema) } } });

/** An error answer: the shared envelope, with what this status means on this route. */
export const error = (description: string): Json => ({ $ref: '#/components/responses/Error', description });

/** Every route may answer these besides its own. */
const COMMON_ERRORS: Json = {
  '413': error('`PAYLOAD_TOO_LARGE`: the body is over 64 KiB'),
  '500': error('`INTERNAL`: an unexpected failure; `details.requestId` matches the server\'s log line'),
  default: error('any other error, in the same envelope'),
};

const RATE_LIMITED: Json = {
  '429': error('`RATE_LIMITED`: too many requests from this address (OC_RATE_LIMIT_IP), this caller (OC_RATE_LIMIT) or, with the admin token, too many wrong tokens; `Retry-After` says when to try again'),
};

const AUTH_ERRORS: Record<Auth, Json> = {
  public: {},
  signed: {
    '401': error('`INVALID_SIGNATURE` (a header missing or malformed, or the signature does not verify: `details` holds the canonical request the server built), `TIMESTAMP_EXPIRED`, `NONCE_REUSED` or `UNKNOWN_OCID`'),
    '502': error('`METADATA_UNAVAILABLE`: the caller\'s key could not be fetched'),
  },
  admin: { '401': error('`UNAUTHORIZED`: a valid admin bearer token is required') },
};

/** A signed endpoint signs every answer, errors included: its responses carry the X-OC-* headers. */
function signAnswers(responses: Json): Json {
  return Object.fromEntries(
    Object.entries(responses).map(([status, r]) => {
      const res = r as Json;
      return [status, res.$ref ? { ...res, $ref: '#/components/responses/SignedError' } : { ...res, headers: RESPONSE_SIGNATURE }];
    }),
  );
}

export const pathParam = (name: string, description: string, schema: Json = { type: 'string' }): Json => ({ name, in: 'path', required: true, description, schema });

export const queryParam = (name: string, description: string, schema: Json): Json => ({ name, in: 'query', required: false, description, schema });

export interface OperationSpec {
  id: string;
  summary: string;
  description?: string;
  tags: string[];
  auth: Auth;
  parameters?: Json[];
  requestBody?: Json;
  responses: Json;
  /** The orchestrator's probes are outside the rate limits. */
  unlimited?: boolean;
}

export function operation(o: OperationSpec): Json {
  const responses = { ...o.responses, ...AUTH_ERRORS[o.auth], ...(o.unlimited ? {} : RATE_LIMITED), ...COMMON_ERRORS };
  return {
    operationId: o.id,
    summary: o.summary,
    ...(o.description ? { description: o.description } : {}),
    tags: o.tags,
    // Public operations state it: no requirement (an empty list), not "whatever the document's default is".
    security: o.auth === 'signed' ? SIGNED : o.auth === 'admin' ? ADMIN : [],
    ...(o.parameters ? { parameters: o.parameters } : {}),
    ...(o.requestBody ? { requestBody: o.requestBody } : {}),
    responses: o.auth === 'signed' ? signAnswers(responses) : responses,
  };
}
