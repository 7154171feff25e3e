// Log in (POST the admin token → signed session cookie) and log out (CSRF-checked, clears the cookie).
import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { OrderDeps } from '../../../orders/deps.ts';
import { TOO_MANY_LOGINS } from '../../middleware/admin-auth.ts';
import { sameSecret } from '../../../crypto/same-secret.ts';
import { rateLimited } from '../../middleware/rate-limit.ts';
import { addressKey } from '../../client-address.ts';
import { issueSession, readSession, type ConsoleKeys } from './session.ts';
import { COOKIE, SESSION_SECONDS, type ConsoleEnv } from './env.ts';
import { renderPage } from './render.tsx';

function LoginForm(p: { error?: string; notice?: string }) {
  return (
    <div class="card login">
      <h1>Merchant console</h1>
      {p.notice && <p class="notice">{p.notice}</p>}
      {p.error && <p class="error" role="alert">{p.error}</p>}
      <form method="post" action="/console/login">
        <label for="token">Admin token</label>
        <input id="token" name="token" type="password" autocomplete="current-password" required autofocus />
        <p>
          <button type="submit">Log in</button>
        </p>
      </form>
      <p class="muted">The token is the server's OC_ADMIN_TOKEN. A session lasts {SESSION_SECONDS / 3600} hours on this device.</p>
    </div>
  );
}

export function loginRoutes(deps: OrderDeps, keys: ConsoleKeys, adminToken: string): Hono<ConsoleEnv> {
  const app = new Hono<ConsoleEnv>();
  const secure = deps.config.publicUrl.startsWith('https:');
  const cookieOptions = { httpOnly: true, sameSite: 'Strict', path: '/console', secure } as const;

  app.get('/console', (c) => c.redirect('/console/pos', 303));

  app.get('/console/login', (c) => {
    if (readSession(keys, getCookie(c, COOKIE), deps.now())) return c.redirect('/console/pos', 303);
    const notice = c.req.query('expired') !== undefined ? 'Your session has expired: log in again.' : c.req.query('out') !== undefined ? 'You are logged out.' : undefined;
    return renderPage(c, 200, 'Log in', <LoginForm notice={notice} />);
  });

  app.post('/console/login', async (c) => {
    // Checked before the token is read or compared: the admin API's limit, shared with it (10 failures/min per address).
    const address = addressKey(c.get('clientAddress'));
    const wait = await deps.limits.login.blocked(address);
    if (wait !== undefined) {
      if (!(c.req.header('accept') ?? '').includes('text/html')) return rateLimited(wait, TOO_MANY_LOGINS);
      const page = await renderPage(c, 429, 'Log in', <LoginForm error={`Too many failed logins from this address: try again in ${wait} seconds.`} />);
      page.headers.set('retry-after', String(wait));
      return page;
    }
    const form = await c.req.parseBody();
    const token = typeof form.token === 'string' ? form.token : '';
    if (!token || !sameSecret(token, adminToken)) {
      if (token) await deps.limits.login.fail(address);
      deps.log.warn('console login refused', { requestId: c.get('requestId'), clientAddress: c.get('clientAddress') });
      return renderPage(c, 401, 'Log in', <LoginForm error="That token is not right." />);
    }
    const { cookie } = issueSession(keys, deps.randomBytes, deps.now(), SESSION_SECONDS);
    setCookie(c, COOKIE, cookie, { ...cookieOptions, maxAge: SESSION_SECONDS });
    return c.redirect('/console/pos', 303);
  });

  app.post('/console/logout', (c) => {
    deleteCookie(c, COOKIE, cookieOptions);
    return c.redirect('/console/login?out=1', 303);
  });
  return app;
}
