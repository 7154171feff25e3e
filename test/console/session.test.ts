// Console access: off without a token, login, cookie attributes, headers, expiry, forgery, logout, CSRF.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { T0 } from '../helpers/harness.ts';
import { TOKEN, cookieOf, csrfOf, makeConsole, type ConsoleHarness } from './console-harness.ts';

let h: ConsoleHarness;
beforeAll(async () => {
  h = await makeConsole();
});
afterAll(async () => h.close());

describe('console without an admin token', () => {
  it('answers every console path with an HTML page saying the console is off and how to turn it on (404)', async () => {
    const off = await makeConsole({}, false);
    try {
      for (const path of ['/console', '/console/', '/console/login', '/console/orders?q=x', '/console/orders/ord_1', '/console/pos', '/console/kiosk', '/console/api/orders/x/status']) {
        const res = await off.get(path);
        expect(res.status, path).toBe(404);
        expect(res.headers.get('content-type'), path).toMatch(/^text\/html/);
        expect(res.headers.get('cache-control'), path).toBe('no-store');
        expect(res.headers.get('content-security-policy'), path).toContain("default-src 'none'");
        const html = await res.text();
        expect(html.startsWith('<!doctype html>'), path).toBe(true);
        expect(html, path).toContain('console off: set OC_ADMIN_TOKEN');
        expect(html, path).toContain('openssl rand -hex 32');
        expect(html, path).toMatch(/restart the server/i);
        expect(html, path).not.toContain('name="token"');
      }
      const post = await off.post('/console/login', { token: TOKEN });
      expect(post.status).toBe(404);
      expect(await post.text()).toContain('console off: set OC_ADMIN_TOKEN');
      // Only the console's own paths: the rest of the app keeps its JSON 404.
      const other = await off.get('/consoles');
      expect(other.status).toBe(404);
      expect(((await other.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
    } finally {
      await off.close();
    }
  });
});

describe('login', () => {
  it('shows the login form with no-store and a strict CSP whose nonce is on the stylesheet', async () => {
    const res = await h.get('/console/login');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    const html = await res.text();
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain(`<style nonce="${nonce}">`);
    expect(html).toContain('name="token"');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });

  it('uses a fresh nonce on every response', async () => {
    const a = (await h.get('/console/login')).headers.get('content-security-policy');
    const b = (await h.get('/console/login')).headers.get('content-security-policy');
    expect(a).not.toBe(b);
  });

  it('sets an HttpOnly, SameSite=Strict, Secure session cookie scoped to /console on the right token', async () => {
    const res = await h.post('/console/login', { token: TOKEN });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/console/pos');
    const set = res.headers.get('set-cookie') ?? '';
    expect(set).toMatch(/HttpOnly/i);
    expect(set).toMatch(/SameSite=Strict/i);
    expect(set).toMatch(/Path=\/console(;|$)/);
    expect(set).toMatch(/Secure/);
    expect(set).toMatch(/Max-Age=43200/);
    expect(set).not.toContain(TOKEN);
    const page = await h.get('/console/orders', cookieOf(res));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<h1>Orders</h1>');
  });

  it('omits Secure when the public URL is plain http', async () => {
    const plain = await makeConsole({ env: { OC_PUBLIC_URL: 'http://127.0.0.1:8787' } });
    try {
      const res = await plain.post('/console/login', { token: TOKEN });
      expect(res.headers.get('set-cookie')).not.toMatch(/Secure/);
    } finally {
      await plain.close();
    }
  });

  it('refuses a wrong token with 401, the login page again and no cookie', async () => {
    for (const token of ['console-admin-token-0123456788', 'x', '']) {
      const res = await h.post('/console/login', { token });
      expect(res.status).toBe(401);
      expect(res.headers.get('set-cookie')).toBeNull();
      const html = await res.text();
      expect(html).toContain('That token is not right.');
      expect(html).toContain('name="token"');
    }
  });

  it('redirects a page request without a session to the login page', async () => {
    const res = await h.get('/console/orders');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/console/login');
    expect((await h.get('/console/api/orders/x/status')).status).toBe(401);
  });

  it('refuses forged and tampered cookies', async () => {
    const good = await h.login();
    const [sid, exp, mac] = good.slice('oc_console='.length).split('.') as [string, string, string];
    const forged = [
      `oc_console=${sid}.${Number(exp) + 3600}.${mac}`,
      `oc_console=${'0'.repeat(32)}.${exp}.${mac}`,
      `oc_console=${sid}.${exp}.${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`,
      `oc_console=${sid}.${exp}`,
      'oc_console=garbage',
    ];
    for (const cookie of forged) {
      const res = await h.get('/console/orders', cookie);
      expect(res.status, cookie).toBe(303);
      expect(res.headers.get('location')).toBe('/console/login?expired=1');
    }
  });

  it('refuses a session signed under another admin token (rotation logs everyone out)', async () => {
    const other = await makeConsole({ env: { OC_ADMIN_TOKEN: 'another-admin-token-0123456789' } });
    try {
      const res = await other.post('/console/login', { token: 'another-admin-token-0123456789' });
      expect((await h.get('/console/orders', cookieOf(res))).status).toBe(303);
    } finally {
      await other.close();
    }
  });

  it('expires the session after 12 hours (injected clock)', async () => {
    h.clock.now = T0;
    const cookie = await h.login();
    h.clock.now = T0 + 12 * 3600 - 1;
    expect((await h.get('/console/orders', cookie)).status).toBe(200);
    h.clock.now = T0 + 12 * 3600;
    const res = await h.get('/console/orders', cookie);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/console/login?expired=1');
    expect(await (await h.get('/console/login?expired=1')).text()).toContain('Your session has expired');
    expect((await h.get('/console/api/orders/x/status', cookie)).status).toBe(401);
    const post = await h.post('/console/pos/charge', { amount: '1.00', currency: 'USD' }, cookie);
    expect(post.status).toBe(403);
    h.clock.now = T0;
  });
});

describe('logout and CSRF', () => {
  it('logs out with the CSRF token: clears the cookie and goes back to the login page', async () => {
    const cookie = await h.login();
    const csrf = await h.csrf(cookie);
    const res = await h.post('/console/logout', { _csrf: csrf }, cookie);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/console/login?out=1');
    const set = res.headers.get('set-cookie') ?? '';
    expect(set).toMatch(/^oc_console=;/);
    expect(set).toMatch(/Max-Age=0/);
    expect(set).toMatch(/Path=\/console/);
  });

  it('refuses logout without the CSRF token (403)', async () => {
    const cookie = await h.login();
    const res = await h.post('/console/logout', {}, cookie);
    expect(res.status).toBe(403);
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('refuses a state change with a missing CSRF token (403) and creates nothing', async () => {
    const cookie = await h.login();
    const before = (await h.store.listOrders({ limit: 1000 })).length;
    const res = await h.post('/console/pos/charge', { amount: '3.00', currency: 'USD' }, cookie);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('Request refused');
    expect((await h.store.listOrders({ limit: 1000 })).length).toBe(before);
  });

  it("refuses another session's CSRF token and a wrong one (403)", async () => {
    const a = await h.login();
    const b = await h.login();
    expect(a).not.toBe(b);
    const csrfA = await h.csrf(a);
    const csrfB = await h.csrf(b);
    expect(csrfA).not.toBe(csrfB);
    for (const token of [csrfA, csrfB.slice(0, -2), `${csrfB}x`, 'wrong']) {
      expect((await h.post('/console/pos/charge', { _csrf: token, amount: '3.00', currency: 'USD' }, b)).status).toBe(403);
    }
    expect((await h.post('/console/pos/charge', { _csrf: csrfB, amount: '3.00', currency: 'USD' }, b)).status).toBe(303);
  });

  it('refuses a CSRF token sent with a JSON body', async () => {
    const cookie = await h.login();
    const csrf = await h.csrf(cookie);
    const res = await h.app.request('/console/pos/charge', {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ _csrf: csrf, amount: '3.00', currency: 'USD' }),
    });
    expect(res.status).toBe(403);
  });

  it('puts the CSRF token on every POST form of a page', async () => {
    const cookie = await h.login();
    const html = await (await h.get('/console/pos', cookie)).text();
    const forms = html.match(/<form method="post"[^>]*>/g) ?? [];
    expect(forms.length).toBeGreaterThanOrEqual(2);
    const fields = html.match(/name="_csrf" value="[^"]+"/g) ?? [];
    expect(fields.length).toBe(forms.length);
    expect(csrfOf(html)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});
