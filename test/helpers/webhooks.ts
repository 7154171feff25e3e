// Verifies a notification the way a shop does, with the official `standardwebhooks` library, at the test's clock.
import type { IncomingHttpHeaders } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { vi } from 'vitest';

export type Verified = { ok: true } | { ok: false; reason: string };

/**
 * `new Webhook(secret).verify(body, headers)` with the library's clock at `nowSeconds`: it reads Date.now() for its
 * ±5 minute window, and the tests drive the server with a fixed clock. Only Date is pinned, only for this call.
 */
export function verifyAt(secret: string, body: string, headers: IncomingHttpHeaders | Record<string, string>, nowSeconds: number): Verified {
  const flat: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) flat[k] = Array.isArray(v) ? v.join(', ') : String(v);
  vi.setSystemTime(nowSeconds * 1000);
  try {
    new Webhook(secret).verify(body, flat);
    return { ok: true };
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  } finally {
    vi.useRealTimers();
  }
}
