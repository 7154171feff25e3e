// X-OC-* header parsing and the timestamp window (PROFILE §2 steps 1-2); every malformed header is its own case.
import { describe, expect, it } from 'vitest';
import { isFresh, parseAuthHeaders } from '../../src/protocol/headers.ts';

const SIG = 'ab'.repeat(65);
const GOOD = { 'x-oc-id': '200', 'x-oc-timestamp': '1706500000', 'x-oc-nonce': 'req_abc123', 'x-oc-signature': SIG };
type Headers = Partial<Record<keyof typeof GOOD, string | null>>;

const parse = (patch: Headers = {}) => {
  const h: Record<string, string | null | undefined> = { ...GOOD, ...patch };
  return parseAuthHeaders((name) => h[name]);
};
const without = (name: keyof typeof GOOD) => {
  const h: Record<string, string> = { ...GOOD };
  delete h[name];
  return parseAuthHeaders((n) => h[n]);
};
function reason(result: ReturnType<typeof parse>): string {
  if (result.ok) throw new Error('expected a rejection');
  expect(result.code).toBe('INVALID_SIGNATURE');
  return result.reason;
}

describe('parseAuthHeaders: accepted', () => {
  it('returns the header texts verbatim and the numeric OCID', () => {
    expect(parse()).toEqual({ ok: true, headers: { ocid: '200', timestamp: '1706500000', nonce: 'req_abc123', signature: SIG, ocidNumber: 200 } });
  });

  it('accepts a 128-hex and an uppercase signature', () => {
    expect(parse({ 'x-oc-signature': 'ab'.repeat(64) }).ok).toBe(true);
    expect(parse({ 'x-oc-signature': SIG.toUpperCase() }).ok).toBe(true);
  });

  it('accepts a 1-character and a 128-character nonce of printable ASCII', () => {
    expect(parse({ 'x-oc-nonce': 'x' }).ok).toBe(true);
    expect(parse({ 'x-oc-nonce': '!~'.repeat(64) }).ok).toBe(true);
  });

  it('accepts the largest safe-integer OCID', () => {
    expect(parse({ 'x-oc-id': String(Number.MAX_SAFE_INTEGER) }).ok).toBe(true);
  });
});

describe('parseAuthHeaders: missing headers (reason names the header)', () => {
  it('X-OC-ID missing', () => expect(reason(without('x-oc-id'))).toMatch(/^X-OC-ID .*missing/));
  it('X-OC-Timestamp missing', () => expect(reason(without('x-oc-timestamp'))).toMatch(/^X-OC-Timestamp .*missing/));
  it('X-OC-Nonce missing', () => expect(reason(without('x-oc-nonce'))).toMatch(/^X-OC-Nonce .*missing/));
  it('X-OC-Signature missing', () => expect(reason(without('x-oc-signature'))).toMatch(/^X-OC-Signature .*missing/));
  it('a null value counts as missing', () => expect(reason(parse({ 'x-oc-nonce': null }))).toMatch(/^X-OC-Nonce .*missing/));
});

describe('parseAuthHeaders: malformed X-OC-ID', () => {
  it.each([
    ['zero', '0'],
    ['negative', '-1'],
    ['leading zero', '0200'],
    ['decimal', '1.5'],
    ['letters', 'abc'],
    ['empty', ''],
    ['surrounding space', ' 200'],
    ['beyond the safe-integer range', '9007199254740993'],
    ['17 digits', '12345678901234567'],
  ])('%s (%j)', (_n, value) => expect(reason(parse({ 'x-oc-id': value }))).toMatch(/^X-OC-ID must be a positive integer/));
});

describe('parseAuthHeaders: malformed X-OC-Timestamp', () => {
  it.each([
    ['letters', 'soon'],
    ['negative', '-1706500000'],
    ['decimal', '1706500000.5'],
    ['milliseconds-style ISO date', '2024-01-29T00:00:00Z'],
    ['empty', ''],
    ['trailing space', '1706500000 '],
    ['16 digits', '1'.repeat(16)],
  ])('%s (%j)', (_n, value) => expect(reason(parse({ 'x-oc-timestamp': value }))).toMatch(/^X-OC-Timestamp must be/));
});

describe('parseAuthHeaders: malformed X-OC-Nonce', () => {
  it.each([
    ['containing a space', 'req abc'],
    ['containing a newline (would forge a canonical field)', 'req\nPOST'],
    ['containing a carriage return', 'req\r1'],
    ['containing a tab', 'req\t1'],
    ['longer than 128 characters', 'n'.repeat(129)],
    ['empty', ''],
    ['non-ASCII', 'req_é'],
    ['a control character', 'req\x00'],
  ])('%s', (_n, value) => expect(reason(parse({ 'x-oc-nonce': value }))).toMatch(/^X-OC-Nonce must be 1-128 printable ASCII/));
});

describe('parseAuthHeaders: malformed X-OC-Signature', () => {
  it.each([
    ['127 hex', 'a'.repeat(127)],
    ['129 hex', 'a'.repeat(129)],
    ['126 hex', 'a'.repeat(126)],
    ['non-hex, right length', 'g'.repeat(130)],
    ['0x prefix', '0x' + 'ab'.repeat(64)],
    ['empty', ''],
  ])('%s', (_n, value) => expect(reason(parse({ 'x-oc-signature': value }))).toMatch(/^X-OC-Signature must be 130 or 128 hex/));
});

describe('parseAuthHeaders: check order', () => {
  it('reports the first bad header in the order ID, Timestamp, Nonce, Signature', () => {
    expect(reason(parse({ 'x-oc-timestamp': 'x', 'x-oc-nonce': ' ', 'x-oc-signature': '' }))).toMatch(/^X-OC-Timestamp/);
    expect(reason(parse({ 'x-oc-nonce': ' ', 'x-oc-signature': '' }))).toMatch(/^X-OC-Nonce/);
  });
});

describe('isFresh (injected now, default window 300 s)', () => {
  const now = 1706500000;
  it('accepts a timestamp equal to now', () => expect(isFresh(String(now), now, 300)).toBe(true));
  it('accepts exactly window seconds in the past', () => expect(isFresh(String(now - 300), now, 300)).toBe(true));
  it('rejects window + 1 seconds in the past', () => expect(isFresh(String(now - 301), now, 300)).toBe(false));
  it('accepts exactly window seconds in the future', () => expect(isFresh(String(now + 300), now, 300)).toBe(true));
  it('rejects window + 1 seconds in the future', () => expect(isFresh(String(now + 301), now, 300)).toBe(false));
  it('honours a configured window (60 s)', () => {
    expect(isFresh(String(now - 60), now, 60)).toBe(true);
    expect(isFresh(String(now - 61), now, 60)).toBe(false);
  });
  it('window 0 accepts only the exact second', () => {
    expect(isFresh(String(now), now, 0)).toBe(true);
    expect(isFresh(String(now + 1), now, 0)).toBe(false);
  });
  it('reads a timestamp with leading zeros by value', () => expect(isFresh('0' + String(now - 10), now, 300)).toBe(true));
  it('rejects a millisecond timestamp (far in the future)', () => expect(isFresh(String(now * 1000), now, 300)).toBe(false));
});
