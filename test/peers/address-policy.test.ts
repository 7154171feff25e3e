// The resolved-IP rules of peer fetches (PROFILE §7): one named case per refused range, pure, no traffic.
import { describe, expect, it } from 'vitest';
import { checkAddress, checkedLookup, type AddressRule } from '../../src/peers/address-policy.ts';

const verdict = (ip: string, rule: AddressRule = 'public') => {
  const r = checkAddress(ip, rule);
  return r.ok ? 'ok' : r.reason;
};

describe('checkAddress: refused ranges (rule "public")', () => {
  it.each([
    ['loopback 127.0.0.1', '127.0.0.1', /is loopback \(allowed only with OC_ALLOW_HTTP_PEERS=1\)/],
    ['loopback 127.255.0.9', '127.255.0.9', /is loopback/],
    ['loopback ::1', '::1', /is loopback/],
    ['private 10/8', '10.0.0.1', /is private \(RFC 1918\)/],
    ['private 172.16/12', '172.16.5.4', /is private \(RFC 1918\)/],
    ['private 172.31/12 upper edge', '172.31.255.255', /is private/],
    ['private 192.168/16', '192.168.1.1', /is private \(RFC 1918\)/],
    ['link-local 169.254/16 (cloud metadata)', '169.254.169.254', /is link-local/],
    ['link-local fe80::/10', 'fe80::1', /is link-local/],
    ['link-local fe80::/10 with a zone', 'fe80::1%eth0', /is link-local/],
    ['unique-local fc00::/7 (fc)', 'fc00::1', /is unique-local \(fc00::\/7\)/],
    ['unique-local fc00::/7 (fd)', 'fd12:3456:789a::1', /is unique-local/],
    ['CGNAT 100.64/10', '100.64.0.1', /is carrier-grade NAT \(100\.64\.0\.0\/10\)/],
    ['CGNAT 100.64/10 upper edge', '100.127.255.254', /is carrier-grade NAT/],
    ['unspecified 0.0.0.0', '0.0.0.0', /is unspecified/],
    ['"this network" 0/8', '0.1.2.3', /is unspecified/],
    ['unspecified ::', '::', /is unspecified/],
    ['broadcast', '255.255.255.255', /is broadcast/],
    ['multicast 224/4', '224.0.0.251', /is multicast/],
    ['multicast ff00::/8', 'ff02::1', /is multicast/],
    ['reserved 240/4', '240.0.0.1', /is special-purpose/],
    ['documentation 192.0.2/24', '192.0.2.10', /is special-purpose/],
    ['benchmarking 198.18/15', '198.18.0.1', /is special-purpose/],
    ['IPv4-mapped loopback ::ffff:127.0.0.1', '::ffff:127.0.0.1', /is loopback/],
    ['IPv4-mapped private ::ffff:10.0.0.1', '::ffff:10.0.0.1', /is private/],
    ['IPv4-mapped link-local in hex ::ffff:a9fe:a9fe', '::ffff:a9fe:a9fe', /is link-local/],
    ['NAT64 64:ff9b::/96 carrying 10.0.0.1', '64:ff9b::a00:1', /is private/],
    ['NAT64 64:ff9b::/96 carrying 127.0.0.1', '64:ff9b::7f00:1', /is loopback/],
    ['IPv4-compatible ::a.b.c.d (deprecated)', '::a00:1', /is special-purpose/],
    ['6to4 2002::/16', '2002:a00:1::1', /is special-purpose/],
    ['Teredo 2001::/32', '2001:0:4136:e378::1', /is special-purpose/],
    ['documentation 2001:db8::/32', '2001:db8::1', /is special-purpose/],
  ])('refuses %s', (_name, ip, reason) => {
    expect(verdict(ip)).toMatch(reason);
  });

  it('refuses what is not an IP address', () => {
    expect(verdict('peer.example')).toMatch(/not an IP address/);
  });
});

describe('checkAddress: allowed', () => {
  it.each(['93.184.215.14', '8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8', '64:ff9b::808:808'])(
    'accepts public unicast %s',
    (ip) => expect(verdict(ip)).toBe('ok'),
  );

  it.each(['127.0.0.1', '::1', '::ffff:127.0.0.1'])('accepts loopback %s only with OC_ALLOW_HTTP_PEERS (rule public-or-loopback)', (ip) => {
    expect(verdict(ip, 'public-or-loopback')).toBe('ok');
  });

  it('still refuses private addresses with OC_ALLOW_HTTP_PEERS (rule public-or-loopback)', () => {
    expect(verdict('10.0.0.1', 'public-or-loopback')).toMatch(/is private/);
    expect(verdict('169.254.169.254', 'public-or-loopback')).toMatch(/is link-local/);
  });

  it('plain HTTP (rule loopback-only) reaches loopback and nothing else, public addresses included', () => {
    expect(verdict('127.0.0.1', 'loopback-only')).toBe('ok');
    expect(verdict('::1', 'loopback-only')).toBe('ok');
    expect(verdict('8.8.8.8', 'loopback-only')).toMatch(/not loopback/);
    expect(verdict('10.0.0.1', 'loopback-only')).toMatch(/not loopback/);
  });
});

describe('checkedLookup', () => {
  const run = (rule: AddressRule, answers: Array<{ address: string; family: number }>, all = true) =>
    new Promise<{ err: Error | null; address: unknown; family?: number }>((resolve) => {
      checkedLookup(rule, async () => answers)('peer.test', { all }, (err, address, family) => resolve({ err, address, family }));
    });

  it('passes every address on when all of them are allowed', async () => {
    const answers = [{ address: '8.8.8.8', family: 4 }, { address: '2606:4700:4700::1111', family: 6 }];
    expect(await run('public', answers)).toEqual({ err: null, address: answers, family: undefined });
    expect(await run('public', answers, false)).toEqual({ err: null, address: '8.8.8.8', family: 4 });
  });

  it('refuses the whole name when any one of its addresses is refused', async () => {
    const r = await run('public', [{ address: '8.8.8.8', family: 4 }, { address: '10.1.2.3', family: 4 }]);
    expect(r.err?.message).toBe('peer.test: address 10.1.2.3 is private (RFC 1918)');
  });

  it('refuses a name with no address', async () => {
    expect((await run('public', [])).err?.message).toMatch(/has no address/);
  });
});
