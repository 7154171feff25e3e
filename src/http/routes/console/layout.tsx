// Page chrome for every console page: head with the nonce'd stylesheet, the navigation bar, small shared blocks.
import type { Child } from 'hono/jsx';
import { CSS } from './styles.ts';
import { CSRF_FIELD } from './csrf.ts';

export type Section = 'pos' | 'orders' | 'kiosk' | 'none';

export interface LayoutProps {
  title: string;
  nonce: string;
  merchant: string;
  /** Present when logged in: shows the navigation and the logout form. */
  csrf?: string;
  section?: Section;
  /** A static inline script (run under the page's nonce). */
  script?: string;
  bare?: boolean;
  children?: Child;
}

const NAV: Array<[Section, string, string]> = [
  ['pos', '/console/pos', 'Point of sale'],
  ['orders', '/console/orders', 'Orders'],
  ['kiosk', '/console/kiosk', 'Kiosk QR'],
];

export function Layout(p: LayoutProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>{`${p.title} · ${p.merchant}`}</title>
        <style nonce={p.nonce} dangerouslySetInnerHTML={{ __html: CSS }} />
      </head>
      <body>
        {p.csrf !== undefined && !p.bare && (
          <header class="bar">
            <span class="brand">{p.merchant}</span>
            {NAV.map(([id, href, label]) => (
              <a href={href} class={p.section === id ? 'on' : undefined}>
                {label}
              </a>
            ))}
            <CsrfForm action="/console/logout" csrf={p.csrf}>
              <button type="submit">Log out</button>
            </CsrfForm>
          </header>
        )}
        {p.bare ? p.children : <main>{p.children}</main>}
        {p.script && <script nonce={p.nonce} dangerouslySetInnerHTML={{ __html: p.script }} />}
      </body>
    </html>
  );
}

/** A POST form carrying the session's CSRF token. */
export function CsrfForm(p: { action: string; csrf: string; class?: string; children?: Child }) {
  return (
    <form method="post" action={p.action} class={p.class}>
      <input type="hidden" name={CSRF_FIELD} value={p.csrf} />
      {p.children}
    </form>
  );
}

export function Message(p: { title: string; text: string; href: string; link: string }) {
  return (
    <div class="card login">
      <h1>{p.title}</h1>
      <p>{p.text}</p>
      <a class="button" href={p.href}>
        {p.link}
      </a>
    </div>
  );
}
