// The one place error codes become HTTP responses (docs/architecture.md rule 8): envelope, status, no internals.
import type { Context } from 'hono';
import { errorBody } from '../protocol/errors.ts';
import { ERROR_STATUS, type ErrorCode } from '../errors.ts';
import type { Failure } from '../orders/result.ts';
import type { Logger } from '../log.ts';

export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

/**
 * The exact JSON text of the responses built here, so the response signer can hash it without
 * reading the body back (which, on Node, turns a light response into a full web-stream one).
 */
export const JSON_BODIES = new WeakMap<Response, string>();

export function errorResponse(code: ErrorCode, message: string, details?: Record<string, unknown>): Response {
  return jsonText(JSON.stringify(errorBody(code, message, details)), ERROR_STATUS[code]);
}

export function failureResponse(f: Failure): Response {
  return errorResponse(f.code, f.message, f.details);
}

/** Hono onError: known errors become their envelope; anything else is logged (its line carries the reqId) and hidden. */
export function onError(log: Logger) {
  return (err: Error, c: Context): Response => {
    if (err instanceof ApiError) return errorResponse(err.code, err.message, err.details);
    const requestId = c.get('requestId' as never) as string | undefined;
    log.error('unhandled error', { method: c.req.method, path: c.req.path, error: err.stack ?? String(err) });
    return errorResponse('INTERNAL', 'internal error', requestId ? { requestId } : undefined);
  };
}

export function notFound(c: Context): Response {
  return errorResponse('NOT_FOUND', `no route for ${c.req.method} ${c.req.path}`);
}

/** JSON response from an exact body string (signatures cover these bytes). */
export function jsonText(body: string, status = 200, headers: Record<string, string> = {}): Response {
  const res = new Response(body, { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers } });
  JSON_BODIES.set(res, body);
  return res;
}
