// End to end in real headless Chromium: log in, charge 12.50 USD, see the QR, the issuer's signed proof
// arrives over HTTP, the sale turns Paid without a reload; screenshots go to test-results/screenshots/ (docs/screenshots/ with UPDATE_SCREENSHOTS=1).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { serve, type ServerType } from '@hono/node-server';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ISSUER, ISSUER_OCID } from '../helpers/harness.ts';
import { makeProof } from '../helpers/proofs.ts';
import { TOKEN, makeConsole, type ConsoleHarness } from './console-harness.ts';
import { startCoinGateFake } from '../fakes/coingate.ts';
import type { FakeGatewayServer } from '../fakes/types.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
// The README's copies in docs/screenshots/ are refreshed with UPDATE_SCREENSHOTS=1; ordinary runs keep the tree clean.
const SHOTS = fileURLToPath(new URL(process.env.UPDATE_SCREENSHOTS ? '../../docs/screenshots/' : '../../test-results/screenshots/', import.meta.url));
const HOOK = '/opencharge/transfer/webhook';
const present = existsSync(CHROMIUM);

if (!present && process.env.CI) {
  describe('console in a real browser', () => {
    it('needs Chromium', () => {
      throw new Error(`Chromium not found at ${CHROMIUM} (set CHROMIUM_PATH or install the chromium package): the console browser test cannot run in CI without it`);
    });
  });
} else if (!present) {
  console.warn(`\n*** SKIPPING the console browser test: Chromium not found at ${CHROMIUM} (set CHROMIUM_PATH) ***\n`);
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

interface Served {
  h: ConsoleHarness;
  base: string;
  close(): Promise<void>;
}

/** The app with the console on a real port; with `coingate`, the real CoinGate adapter talks to its fake. */
async function serveConsole(o: Parameters<typeof makeConsole>[0] = {}, coingate?: FakeGatewayServer): Promise<Served> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  // With `coingate` its settings go in the environment: the server builds the real adapter as `serve` does.
  const h = await makeConsole({ ...o, env: { OC_PUBLIC_URL: base, OC_NAME: 'Corner Café', ...coingate?.env, ...o.env } });
  // The browser polls in real time, so the server's clock is the real one.
  h.clock.now = Math.floor(Date.now() / 1000);
  const server: ServerType = await new Promise((r) => {
    const s = serve({ fetch: h.app.fetch, hostname: '127.0.0.1', port }, () => r(s));
  });
  return { h, base, close: async () => { await new Promise((r) => server.close(r)); await h.close(); } };
}

const PHONE = { width: 390, height: 844 };

/** No horizontal scrolling at phone width. */
async function fitsPhone(page: Page, what: string) {
  expect.soft(await page.evaluate(() => document.documentElement.scrollWidth), what).toBeLessThanOrEqual(PHONE.width);
}

const inView = (b: { x: number; y: number; width: number; height: number } | null) => !!b && b.width > 0 && b.x >= 0 && b.x + b.width <= PHONE.width;

async function navInView(page: Page) {
  for (const link of await page.locator('header.bar a, header.bar button').all()) expect.soft(inView(await link.boundingBox()), `nav: ${await link.textContent()}`).toBe(true);
}

/** The cells of these columns (found by their header text) in the orders table's row are visible inside the viewport. */
async function columnsInView(page: Page, row: number, headers: string[]) {
  const names = (await page.locator('#orders thead th').allTextContents()).map((t) => t.trim());
  for (const h of headers) {
    const col = names.indexOf(h);
    expect(col, `column ${h} in ${JSON.stringify(names)}`).toBeGreaterThanOrEqual(0);
    const cell = page.locator(`#orders tbody tr:nth-child(${row + 1}) > td:nth-child(${col + 1})`);
    expect(await cell.isVisible(), `${h} of row ${row}`).toBe(true);
    expect.soft(inView(await cell.boundingBox()), `${h} of row ${row} inside 0-${PHONE.width}px`).toBe(true);
  }
}

async function login(page: Page, base: string) {
  await page.goto(`${base}/console/login`);
  await page.fill('#token', TOKEN);
  await Promise.all([page.waitForURL(`${base}/console/pos`), page.click('button[type=submit]')]);
}

describe.skipIf(!present)('console in a real browser', () => {
  let browser: Browser;
  let fake: FakeGatewayServer;
  const cspErrors: string[] = [];
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    fake = await startCoinGateFake();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await fake?.close();
  });

  const newPage = async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    page.on('console', (m) => {
      if (/Content.Security.Policy/i.test(m.text())) cspErrors.push(m.text());
    });
    return page;
  };

  it('charges 12.50 USD at the point of sale and turns Paid live when the proof arrives', async () => {
    const s = await serveConsole({}, fake);
    try {
      const page = await newPage();
      await login(page, s.base);
      // A few earlier orders so the order list has something to show.
      for (const [amount, currency] of [['4.20', 'USD'], ['18.00', 'EUR'], ['7.50', 'USD']]) await s.h.order({ amount, currency, reference: `till-${amount}` });
      const older = await s.h.order({ amount: '9.90', currency: 'USD', reference: 'till-9.90' });
      expect((await s.h.pay(older, { amount: '9.90' })).status).toBe(200);
      const short = await s.h.order({ amount: '5.00', currency: 'USD', reference: 'till-5.00' });
      expect((await s.h.pay(short, { amount: '4.00' })).status).toBe(400);

      await page.fill('#amount', '12.50');
      await page.selectOption('#currency', 'USD');
      await page.fill('#memo', 'Table 4');
      await page.screenshot({ path: `${SHOTS}console-pos-form.png` });
      await Promise.all([page.waitForURL(/\/console\/pos\/ord_[0-9a-f]+$/), page.click('button.charge')]);
      const orderId = page.url().split('/').pop()!;
      expect((await s.h.store.getOrder(orderId))?.amount).toBe('12.50');

      await expect.poll(() => page.locator('#order-qr svg').isVisible()).toBe(true);
      const box = await page.locator('#order-qr svg').boundingBox();
      expect(box!.width).toBeGreaterThan(300);
      expect(await page.textContent('#status')).toBe('Waiting for payment');
      await expect.poll(() => page.textContent('#countdown')).toMatch(/^Expires in (59:[0-5]\d|1:00:00)$/);
      // The nonce'd stylesheet applied (a CSP refusal would leave the bar unstyled).
      expect(await page.evaluate(() => getComputedStyle(document.querySelector('header.bar')!).backgroundColor)).toBe('rgb(27, 31, 36)');
      expect(await page.locator('button', { hasText: 'CoinGate' }).isVisible()).toBe(true);
      await page.screenshot({ path: `${SHOTS}console-pos.png` });

      // "Pay with… CoinGate": the charge is created at the gateway (its fake) and its link shown as a QR too.
      await Promise.all([page.waitForURL(/#pay-coingate$/), page.click('button:has-text("CoinGate")')]);
      const link = (await s.h.store.listCharges(orderId))[0]!.paymentUrl;
      expect(await page.getAttribute('#pay-coingate figure', 'data-qr')).toBe(link);
      expect(await page.locator('#pay-coingate svg').isVisible()).toBe(true);
      await page.screenshot({ path: `${SHOTS}console-pos-gateway.png`, fullPage: true });

      await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
      const body = JSON.stringify(makeProof(orderId, { amount: '12.50', timestamp: s.h.clock.now, txid: 'tx_browser_1' }));
      const res = await fetch(`${s.base}${HOOK}`, { method: 'POST', headers: s.h.headersFor('POST', HOOK, body, { ocid: ISSUER_OCID, key: ISSUER.priv }), body });
      expect(res.status).toBe(200);

      await page.waitForFunction(() => document.getElementById('status')?.textContent === 'Paid', undefined, { timeout: 10_000 });
      expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42); // no reload
      expect(await page.locator('#order-qr').isVisible()).toBe(false);
      expect(await page.locator('.done-mark').isVisible()).toBe(true);
      expect(await page.textContent('#paid-at')).toMatch(/UTC$/);
      // The live script relabels the amount too: a paid sale never says "Amount due".
      expect(await page.textContent('#amount-label')).toBe('Paid');
      expect(await page.evaluate(() => document.body.innerText)).not.toContain('Amount due');
      await page.screenshot({ path: `${SHOTS}console-paid.png` });

      await page.click('text=Orders');
      await page.waitForURL(`${s.base}/console/orders`);
      const first = page.locator('#orders tbody tr').first();
      expect(await first.textContent()).toContain('12.50');
      expect(await first.locator('.badge').first().textContent()).toBe('paid');
      await page.screenshot({ path: `${SHOTS}console-orders.png`, fullPage: true });

      await page.click(`a[href="/console/orders/${orderId}"]`);
      expect(await page.textContent('#proofs')).toContain('tx_browser_1');
      await page.screenshot({ path: `${SHOTS}console-order.png`, fullPage: true });

      expect(cspErrors).toEqual([]);
    } finally {
      await s.close();
    }
  });

  it('works on a 390 px phone: nothing overflows, the nav wraps, Amount and Status stay in view, the paid sale says Paid', async () => {
    const s = await serveConsole();
    try {
      const page = await browser.newPage({ viewport: { width: PHONE.width, height: PHONE.height }, isMobile: true, hasTouch: true });
      await login(page, s.base);
      for (const [amount, currency, reference] of [['4.20', 'USD', 'till-4.20'], ['18.00', 'EUR', 'a-rather-long-shop-reference-2027-01-15-0001']]) await s.h.order({ amount, currency, reference });
      const short = await s.h.order({ amount: '5.00', currency: 'USD', reference: 'till-5.00', memo: 'Counter' });
      expect((await s.h.pay(short, { amount: '4.00' })).status).toBe(400);
      await fitsPhone(page, 'point of sale form');
      await navInView(page);

      await page.fill('#amount', '12.50');
      await page.fill('#memo', 'Table 4');
      await Promise.all([page.waitForURL(/\/console\/pos\/ord_[0-9a-f]+$/), page.click('button.charge')]);
      const orderId = page.url().split('/').pop()!;
      await expect.poll(() => page.locator('#order-qr svg').isVisible()).toBe(true);
      expect.soft(await page.locator('#amount-label').count(), 'the amount has its label').toBe(1);
      await fitsPhone(page, 'sale screen');
      await page.screenshot({ path: `${SHOTS}console-pos-phone.png` });

      const body = JSON.stringify(makeProof(orderId, { amount: '12.50', timestamp: s.h.clock.now, txid: 'tx_phone_1' }));
      expect((await fetch(`${s.base}${HOOK}`, { method: 'POST', headers: s.h.headersFor('POST', HOOK, body, { ocid: ISSUER_OCID, key: ISSUER.priv }), body })).status).toBe(200);
      await page.waitForFunction(() => document.getElementById('status')?.textContent === 'Paid', undefined, { timeout: 10_000 });
      expect.soft(await page.evaluate(() => document.body.innerText), 'the paid screen').not.toContain('Amount due');
      await fitsPhone(page, 'paid screen');
      await page.screenshot({ path: `${SHOTS}console-paid-phone.png` });

      await page.goto(`${s.base}/console/orders`);
      await fitsPhone(page, 'orders list');
      await navInView(page);
      for (const row of [0, 1, 2, 3]) await columnsInView(page, row, ['Amount', 'Status']);
      await page.screenshot({ path: `${SHOTS}console-orders-phone.png`, fullPage: true });

      await page.goto(`${s.base}/console/orders/${orderId}`);
      await fitsPhone(page, 'order page');
      await page.screenshot({ path: `${SHOTS}console-order-phone.png`, fullPage: true });
      // Unfolded, the technical details scroll inside their own boxes: the page still fits.
      for (const d of await page.locator('details').all()) await d.evaluate((e) => e.setAttribute('open', ''));
      await fitsPhone(page, 'order page with every detail open');
      await page.goto(`${s.base}/console/orders/${short}`);
      await fitsPhone(page, 'order page of a payment mismatch');
      expect(cspErrors).toEqual([]);
    } finally {
      await s.close();
    }
  });

  it('renders the printable kiosk QR', async () => {
    const s = await serveConsole({ inventory: { currency: 'USD', items: [{ id: 'coffee', name: 'Coffee', price: '3.50' }] } });
    try {
      const page = await newPage();
      await login(page, s.base);
      await page.goto(`${s.base}/console/kiosk`);
      expect(await page.textContent('h1')).toBe('Corner Café');
      expect(await page.locator('#kiosk-qr svg').isVisible()).toBe(true);
      await page.screenshot({ path: `${SHOTS}console-kiosk.png` });
      expect(cspErrors).toEqual([]);
    } finally {
      await s.close();
    }
  });
});
