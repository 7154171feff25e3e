// The README's shop-side verification snippet (node:crypto only), run against what the worker's signer produces.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhook } from '../../src/notify/sign.ts';

// ── copied verbatim from the README section "Notifications to your shop" ──
function verifyOpencharge(headers: Record<string, string | undefined>, rawBody: Buffer | string, secrets: string[], now = Math.floor(Date.now() / 1000)) {
  const id = headers['webhook-id'];
  const ts = headers['webhook-timestamp'];
  const sig = headers['webhook-signature'];
  if (!id || !ts || !sig || !/^\d+$/.test(ts) || Math.abs(now - Number(ts)) > 300) return false;
  const given = sig.split(' ').filter((s) => s.startsWith('v1,')).map((s) => Buffer.from(s.slice(3), 'base64'));
  return secrets.some((secret) => {
    const key = secret.startsWith('whsec_') ? Buffer.from(secret.slice(6), 'base64') : Buffer.from(secret, 'utf8');
    const expected = createHmac('sha256', key).update(`${id}.${ts}.`).update(rawBody).digest();
    return given.some((g) => g.length === expected.length && timingSafeEqual(g, expected));
  });
}
// ── end of snippet ──

const T = 1_800_000_000;
const WHSEC = 'whsec_' + Buffer.from('a 32-byte key for the shop test!').toString('base64');
const BODY = '{"id":"evt_1","type":"order.paid","createdAt":1800000000,"data":{"order":{"id":"ord_1"}}}';

describe('README verification snippet', () => {
  it('accepts what the worker signs (whsec_ and plain secrets, rotation) and rejects tampering and staleness', () => {
    const h = signWebhook({ id: 'evt_1', timestamp: T, body: BODY, secrets: [WHSEC, 'plain-secret'] });
    expect(verifyOpencharge(h, Buffer.from(BODY), [WHSEC], T)).toBe(true);
    expect(verifyOpencharge(h, BODY, ['plain-secret'], T)).toBe(true);
    expect(verifyOpencharge(h, BODY, ['other'], T)).toBe(false);
    expect(verifyOpencharge(h, BODY.replace('ord_1', 'ord_2'), [WHSEC], T)).toBe(false);
    expect(verifyOpencharge({ ...h, 'webhook-id': 'evt_2' }, BODY, [WHSEC], T)).toBe(false);
    expect(verifyOpencharge(h, BODY, [WHSEC], T + 301)).toBe(false);
    expect(verifyOpencharge({ ...h, 'webhook-signature': undefined }, BODY, [WHSEC], T)).toBe(false);
  });
});
