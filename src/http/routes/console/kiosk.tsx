// The kiosk sign: the permanent inventory QR `{"ocid","inventory"}` and the merchant name, ready to print.
import { Hono } from 'hono';
import type { OrderDeps } from '../../../orders/deps.ts';
import type { ConsoleEnv } from './env.ts';
import { renderPage } from './render.tsx';
import { QrFigure, qrSvg } from './qr.tsx';
import { inventoryQr } from '../../../orders/qr-text.ts';

export function kioskRoutes(deps: OrderDeps): Hono<ConsoleEnv> {
  const app = new Hono<ConsoleEnv>();
  app.get('/console/kiosk', async (c) => {
    const toolbar = (
      <p class="screen-only">
        <a href="/console/pos">← Back to the console</a> · Print this page (Ctrl+P) and put it up at the counter.
      </p>
    );
    if (!deps.inventory) {
      const body = (
        <div class="kiosk">
          {toolbar}
          <h1>{deps.config.name}</h1>
          <p class="error">No inventory is configured (set OC_INVENTORY_FILE): a kiosk QR would point at nothing.</p>
        </div>
      );
      return renderPage(c, 200, 'Kiosk QR', body, { bare: true });
    }
    const text = inventoryQr(deps);
    const body = (
      <div class="kiosk">
        {toolbar}
        <h1>{deps.config.name}</h1>
        <QrFigure id="kiosk-qr" text={text} svg={await qrSvg(text)} label={`Inventory QR code of ${deps.config.name}`} />
        <p class="muted">Scan with an Opencharge wallet to order and pay.</p>
      </div>
    );
    return renderPage(c, 200, 'Kiosk QR', body, { bare: true });
  });
  return app;
}
