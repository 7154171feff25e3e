// The 64 KiB request body limit (issue: merchant server): 413 PAYLOAD_TOO_LARGE in the error envelope.
import { bodyLimit } from 'hono/body-limit';
import { errorResponse } from '../errors.ts';

export const BODY_LIMIT = 64 * 1024;

/** Counted while streaming when there is no Content-Length. */
export const limitBody = bodyLimit({
  maxSize: BODY_LIMIT,
  onError: () => errorResponse('PAYLOAD_TOO_LARGE', `request body is larger than ${BODY_LIMIT} bytes`, { limit: BODY_LIMIT }),
});
