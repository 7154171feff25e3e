// Console middleware: an explanatory page when off (no admin token), strict headers with a per-request nonce, session and CSRF checks.
import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { CSRF_FIELD, csrfMatches } from './csrf.ts';
import { readSession, type ConsoleKeys } from './session.ts';
import { COOKIE, type ConsoleEnv } from './env.ts';
import { renderPage } from './render.tsx';
import { Message } from './layout.tsx';

/**
 * Without OC_ADMIN_TOKEN the console does not exist (404 like the admin API), but a person who opens it in a
 * browser is told why and how to turn it on, instead of a JSON error.
 */
export const consoleOff: MiddlewareHandler<ConsoleEnv> = (c) => renderPage(c, 404, 'Console off', <ConsoleOff />);

function ConsoleOff() {
  return (
    <div class="card login" id="console-off">
      <h1>Merchant console</h1>
      <p class="error" role="alert">console off: set OC_ADMIN_TOKEN</p>
      <p>This server runs without an admin token, so its console (and the /admin API) is switched off. To turn it on:</p>
      <ol>
        <li>
          Make a long random token (at least 16 characters), e.g. <code>openssl rand -hex 32</code>.
        </li>
        <li>
          Set it as <code>OC_ADMIN_TOKEN</code> in the server's environment (or its <code>.env</code> or <code>OC_CONFIG</code> file).
        </li>
        <li>Restart the server, open this page again and log in with that token.</li>
      </ol>
      <p class="muted">Keep the token secret: it opens the console and the merchant API under /admin.</p>
    </div>
  );
}

export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    "img-src 'self' data:",
    "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

/** Per request: a fresh CSP nonce; on the way out, no caching and a policy that runs only our nonce'd code. */
export function securityHeaders(randomBytes: (n: number) => Uint8Array, merchantName: string): MiddlewareHandler<ConsoleEnv> {
  return async (c, next) => {
    const nonce = Buffer.from(randomBytes(16)).toString('base64');
    c.set('nonce', nonce);
    c.set('merchantName', merchantName);
    await next();
    c.res.headers.set('cache-control', 'no-store');
    c.res.headers.set('content-security-policy', contentSecurityPolicy(nonce));
    c.res.headers.set('x-content-type-options', 'nosniff');
    c.res.headers.set('x-frame-options', 'DENY');
    c.res.headers.set('referrer-policy', 'no-referrer');
  };
}

const isApi = (path: string) => path.startsWith('/console/api/');

/** Every console path but the login page needs a valid, unexpired session cookie. */
export function requireSession(keys: ConsoleKeys, now: () => number): MiddlewareHandler<ConsoleEnv> {
  return async (c, next) => {
    if (c.req.path === '/console/login') return next();
    const raw = getCookie(c, COOKIE);
    const session = readSession(keys, raw, now());
    if (!session) {
      if (isApi(c.req.path)) return c.json({ error: { code: 'UNAUTHORIZED', message: 'log in to the console again' } }, 401);
      if (c.req.method === 'GET' || c.req.method === 'HEAD') return c.redirect(raw ? '/console/login?expired=1' : '/console/login', 303);
      return renderPage(c, 403, 'Session expired', <Message title="Session expired" text="Your console session has expired or is not valid. Log in again." href="/console/login" link="Log in" />);
    }
    c.set('session', session);
    await next();
  };
}

/** Every state-changing request carries the session's CSRF token as a form field. */
export const requireCsrf: MiddlewareHandler<ConsoleEnv> = async (c, next) => {
  if (c.req.method !== 'POST' || c.req.path === '/console/login') return next();
  const type = c.req.header('content-type') ?? '';
  const form = type.startsWith('application/x-www-form-urlencoded') || type.startsWith('multipart/form-data') ? await c.req.parseBody() : {};
  if (!csrfMatches(form[CSRF_FIELD], c.get('session').csrf))
    return renderPage(c, 403, 'Forbidden', <Message title="Request refused" text="This form has expired or did not come from the console. Go back, reload the page and try again." href="/console" link="Back to the console" />);
  await next();
};
