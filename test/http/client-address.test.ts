// The client address behind the per-address limits: the runtime's socket peer, X-Forwarded-For only via trusted proxies.
import { describe, expect, it } from 'vitest';
import { addressKey, createClientAddress, runtimeSocketAddress } from '../../src/http/client-address.ts';
import { loadConfig, parseRate } from '../../src/config.ts';

const req = new Request('http://x/');

describe('runtimeSocketAddress', () => {
  it("reads Node's env.incoming.socket.remoteAddress (@hono/node-server)", () => {
    expect(runtimeSocketAddress(req, { incoming: { socket: { remoteAddress: '203.0.113.9' } }, outgoing: {} })).toBe('203.0.113.9');
  });
  it("asks Bun's server.requestIP(request) (Bun.serve passes the server as env)", () => {
    const server = { requestIP: (r: Request) => (r === req ? { address: '198.51.100.4', family: 'IPv4', port: 1 } : null) };
    expect(runtimeSocketAddress(req, server)).toBe('198.51.100.4');
    expect(runtimeSocketAddress(new Request('http://y/'), server)).toBeUndefined();
  });
  it('is undefined without a runtime (app.request() with no env)', () => {
    expect(runtimeSocketAddress(req, undefined)).toBeUndefined();
    expect(runtimeSocketAddress(req, {})).toBeUndefined();
  });
});

describe('createClientAddress', () => {
  it('without trusted proxies, X-Forwarded-For is ignored: anyone can write it', () => {
    const resolve = createClientAddress([]);
    expect(resolve('203.0.113.9', '1.2.3.4')).toBe('203.0.113.9');
  });
  it('normalises an IPv4-mapped IPv6 peer to IPv4', () => {
    expect(createClientAddress([])('::ffff:203.0.113.9', undefined)).toBe('203.0.113.9');
  });
  it('believes X-Forwarded-For only when the peer is a trusted proxy', () => {
    const resolve = createClientAddress(['10.0.0.0/8', '::1']);
    expect(resolve('10.1.2.3', '198.51.100.7')).toBe('198.51.100.7');
    expect(resolve('::1', '198.51.100.7')).toBe('198.51.100.7');
    expect(resolve('203.0.113.9', '198.51.100.7')).toBe('203.0.113.9');
  });
  it('reads from the right and stops at the first untrusted hop (left of it is the client’s own words)', () => {
    const resolve = createClientAddress(['10.0.0.0/8']);
    expect(resolve('10.0.0.1', '6.6.6.6, 198.51.100.7, 10.0.0.2')).toBe('198.51.100.7');
    expect(resolve('10.0.0.1', '10.0.0.3, 10.0.0.2')).toBe('10.0.0.3');
    expect(resolve('10.0.0.1', '198.51.100.7:4711')).toBe('198.51.100.7');
    expect(resolve('10.0.0.1', '[2001:db8::1]:443')).toBe('2001:db8::1');
  });
  it('a malformed hop ends the walk at the last good one', () => {
    expect(createClientAddress(['10.0.0.0/8'])('10.0.0.1', 'garbage, 10.0.0.2')).toBe('10.0.0.2');
  });
});

describe('addressKey', () => {
  it('IPv4 as is; IPv6 by its /64; unknown as one shared key', () => {
    expect(addressKey('203.0.113.9')).toBe('203.0.113.9');
    expect(addressKey('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:2:bbbb::2')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
    expect(addressKey(undefined)).toBe('unknown');
    expect(addressKey('not an address')).toBe('unknown');
  });
});

describe('rate settings', () => {
  it('`rate` (burst 5 × rate), `rate/burst`, and 0 = off', () => {
    expect(parseRate('100', 'OC_RATE_LIMIT')).toEqual({ rate: 100, burst: 500 });
    expect(parseRate('100/150', 'OC_RATE_LIMIT')).toEqual({ rate: 100, burst: 150 });
    expect(parseRate(' 7/7 ', 'OC_RATE_LIMIT')).toEqual({ rate: 7, burst: 7 });
    expect(parseRate('0', 'OC_RATE_LIMIT')).toBeUndefined();
  });
  it('defaults: 100/s burst 500 per caller, 200/s burst 1000 per address, no trusted proxies', () => {
    const c = loadConfig({});
    expect(c.rateLimit).toEqual({ rate: 100, burst: 500 });
    expect(c.rateLimitIp).toEqual({ rate: 200, burst: 1000 });
    expect(c.trustedProxies).toEqual([]);
    expect(loadConfig({ OC_RATE_LIMIT: '0', OC_RATE_LIMIT_IP: '0' })).toMatchObject({ rateLimit: undefined, rateLimitIp: undefined });
  });
  it.each([
    ['OC_RATE_LIMIT', 'fast', /OC_RATE_LIMIT: 'fast' is not valid: use requests per second, optionally with a burst, like 100 or 100\/500/],
    ['OC_RATE_LIMIT', '10/5', /OC_RATE_LIMIT: '10\/5' is not valid: the burst \(5\) must be at least the rate \(10\)/],
    ['OC_RATE_LIMIT', '0/10', /OC_RATE_LIMIT: '0\/10' is not valid: a rate of 0 takes no burst/],
    ['OC_RATE_LIMIT_IP', '-1', /OC_RATE_LIMIT_IP: '-1' is not valid/],
    ['OC_RATE_LIMIT_IP', '1.5', /OC_RATE_LIMIT_IP: '1.5' is not valid/],
    ['OC_TRUSTED_PROXIES', '10.0.0.0/33', /OC_TRUSTED_PROXIES: '10.0.0.0\/33' is not an IP address or CIDR range/],
    ['OC_TRUSTED_PROXIES', '127.1', /OC_TRUSTED_PROXIES: '127.1' is not an IP address/],
    ['OC_TRUSTED_PROXIES', 'proxy.internal', /OC_TRUSTED_PROXIES: 'proxy.internal'/],
  ])('%s=%s is refused, naming the setting', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });
  it('OC_TRUSTED_PROXIES takes addresses and ranges, comma-separated', () => {
    expect(loadConfig({ OC_TRUSTED_PROXIES: '10.0.0.0/8, ::1,192.0.2.1' }).trustedProxies).toEqual(['10.0.0.0/8', '::1', '192.0.2.1']);
  });
});
