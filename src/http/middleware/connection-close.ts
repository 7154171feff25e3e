// `Connection: close` on every 413 and on any answer given before the request body was read (PROFILE §7).
import type { Context } from 'hono';

const declaresBody = (h: Headers) => h.has('transfer-encoding') || (h.get('content-length') ?? '0') !== '0';

/**
 * The unread rest of a body would otherwise sit in front of the client's next request on a kept-alive
 * connection, and the server cuts such a connection a moment later (Node's drain timeout): the client's
 * next request fails with "other side closed". Closing says so up front, so the client opens a new one.
 */
export function closeUnreadBody(c: Context, received: Request): void {
  if (c.res.status !== 413 && !(declaresBody(received.headers) && !received.bodyUsed)) return;
  try {
    c.res.headers.set('connection', 'close');
  } catch {
    // Immutable headers (e.g. Response.redirect): copy the response first.
    const copy = new Response(c.res.body, c.res);
    copy.headers.set('connection', 'close');
    c.res = copy;
  }
}
