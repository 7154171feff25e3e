// The kiosk page: the permanent inventory QR `{"ocid","inventory"}` and the merchant name, behind the session.
import { describe, expect, it } from 'vitest';
import { MERCHANT_OCID } from '../helpers/harness.ts';
import { makeConsole, unescape } from './console-harness.ts';

const inventory = { currency: 'USD', items: [{ id: 'coffee', name: 'Coffee', price: '3.50' }] };

describe('kiosk QR', () => {
  it('shows the merchant name and the inventory QR as SVG with its exact JSON text', async () => {
    const h = await makeConsole({ inventory, env: { OC_NAME: 'Café <Nord>' } });
    try {
      expect((await h.get('/console/kiosk')).status).toBe(303);
      const res = await h.get('/console/kiosk', await h.login());
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const html = await res.text();
      expect(html).toContain('<h1>Café &lt;Nord&gt;</h1>');
      const text = JSON.stringify({ ocid: MERCHANT_OCID, inventory: 'https://pay.shop.example/opencharge/inventory' });
      expect(unescape(/id="kiosk-qr" data-qr="([^"]+)"/.exec(html)![1]!)).toBe(text);
      expect(html).toMatch(/<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      expect(html).not.toContain('class="bar"');
      expect(html).not.toContain('<script');
      // The QR points at a document the server really publishes.
      const doc = await h.app.request('/opencharge/inventory');
      expect(doc.status).toBe(200);
      expect(((await doc.json()) as { ocid: number }).ocid).toBe(MERCHANT_OCID);
    } finally {
      await h.close();
    }
  });

  it('explains instead of printing a dead QR when no inventory is configured', async () => {
    const h = await makeConsole();
    try {
      const html = await (await h.get('/console/kiosk', await h.login())).text();
      expect(html).toContain('No inventory is configured');
      expect(html).not.toContain('<svg');
    } finally {
      await h.close();
    }
  });
});
