// Test helpers for the console: the real app (the console is one of its routes), logging in, cookies, CSRF, proofs.
import { expect } from 'vitest';
import { ISSUER, ISSUER_OCID, makeHarness, type Harness, type HarnessOptions } from '../helpers/harness.ts';
import { makeProof, type ProofInput } from '../helpers/proofs.ts';
import { createOrder } from '../../src/orders/create-order.ts';

export const TOKEN = 'console-admin-token-0123456789';

export interface ConsoleHarness extends Harness {
  /** Logs in and returns the `oc_console=…` cookie pair. */
  login(): Promise<string>;
  get(path: string, cookie?: string): Promise<Response>;
  post(path: string, form: Record<string, string>, cookie?: string): Promise<Response>;
  /** GETs a page and returns its CSRF token. */
  csrf(cookie: string, path?: string): Promise<string>;
  /** Creates an order as the merchant (callerOcid 0); returns its id. */
  order(body?: Record<string, unknown>): Promise<string>;
  /** Delivers a transfer proof signed by issuer 100 through the real webhook. */
  pay(orderId: string, o?: ProofInput, form?: 'A' | 'B'): Promise<Response>;
}

export async function makeConsole(o: HarnessOptions = {}, withToken = true): Promise<ConsoleHarness> {
  const h = await makeHarness({
    ...o,
    env: { ...(withToken ? { OC_ADMIN_TOKEN: TOKEN } : {}), ...o.env },
  });
  const get = async (path: string, cookie?: string) => h.app.request(path, { headers: cookie ? { cookie } : {} });
  const post = async (path: string, form: Record<string, string>, cookie?: string) =>
    h.app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
      body: new URLSearchParams(form).toString(),
    });
  return Object.assign(h, {
    get,
    post,
    async login() {
      const res = await post('/console/login', { token: TOKEN });
      expect(res.status).toBe(303);
      return cookieOf(res);
    },
    async csrf(cookie: string, path = '/console/orders') {
      const res = await get(path, cookie);
      expect(res.status).toBe(200);
      return csrfOf(await res.text());
    },
    async order(body: Record<string, unknown> = { amount: '15.00', currency: 'USD' }) {
      const res = await createOrder(h.deps, { callerOcid: 0, body });
      if (!res.ok) throw new Error(res.message);
      return res.value.record.id;
    },
    pay(orderId: string, p: ProofInput = {}, form: 'A' | 'B' = 'A') {
      const body = JSON.stringify(makeProof(orderId, { timestamp: h.clock.now, ...p }, form));
      return h.signed('POST', '/opencharge/transfer/webhook', body, { ocid: ISSUER_OCID, key: ISSUER.priv });
    },
  });
}

/** The `name=value` pair of the console cookie a response sets. */
export function cookieOf(res: Response): string {
  const set = res.headers.get('set-cookie') ?? '';
  const m = /(?:^|,\s*)(oc_console=[^;]*)/.exec(set);
  if (!m) throw new Error(`no console cookie in ${JSON.stringify(set)}`);
  return m[1]!;
}

export function csrfOf(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error('no CSRF field on the page');
  return m[1]!;
}

/** Undoes the HTML escaping Hono applies to text and attributes. */
export const unescape = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
