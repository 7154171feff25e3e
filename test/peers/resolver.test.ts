// createPeerResolver against real 127.0.0.1 metadata and registry servers, with an injected clock.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { closeServers, startServer } from './http-server.ts';
import { createMemoryLogger } from '../../src/log.ts';
import { createPeerResolver, type PeerResolverOptions } from '../../src/peers/resolver.ts';
import type { ResolveResult } from '../../src/peers/types.ts';
import { bytesToHex } from '../../src/protocol/hex.ts';
import { secp } from '../../src/protocol/noble.ts';

afterEach(closeServers);

const keyPair = (fill: number) => {
  const full = secp.getPublicKey(new Uint8Array(32).fill(fill), false);
  return { full, hex: bytesToHex(full.subarray(1)) };
};
const A = keyPair(0x11);
const B = keyPair(0x22);

/** A peer's metadata server whose key (and status) the test can change; counts requests. */
async function metadataServer(initial = A.hex, delayMs = 0) {
  const state = { hex: initial, status: 200 };
  const s = await startServer((_req, res) => {
    setTimeout(() => {
      res.writeHead(state.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ opencharge: '0.1', config: { publicKey: state.hex } }));
    }, delayMs);
  });
  return Object.assign(s, { state });
}

const T0 = 1_700_000_000;
function setup(overrides: Partial<PeerResolverOptions> = {}) {
  let t = T0;
  const log = createMemoryLogger('debug');
  const fetchSpy = vi.fn(globalThis.fetch);
  const resolver = createPeerResolver({
    peers: [],
    fetch: fetchSpy,
    now: () => t,
    allowHttp: true,
    log,
    timeoutMs: 2000,
    ...overrides,
  });
  return { resolver, log, fetchSpy, advance: (s: number) => { t += s; } };
}

const okHex = (r: ResolveResult) => {
  if (!r.ok) throw new Error(`expected ok, got ${r.code}: ${r.reason}`);
  return r.hex;
};

describe('static peers', () => {
  it('returns the configured key without any fetch', async () => {
    const { resolver, fetchSpy } = setup({ peers: [{ ocid: 7, publicKey: A.hex }] });
    expect(await resolver.resolve(7)).toEqual({ ok: true, key: A.full, hex: A.hex, source: 'static', cached: false });
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('never refetches a static key, even with metadataUrl set and refresh:true', async () => {
    const m = await metadataServer(B.hex);
    const { resolver, fetchSpy } = setup({ peers: [{ ocid: 7, publicKey: A.hex, metadataUrl: `${m.base}/metadata.json` }] });
    expect(okHex(await resolver.resolve(7, { refresh: true }))).toBe(A.hex);
    expect(fetchSpy).not.toHaveBeenCalled();
  });
});

describe('metadata peers', () => {
  it('fetches {endpoint}/metadata.json for an endpoint entry', async () => {
    const m = await metadataServer();
    const { resolver } = setup({ peers: [{ ocid: 8, endpoint: `${m.base}/opencharge` }] });
    expect(await resolver.resolve(8)).toEqual({ ok: true, key: A.full, hex: A.hex, source: 'metadata', cached: false });
    expect(m.paths).toEqual(['/opencharge/metadata.json']);
  });

  it('prefers metadataUrl over endpoint', async () => {
    const m = await metadataServer();
    const { resolver } = setup({ peers: [{ ocid: 8, metadataUrl: `${m.base}/meta.json`, endpoint: `${m.base}/elsewhere` }] });
    expect(okHex(await resolver.resolve(8))).toBe(A.hex);
    expect(m.paths).toEqual(['/meta.json']);
  });

  it('serves the second resolve from the cache', async () => {
    const m = await metadataServer();
    const { resolver } = setup({ peers: [{ ocid: 8, endpoint: m.base }] });
    await resolver.resolve(8);
    const second = await resolver.resolve(8);
    expect(second).toMatchObject({ ok: true, hex: A.hex, source: 'metadata', cached: true });
    expect(m.paths.length).toBe(1);
  });

  it('refetches once the TTL has passed (injected clock), not before', async () => {
    const m = await metadataServer();
    const { resolver, advance } = setup({ peers: [{ ocid: 8, endpoint: m.base }], ttlSeconds: 600 });
    await resolver.resolve(8);
    advance(599);
    expect(await resolver.resolve(8)).toMatchObject({ cached: true });
    expect(m.paths.length).toBe(1);
    advance(1);
    expect(await resolver.resolve(8)).toMatchObject({ ok: true, cached: false });
    expect(m.paths.length).toBe(2);
  });

  it('refresh:true refetches (after the cooldown)', async () => {
    const m = await metadataServer();
    const { resolver, advance } = setup({ peers: [{ ocid: 8, endpoint: m.base }] });
    await resolver.resolve(8);
    advance(30);
    expect(await resolver.resolve(8, { refresh: true })).toMatchObject({ ok: true, cached: false });
    expect(m.paths.length).toBe(2);
  });

  it('refresh:true within the cooldown serves the cached key without fetching', async () => {
    const m = await metadataServer();
    const { resolver, advance } = setup({ peers: [{ ocid: 8, endpoint: m.base }], refreshCooldownSeconds: 30 });
    await resolver.resolve(8);
    advance(29);
    expect(await resolver.resolve(8, { refresh: true })).toMatchObject({ ok: true, cached: true });
    expect(m.paths.length).toBe(1);
  });

  it('picks up a rotated key after refresh; before it, the cached key stands', async () => {
    const m = await metadataServer(A.hex);
    const { resolver, advance, log } = setup({ peers: [{ ocid: 8, endpoint: m.base }], refreshCooldownSeconds: 0 });
    expect(okHex(await resolver.resolve(8))).toBe(A.hex);
    m.state.hex = B.hex;
    advance(1);
    expect(okHex(await resolver.resolve(8))).toBe(A.hex);
    const refreshed = await resolver.resolve(8, { refresh: true });
    expect(refreshed).toEqual({ ok: true, key: B.full, hex: B.hex, source: 'metadata', cached: false });
    expect(await resolver.resolve(8)).toMatchObject({ hex: B.hex, cached: true });
    expect(log.lines.some((l) => l.includes('peer key changed'))).toBe(true);
  });

  it('concurrent resolves of one OCID share one fetch', async () => {
    const m = await metadataServer(A.hex, 100);
    const { resolver } = setup({ peers: [{ ocid: 8, endpoint: m.base }] });
    const results = await Promise.all(Array.from({ length: 10 }, () => resolver.resolve(8)));
    expect(results.every((r) => r.ok && r.hex === A.hex)).toBe(true);
    expect(m.paths.length).toBe(1);
  });

  it('a failed fetch is METADATA_UNAVAILABLE, logged at warn without the query string, and not cached', async () => {
    const m = await metadataServer();
    m.state.status = 500;
    const { resolver, log } = setup({ peers: [{ ocid: 8, metadataUrl: `${m.base}/m.json?token=s3cret` }] });
    expect(await resolver.resolve(8)).toEqual({ ok: false, code: 'METADATA_UNAVAILABLE', reason: 'HTTP 500' });
    const warn = log.lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.level === 'warn');
    expect(warn).toMatchObject({ msg: 'peer metadata fetch failed', ocid: 8, url: `${m.base}/m.json`, reason: 'HTTP 500' });
    expect(log.lines.join('\n')).not.toContain('s3cret');
    m.state.status = 200;
    expect(okHex(await resolver.resolve(8))).toBe(A.hex);
    expect(m.paths.length).toBe(2);
  });

  it('a failed refresh keeps the cached key for later resolves', async () => {
    const m = await metadataServer();
    const { resolver, advance } = setup({ peers: [{ ocid: 8, endpoint: m.base }], refreshCooldownSeconds: 0 });
    await resolver.resolve(8);
    m.state.status = 503;
    advance(1);
    expect(await resolver.resolve(8, { refresh: true })).toMatchObject({ ok: false, code: 'METADATA_UNAVAILABLE' });
    expect(await resolver.resolve(8)).toMatchObject({ ok: true, hex: A.hex, cached: true });
  });

  it('an invalid key in the metadata is METADATA_UNAVAILABLE', async () => {
    const m = await metadataServer('11'.repeat(64));
    const { resolver } = setup({ peers: [{ ocid: 8, endpoint: m.base }] });
    expect(await resolver.resolve(8)).toMatchObject({ ok: false, code: 'METADATA_UNAVAILABLE' });
  });

  it('evicts the least recently used key beyond maxEntries', async () => {
    const m = await metadataServer();
    const { resolver } = setup({ peers: [{ ocid: 1, endpoint: m.base }, { ocid: 2, endpoint: m.base }], maxEntries: 1 });
    await resolver.resolve(1);
    await resolver.resolve(2);
    expect(await resolver.resolve(1)).toMatchObject({ cached: false });
    expect(m.paths.length).toBe(3);
  });

  it('refuses new fetches beyond maxConcurrentFetches', async () => {
    const m = await metadataServer(A.hex, 100);
    const { resolver } = setup({ peers: [{ ocid: 1, endpoint: m.base }, { ocid: 2, endpoint: m.base }], maxConcurrentFetches: 1 });
    const [first, second] = await Promise.all([resolver.resolve(1), resolver.resolve(2)]);
    expect(first.ok).toBe(true);
    expect(second).toEqual({ ok: false, code: 'METADATA_UNAVAILABLE', reason: 'too many key fetches in progress' });
    expect(m.paths.length).toBe(1);
  });
});

describe('registry', () => {
  async function registry(answers: Record<string, { status: number; body: unknown }>) {
    return startServer((req, res) => {
      const a = answers[req.url ?? ''] ?? { status: 404, body: { error: 'not found' } };
      res.writeHead(a.status, { 'content-type': 'application/json' });
      res.end(typeof a.body === 'string' ? a.body : JSON.stringify(a.body));
    });
  }

  it('resolves an OCID not in the peers file through the template → {metadataUrl} → metadata', async () => {
    const m = await metadataServer(B.hex);
    const r = await registry({ '/ocid/77': { status: 200, body: { metadataUrl: `${m.base}/peer/metadata.json` } } });
    const { resolver } = setup({ registryUrl: `${r.base}/ocid/{ocid}` });
    expect(await resolver.resolve(77)).toEqual({ ok: true, key: B.full, hex: B.hex, source: 'registry', cached: false });
    expect(await resolver.resolve(77)).toMatchObject({ source: 'registry', cached: true });
    expect(r.paths).toEqual(['/ocid/77']);
    expect(m.paths).toEqual(['/peer/metadata.json']);
  });

  it('a registry metadataUrl without .json gets /metadata.json', async () => {
    const m = await metadataServer();
    const r = await registry({ '/ocid/77': { status: 200, body: { metadataUrl: `${m.base}/api` } } });
    const { resolver } = setup({ registryUrl: `${r.base}/ocid/{ocid}` });
    expect(okHex(await resolver.resolve(77))).toBe(A.hex);
    expect(m.paths).toEqual(['/api/metadata.json']);
  });

  it('registry 404 → UNKNOWN_OCID', async () => {
    const r = await registry({});
    const { resolver } = setup({ registryUrl: `${r.base}/ocid/{ocid}` });
    expect(await resolver.resolve(404404)).toMatchObject({ ok: false, code: 'UNKNOWN_OCID' });
    expect(r.paths).toEqual(['/ocid/404404']);
  });

  it('registry 500 → METADATA_UNAVAILABLE', async () => {
    const r = await registry({ '/ocid/5': { status: 500, body: 'oops' } });
    const { resolver, log } = setup({ registryUrl: `${r.base}/ocid/{ocid}` });
    expect(await resolver.resolve(5)).toEqual({ ok: false, code: 'METADATA_UNAVAILABLE', reason: 'registry: HTTP 500' });
    expect(log.lines.some((l) => l.includes('"level":"warn"') && l.includes('registry lookup failed'))).toBe(true);
  });

  it('a registry answer without metadataUrl → METADATA_UNAVAILABLE', async () => {
    const r = await registry({ '/ocid/5': { status: 200, body: { url: 'https://x.example' } } });
    const { resolver } = setup({ registryUrl: `${r.base}/ocid/{ocid}` });
    expect(await resolver.resolve(5)).toMatchObject({ ok: false, code: 'METADATA_UNAVAILABLE', reason: expect.stringMatching(/no metadataUrl/) });
  });

  it('a registry answer that is not JSON → METADATA_UNAVAILABLE', async () => {
    const r = await registry({ '/ocid/5': { status: 200, body: 'metadataUrl=x' } });
    const { resolver } = setup({ registryUrl: `${r.base}/ocid/{ocid}` });
    expect(await resolver.resolve(5)).toMatchObject({ ok: false, code: 'METADATA_UNAVAILABLE' });
  });

  it('a registry metadataUrl on plain http to a non-loopback host is refused without a fetch', async () => {
    const r = await registry({ '/ocid/5': { status: 200, body: { metadataUrl: 'http://169.254.169.254/metadata.json' } } });
    const { resolver, fetchSpy } = setup({ registryUrl: `${r.base}/ocid/{ocid}` });
    expect(await resolver.resolve(5)).toMatchObject({ ok: false, code: 'METADATA_UNAVAILABLE', reason: expect.stringMatching(/loopback/) });
    expect(fetchSpy).toHaveBeenCalledTimes(1); // the registry only
  });

  it('is not consulted for an OCID in the peers file', async () => {
    const m = await metadataServer();
    m.state.status = 500;
    const r = await registry({ '/ocid/8': { status: 200, body: { metadataUrl: `${m.base}/ok.json` } } });
    const { resolver } = setup({ peers: [{ ocid: 8, endpoint: m.base }], registryUrl: `${r.base}/ocid/{ocid}` });
    expect(await resolver.resolve(8)).toMatchObject({ ok: false, code: 'METADATA_UNAVAILABLE' });
    expect(r.paths).toEqual([]);
  });
});

describe('unknown callers', () => {
  it('an OCID not in the peers file, without a registry → UNKNOWN_OCID and no fetch', async () => {
    const { resolver, fetchSpy } = setup({ peers: [{ ocid: 1, publicKey: A.hex }] });
    expect(await resolver.resolve(2)).toEqual({ ok: false, code: 'UNKNOWN_OCID', reason: 'OCID 2 is not a known peer' });
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it.each([0, -1, 1.5, Number.NaN, 2 ** 53])('an invalid OCID %s → UNKNOWN_OCID', async (ocid) => {
    const { resolver, fetchSpy } = setup({ registryUrl: 'https://index.example/ocid/{ocid}' });
    expect(await resolver.resolve(ocid)).toMatchObject({ ok: false, code: 'UNKNOWN_OCID' });
    expect(fetchSpy).not.toHaveBeenCalled();
  });
});

describe('start-up misconfiguration throws', () => {
  const make = (o: Partial<PeerResolverOptions>) => () => setup(o);
  it('a plain-http peer URL when allowHttp is false', () => {
    expect(make({ allowHttp: false, peers: [{ ocid: 3, endpoint: 'http://127.0.0.1:1' }] })).toThrow(/ocid 3: endpoint: .*HTTPS only/);
  });
  it('a plain-http peer URL to a non-loopback host even when allowed', () => {
    expect(make({ peers: [{ ocid: 3, metadataUrl: 'http://peer.example/m.json' }] })).toThrow(/ocid 3: metadataUrl: .*loopback/);
  });
  it('an invalid static key', () => {
    expect(make({ peers: [{ ocid: 3, publicKey: '11'.repeat(64) }] })).toThrow(/ocid 3: publicKey/);
  });
  it('duplicate OCIDs', () => {
    expect(make({ peers: [{ ocid: 3, publicKey: A.hex }, { ocid: 3, publicKey: B.hex }] })).toThrow(/duplicate ocid 3/);
  });
  it('an entry with no source', () => {
    expect(make({ peers: [{ ocid: 3 }] })).toThrow(/ocid 3: needs/);
  });
  it('a registry template without {ocid}', () => {
    expect(make({ registryUrl: 'https://index.example/ocid/' })).toThrow(/must contain \{ocid\}/);
  });
  it('a plain-http registry on a non-loopback host', () => {
    expect(make({ registryUrl: 'http://index.example/ocid/{ocid}' })).toThrow(/registry URL template.*loopback/);
  });
  it('timeoutMs over 5000, and a non-positive TTL', () => {
    expect(make({ timeoutMs: 6000 })).toThrow(RangeError);
    expect(make({ ttlSeconds: 0 })).toThrow(/ttlSeconds/);
  });
});
