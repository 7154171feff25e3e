// fetchPeerJson's address policy against real 127.0.0.1 servers: refused before connecting, on every hop.
// No test here sends a packet beyond loopback: refused literals never connect, and every injected DNS answer
// lists the loopback test server first, so a missing check would show up as a connection to it, not as traffic out.
import { afterEach, describe, expect, it } from 'vitest';
import { closeServers, startServer, type Handler } from '../helpers/http-server.ts';
import { fetchPeerJson } from '../../src/peers/fetch-json.ts';
import type { HostResolver } from '../../src/peers/address-policy.ts';

afterEach(closeServers);

const ok: Handler = (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end('{"ok":true}');
};
const redirectTo = (location: string): Handler => (_req, res) => {
  res.writeHead(302, { location });
  res.end();
};

/** A DNS stand-in: answers `table[name]`, records every name asked. */
function dns(table: Record<string, string[]>) {
  const asked: string[] = [];
  const resolveHost: HostResolver = async (name) => {
    asked.push(name);
    return (table[name] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return { asked, resolveHost };
}

const reason = (r: Awaited<ReturnType<typeof fetchPeerJson>>) => {
  if (r.ok) throw new Error('expected a refusal');
  return r.reason;
};

describe('loopback without OC_ALLOW_HTTP_PEERS', () => {
  it('refuses https://localhost (a name that resolves to loopback) before connecting', async () => {
    const s = await startServer(ok);
    const r = await fetchPeerJson(`https://localhost:${s.port}/metadata.json`, { allowHttp: false });
    expect(reason(r)).toMatch(/^localhost: address (127\.0\.0\.1|::1) is loopback \(allowed only with OC_ALLOW_HTTP_PEERS=1\)$/);
    expect(s.connections()).toBe(0);
  });

  it('refuses a literal https://127.0.0.1 before connecting', async () => {
    const s = await startServer(ok);
    expect(reason(await fetchPeerJson(`https://127.0.0.1:${s.port}/m.json`, {}))).toBe('address 127.0.0.1 is loopback (allowed only with OC_ALLOW_HTTP_PEERS=1)');
    expect(s.connections()).toBe(0);
  });

  it('refuses an IPv4-mapped literal https://[::ffff:127.0.0.1] before connecting', async () => {
    const s = await startServer(ok);
    expect(reason(await fetchPeerJson(`https://[::ffff:127.0.0.1]:${s.port}/m.json`, {}))).toMatch(/^address ::ffff:7f00:1 is loopback/);
    expect(s.connections()).toBe(0);
  });
});

describe('refused literal addresses (even with OC_ALLOW_HTTP_PEERS=1)', () => {
  it.each([
    ['private 10/8', 'https://10.0.0.1/metadata.json', /^address 10\.0\.0\.1 is private \(RFC 1918\)$/],
    ['private 172.16/12', 'https://172.16.0.1/metadata.json', /is private/],
    ['private 192.168/16', 'https://192.168.0.1/metadata.json', /is private/],
    ['link-local 169.254.169.254 (cloud metadata)', 'https://169.254.169.254/latest/meta-data.json', /^address 169\.254\.169\.254 is link-local$/],
    ['link-local fe80::/10', 'https://[fe80::1]/metadata.json', /is link-local/],
    ['unique-local fc00::/7', 'https://[fd00::1]/metadata.json', /is unique-local/],
    ['CGNAT 100.64/10', 'https://100.64.0.1/metadata.json', /is carrier-grade NAT/],
    ['unspecified 0.0.0.0', 'https://0.0.0.0/metadata.json', /is unspecified/],
    ['unspecified ::', 'https://[::]/metadata.json', /is unspecified/],
    ['IPv4-mapped private', 'https://[::ffff:192.168.0.1]/metadata.json', /is private/],
    ['multicast', 'https://224.0.0.1/metadata.json', /is multicast/],
    ['broadcast', 'https://255.255.255.255/metadata.json', /is broadcast/],
  ])('refuses %s before any DNS or connection', async (_name, url, expected) => {
    const d = dns({});
    expect(reason(await fetchPeerJson(url, { allowHttp: true, resolveHost: d.resolveHost }))).toMatch(expected);
    expect(d.asked).toEqual([]);
  });
});

describe('refused after DNS resolution', () => {
  it.each([
    ['private', '10.9.8.7', 'is private (RFC 1918)'],
    ['link-local', '169.254.169.254', 'is link-local'],
    ['unique-local', 'fd00::7', 'is unique-local (fc00::/7)'],
    ['CGNAT', '100.64.1.1', 'is carrier-grade NAT (100.64.0.0/10)'],
    ['unspecified', '0.0.0.0', 'is unspecified'],
  ])('refuses a name with a %s address among its answers, before connecting to any of them', async (_name, address, expected) => {
    const s = await startServer(ok);
    const d = dns({ 'peer.test': ['127.0.0.1', address] });
    const r = await fetchPeerJson(`https://peer.test:${s.port}/metadata.json`, { allowHttp: true, resolveHost: d.resolveHost });
    expect(reason(r)).toBe(`peer.test: address ${address} ${expected}`);
    expect(d.asked).toEqual(['peer.test']);
    expect(s.connections()).toBe(0);
  });

  it('plain http to localhost is refused when localhost resolves to anything but loopback', async () => {
    const s = await startServer(ok);
    const d = dns({ localhost: ['127.0.0.1', '8.8.8.8'] });
    const r = await fetchPeerJson(`http://localhost:${s.port}/metadata.json`, { allowHttp: true, resolveHost: d.resolveHost });
    expect(reason(r)).toBe('localhost: address 8.8.8.8 is not loopback (plain HTTP is allowed only to loopback)');
    expect(s.connections()).toBe(0);
  });

  it('connects to the checked address: a name pointed at the loopback server reaches it', async () => {
    const s = await startServer(ok);
    const d = dns({ localhost: ['127.0.0.1'], 'peer.test': ['127.0.0.1'] });
    const r = await fetchPeerJson(`http://localhost:${s.port}/m.json`, { allowHttp: true, resolveHost: d.resolveHost });
    expect(r).toEqual({ ok: true, status: 200, json: { ok: true } });
    // https to a name: the policy passes, the socket reaches the server (whose plain HTTP fails the TLS handshake).
    const tls = await fetchPeerJson(`https://peer.test:${s.port}/m.json`, { allowHttp: true, resolveHost: d.resolveHost });
    expect(tls.ok).toBe(false);
    expect(d.asked).toEqual(['localhost', 'peer.test']);
    expect(s.connections()).toBe(2);
  });
});

describe('every redirect hop is checked', () => {
  it.each([
    ['private 10/8', 'https://10.0.0.1/metadata.json', 'redirect refused: address 10.0.0.1 is private (RFC 1918)'],
    ['link-local 169.254/16', 'https://169.254.169.254/latest/meta-data.json', 'redirect refused: address 169.254.169.254 is link-local'],
    ['unique-local fc00::/7', 'https://[fd12::1]/metadata.json', 'redirect refused: address fd12::1 is unique-local (fc00::/7)'],
    ['CGNAT 100.64/10', 'https://100.64.0.1/metadata.json', 'redirect refused: address 100.64.0.1 is carrier-grade NAT (100.64.0.0/10)'],
    ['IPv4-mapped link-local', 'https://[::ffff:169.254.1.1]/metadata.json', 'redirect refused: address ::ffff:a9fe:101 is link-local'],
  ])('refuses a redirect from an allowed loopback host to %s without following it', async (_name, location, expected) => {
    const s = await startServer(redirectTo(location));
    const r = await fetchPeerJson(`${s.base}/metadata.json`, { allowHttp: true });
    expect(reason(r)).toBe(expected);
    expect(s.paths).toEqual(['/metadata.json']);
  });

  it('refuses a redirect to a name whose DNS answer holds a private address', async () => {
    const s = await startServer((req, res) => (req.url === '/start.json' ? redirectTo(`https://internal.test:${s.port}/m.json`)(req, res) : ok(req, res)));
    const d = dns({ 'internal.test': ['127.0.0.1', '10.0.0.7'] });
    const r = await fetchPeerJson(`${s.base}/start.json`, { allowHttp: true, resolveHost: d.resolveHost });
    expect(reason(r)).toBe('internal.test: address 10.0.0.7 is private (RFC 1918)');
    expect(d.asked).toEqual(['internal.test']);
    expect(s.connections()).toBe(1); // the first hop only
  });
});
