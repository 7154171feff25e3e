// The README's shop-side verification snippet (the official standardwebhooks library), run against what the worker signs.
import { describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { createWebhookSigner } from '../../src/notify/sign.ts';

// ── copied from the README section "Notifications to your shop" (types added) ──
/** The event when one of your secrets verifies the raw body; null otherwise. */
function verifyOpencharge(rawBody: string | Buffer, headers: Record<string, string>, secrets: string[]) {
  for (const secret of secrets) {
    try {
      return new Webhook(secret).verify(rawBody, headers) as { id: string; type: string; data: unknown };
    } catch {
      // not this secret (or stale, or tampered): try the next one
    }
  }
  return null;
}
// ── end of snippet ──

const OLD = 'whsec_' + Buffer.from('the key the shop had until today').toString('base64');
const NEW = 'whsec_' + Buffer.from('a 32-byte key for the shop test!').toString('base64');
const OTHER = 'whsec_' + Buffer.from('somebody else entirely, 32 bytes').toString('base64');
const BODY = '{"id":"evt_1","type":"order.paid","createdAt":1800000000,"data":{"order":{"id":"ord_1"}}}';

describe('README verification snippet', () => {
  it('accepts what the worker signs during a rotation and rejects tampering, other secrets and staleness', () => {
    const now = Math.floor(Date.now() / 1000); // the library checks its 5-minute window against the real clock
    const h = createWebhookSigner([OLD, NEW])({ id: 'evt_1', timestamp: now, body: BODY });
    expect(verifyOpencharge(Buffer.from(BODY), h, [NEW])).toMatchObject({ id: 'evt_1', type: 'order.paid' });
    expect(verifyOpencharge(BODY, h, [OLD])?.id).toBe('evt_1');
    expect(verifyOpencharge(BODY, h, [OTHER])).toBeNull();
    expect(verifyOpencharge(BODY.replace('ord_1', 'ord_2'), h, [NEW, OLD])).toBeNull();
    expect(verifyOpencharge(BODY, { ...h, 'webhook-id': 'evt_2' }, [NEW])).toBeNull();
    const stale = createWebhookSigner([NEW])({ id: 'evt_1', timestamp: now - 400, body: BODY });
    expect(verifyOpencharge(BODY, stale, [NEW])).toBeNull();
    const { 'webhook-signature': _gone, ...unsigned } = h;
    expect(verifyOpencharge(BODY, unsigned, [NEW])).toBeNull();
  });
});
