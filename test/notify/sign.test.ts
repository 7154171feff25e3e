// Standard Webhooks signing: a vector computed independently with node:crypto, rotation, and every rejection path.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhook, webhookKey } from '../../src/notify/sign.ts';

const T = 1_800_000_000;
const ID = 'evt_0190000000001234abcd';
const BODY = '{"id":"evt_0190000000001234abcd","type":"order.paid","createdAt":1800000000,"data":{"order":{"id":"ord_1","amount":"12.50"}}}';
const PLAIN = 'shop-secret-one';
const OTHER = 'shop-secret-two';
const KEY_BYTES = Buffer.from('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'base64');
const WHSEC = 'whsec_' + KEY_BYTES.toString('base64');

const independent = (key: Buffer | string, id: string, ts: number | string, body: string) =>
  'v1,' + createHmac('sha256', key).update(`${id}.${ts}.${body}`).digest('base64');

const signed = (secrets: string[], o: { id?: string; ts?: number; body?: string } = {}) => {
  const body = o.body ?? BODY;
  return { body, headers: signWebhook({ id: o.id ?? ID, timestamp: o.ts ?? T, body, secrets }) };
};

describe('signWebhook', () => {
  it('matches HMAC-SHA256 over "id.timestamp.body" computed with node:crypto (plain secret = UTF-8 bytes)', () => {
    const h = signWebhook({ id: ID, timestamp: T, body: BODY, secrets: [PLAIN] });
    expect(h).toEqual({ 'webhook-id': ID, 'webhook-timestamp': String(T), 'webhook-signature': independent(PLAIN, ID, T, BODY) });
  });

  it('uses the base64-decoded key for a whsec_ secret', () => {
    const h = signWebhook({ id: ID, timestamp: T, body: BODY, secrets: [WHSEC] });
    expect(h['webhook-signature']).toBe(independent(KEY_BYTES, ID, T, BODY));
    expect(h['webhook-signature']).not.toBe(independent(WHSEC, ID, T, BODY));
  });

  it('signs bytes exactly like the same text', () => {
    const a = signWebhook({ id: ID, timestamp: T, body: BODY, secrets: [PLAIN] });
    const b = signWebhook({ id: ID, timestamp: T, body: new TextEncoder().encode(BODY), secrets: [PLAIN] });
    expect(b).toEqual(a);
  });

  it('emits one space-separated v1 entry per secret during a rotation', () => {
    const h = signWebhook({ id: ID, timestamp: T, body: BODY, secrets: [PLAIN, OTHER] });
    expect(h['webhook-signature']).toBe(`${independent(PLAIN, ID, T, BODY)} ${independent(OTHER, ID, T, BODY)}`);
  });

  it('refuses to sign without a secret, and rejects a malformed whsec_ without echoing it', () => {
    expect(() => signWebhook({ id: ID, timestamp: T, body: BODY, secrets: [] })).toThrow(/OC_WEBHOOK_SECRET/);
    expect(() => webhookKey('whsec_not*base64!')).toThrow(/OC_WEBHOOK_SECRET/);
    expect(() => webhookKey('whsec_not*base64!')).not.toThrow(/not\*base64/);
    expect(() => webhookKey('whsec_')).toThrow(/OC_WEBHOOK_SECRET/);
    expect(() => webhookKey('')).toThrow(/OC_WEBHOOK_SECRET/);
  });
});

describe('verifyWebhook', () => {
  it('accepts a fresh, correctly signed notification', () => {
    const { headers, body } = signed([PLAIN]);
    expect(verifyWebhook({ headers, body, secrets: [PLAIN], now: T })).toEqual({ ok: true });
  });

  it('accepts a whsec_ secret and the raw bytes', () => {
    const { headers, body } = signed([WHSEC]);
    expect(verifyWebhook({ headers, body: new TextEncoder().encode(body), secrets: [WHSEC], now: T })).toEqual({ ok: true });
  });

  it('rotation: a notification signed with two secrets verifies with either one alone', () => {
    const { headers, body } = signed([PLAIN, OTHER]);
    expect(verifyWebhook({ headers, body, secrets: [PLAIN], now: T })).toEqual({ ok: true });
    expect(verifyWebhook({ headers, body, secrets: [OTHER], now: T })).toEqual({ ok: true });
    // …and a shop holding both (mid-rotation) accepts a notification signed with only the new one.
    const newOnly = signed([OTHER]);
    expect(verifyWebhook({ headers: newOnly.headers, body: newOnly.body, secrets: [PLAIN, OTHER], now: T })).toEqual({ ok: true });
  });

  it('takes Headers objects and node-style header records in any case', () => {
    const { headers, body } = signed([PLAIN]);
    expect(verifyWebhook({ headers: new Headers({ ...headers }), body, secrets: [PLAIN], now: T }).ok).toBe(true);
    const upper = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toUpperCase(), v]));
    expect(verifyWebhook({ headers: upper, body, secrets: [PLAIN], now: T }).ok).toBe(true);
  });

  it('rejects a wrong secret', () => {
    const { headers, body } = signed([PLAIN]);
    expect(verifyWebhook({ headers, body, secrets: [OTHER], now: T })).toEqual({ ok: false, reason: 'no_matching_signature' });
  });

  it('rejects a tampered body (one byte)', () => {
    const { headers } = signed([PLAIN]);
    const tampered = BODY.replace('12.50', '12.51');
    expect(verifyWebhook({ headers, body: tampered, secrets: [PLAIN], now: T })).toEqual({ ok: false, reason: 'no_matching_signature' });
  });

  it('rejects a tampered id', () => {
    const { headers, body } = signed([PLAIN]);
    const h = { ...headers, 'webhook-id': ID + 'x' };
    expect(verifyWebhook({ headers: h, body, secrets: [PLAIN], now: T })).toEqual({ ok: false, reason: 'no_matching_signature' });
  });

  it('rejects a tampered timestamp inside the window', () => {
    const { headers, body } = signed([PLAIN]);
    const h = { ...headers, 'webhook-timestamp': String(T + 1) };
    expect(verifyWebhook({ headers: h, body, secrets: [PLAIN], now: T })).toEqual({ ok: false, reason: 'no_matching_signature' });
  });

  it('rejects a stale or future timestamp outside ±300 s, and honours a custom tolerance', () => {
    const { headers, body } = signed([PLAIN]);
    expect(verifyWebhook({ headers, body, secrets: [PLAIN], now: T + 300 }).ok).toBe(true);
    expect(verifyWebhook({ headers, body, secrets: [PLAIN], now: T + 301 })).toEqual({ ok: false, reason: 'timestamp_out_of_window' });
    expect(verifyWebhook({ headers, body, secrets: [PLAIN], now: T - 301 })).toEqual({ ok: false, reason: 'timestamp_out_of_window' });
    expect(verifyWebhook({ headers, body, secrets: [PLAIN], now: T + 30, toleranceSeconds: 10 })).toEqual({ ok: false, reason: 'timestamp_out_of_window' });
  });

  it('rejects a timestamp that is not whole seconds', () => {
    const { headers, body } = signed([PLAIN]);
    for (const ts of ['1800000000.5', '-1', 'abc', '1e9'])
      expect(verifyWebhook({ headers: { ...headers, 'webhook-timestamp': ts }, body, secrets: [PLAIN], now: T })).toEqual({ ok: false, reason: 'bad_timestamp' });
  });

  it.each(['webhook-id', 'webhook-timestamp', 'webhook-signature'])('rejects a notification without %s', (name) => {
    const { headers, body } = signed([PLAIN]);
    const h: Record<string, string> = { ...headers };
    delete h[name];
    expect(verifyWebhook({ headers: h, body, secrets: [PLAIN], now: T })).toEqual({ ok: false, reason: 'missing_headers' });
  });

  it('ignores entries of other versions (no downgrade) and garbage entries', () => {
    const { headers, body } = signed([PLAIN]);
    const raw = headers['webhook-signature'].slice(3);
    for (const sig of [`v0,${raw}`, `v1a,${raw}`, `v1,${raw}!!`, `v1,`, raw])
      expect(verifyWebhook({ headers: { ...headers, 'webhook-signature': sig }, body, secrets: [PLAIN], now: T }).ok).toBe(false);
    const mixed = `v2,abcd v1,${Buffer.alloc(32).toString('base64')} ${headers['webhook-signature']}`;
    expect(verifyWebhook({ headers: { ...headers, 'webhook-signature': mixed }, body, secrets: [PLAIN], now: T }).ok).toBe(true);
  });
});
