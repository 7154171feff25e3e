// The 64 KiB request body limit: 413 PAYLOAD_TOO_LARGE in the error envelope.
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { errorResponse } from '../errors.ts';

export const BODY_LIMIT = 64 * 1024;

const tooLarge = () => errorResponse('PAYLOAD_TOO_LARGE', `request body is larger than ${BODY_LIMIT} bytes`, { limit: BODY_LIMIT });

/** Counted while streaming when there is no Content-Length. */
const streamingLimit = bodyLimit({ maxSize: BODY_LIMIT, onError: tooLarge });

/**
 * hono's bodyLimit decides from Content-Length when there is one (and no Transfer-Encoding), but it first asks
 * for `req.raw.body`, which on Node turns @hono/node-server's light request into a full web Request with a
 * ReadableStream and an AbortSignal (and then the body is read through that stream): about a tenth of the CPU
 * of a signed order. The same decision from the headers alone; everything else goes to hono's middleware.
 */
export const limitBody: MiddlewareHandler = (c, next) => {
  const method = c.req.method;
  // GET and HEAD carry no body (a web Request cannot have one): hono's middleware lets them through too.
  if (method === 'GET' || method === 'HEAD') return next();
  const length = c.req.header('content-length');
  if (length !== undefined && c.req.header('transfer-encoding') === undefined)
    return parseInt(length || '0', 10) > BODY_LIMIT ? Promise.resolve(tooLarge()) : next();
  return streamingLimit(c, next);
};
