// Standard Webhooks signing through the official library: the spec's example, rotation, what the library verifies, rejections.
import { describe, expect, it } from 'vitest';
import { createWebhookSigner } from '../../src/notify/sign.ts';
import { verifyAt } from '../helpers/webhooks.ts';

const T = 1_800_000_000;
const ID = 'evt_0190000000001234abcd';
const BODY = '{"id":"evt_0190000000001234abcd","type":"order.paid","createdAt":1800000000,"data":{"order":{"id":"ord_1","amount":"12.50","note":"naïve ☕"}}}';
const ONE = 'whsec_' + Buffer.from('shop secret number one, 32 bytes').toString('base64');
const TWO = 'whsec_' + Buffer.from('shop secret number two, 32 bytes').toString('base64');
const THREE = 'whsec_' + Buffer.from('a secret the shop does not hold!').toString('base64');

describe('createWebhookSigner', () => {
  it("reproduces the Standard Webhooks spec's example signature", () => {
    const sign = createWebhookSigner(['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw']);
    expect(sign({ id: 'msg_p5jXN8AQM9LWM0D4loKWxJek', timestamp: 1614265330, body: '{"test": 2432232314}' })).toEqual({
      'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      'webhook-timestamp': '1614265330',
      'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    });
  });

  it('signs with every secret during a rotation: one v1 entry each, space-separated, each verifying with its own secret', () => {
    const h = createWebhookSigner([ONE, TWO])({ id: ID, timestamp: T, body: BODY });
    const entries = h['webhook-signature'].split(' ');
    expect(entries).toHaveLength(2);
    for (const e of entries) expect(e).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    expect(entries[0]).toBe(createWebhookSigner([ONE])({ id: ID, timestamp: T, body: BODY })['webhook-signature']);
    expect(verifyAt(ONE, BODY, h, T)).toEqual({ ok: true });
    expect(verifyAt(TWO, BODY, h, T)).toEqual({ ok: true });
    expect(verifyAt(THREE, BODY, h, T)).toEqual({ ok: false, reason: 'No matching signature found' });
  });

  it('is deterministic for the same attempt and changes with the timestamp (a new one per attempt)', () => {
    const sign = createWebhookSigner([ONE]);
    expect(sign({ id: ID, timestamp: T, body: BODY })).toEqual(sign({ id: ID, timestamp: T, body: BODY }));
    expect(sign({ id: ID, timestamp: T + 1, body: BODY })['webhook-signature']).not.toBe(sign({ id: ID, timestamp: T, body: BODY })['webhook-signature']);
  });

  it('covers the id, the timestamp and the exact body bytes (the library refuses any change)', () => {
    const h = createWebhookSigner([ONE])({ id: ID, timestamp: T, body: BODY });
    expect(verifyAt(ONE, BODY.replace('12.50', '1250.00'), h, T).ok).toBe(false);
    expect(verifyAt(ONE, BODY, { ...h, 'webhook-id': 'evt_other' }, T).ok).toBe(false);
    expect(verifyAt(ONE, BODY, { ...h, 'webhook-timestamp': String(T + 1) }, T).ok).toBe(false);
    expect(verifyAt(ONE, BODY, h, T + 301), "outside the library's 5-minute window").toEqual({ ok: false, reason: 'Message timestamp too old' });
  });

  it('refuses to start without a secret', () => {
    expect(() => createWebhookSigner([])).toThrow(/^OC_WEBHOOK_SECRET: at least one secret/);
  });

  it.each([
    ['a raw (non-whsec) secret', 'shop-secret-one'],
    ['a bare base64 key without the prefix', ONE.slice(6)],
    ['whsec_ with nothing after it', 'whsec_'],
    ['whsec_ with characters outside base64', 'whsec_not*base64!'],
    ['whsec_ with broken padding', 'whsec_abc'],
    ['URL-safe base64', 'whsec_' + Buffer.alloc(32, 0xfb).toString('base64url')],
  ])('refuses %s, naming the setting and which secret, never echoing it', (_what, secret) => {
    let message = '';
    try {
      createWebhookSigner([ONE, secret]);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/^OC_WEBHOOK_SECRET: secret 2 must be whsec_ followed by standard base64/);
    if (secret.length > 'whsec_'.length) expect(message).not.toContain(secret.replace(/^whsec_/, ''));
  });
});
