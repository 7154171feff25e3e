// createPeerResolver against real 127.0.0.1 metadata and registry servers, with an injected clock.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { closeServers, startServer } from '../helpers/http-server.ts';
import { createMemoryLogger } from '../../src/log.ts';
import { createPeerResolver, type PeerResolverOptions } from '../../src/peers/resolver.ts';
import type { KeyResolver, ResolveResult } from '../../src/peers/types.ts';
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
  // Every DNS lookup the fetch policy makes; the tests' servers are IP literals, so names show up only when used.
  const lookups: string[] = [];
  const resolver = createPeerResolver({
    peers: [],
    now: () => t,
    resolveHost: async (host) => {
      lookups.push(host);
      return [{ address: '127.0.0.1', family: 4 }];
    },
    allowHttp: true,
    log,
    timeoutMs: 2000,
    ...overrides,
  });
  return { resolver, log, lookups, advance: (s: number) => { t += s; } };
}

const okHex = (r: ResolveResult) => {
  if (!r.ok) throw new Error(`expected ok, got ${r.code}: ${r.reason}`);
  return r.hex;
};

describe('static peers', () => {
  it('returns the configured key without any fetch', async () => {
    const { resolver } = setup({ peers: [{ ocid: 7, publicKey: A.hex }] });
    expect(await resolver.resolve(7)).toEqual({ ok: true, key: A.full, hex: A.hex, source: 'static', cached: false });
  });

  it('never refetches a static key, even with metadataUrl set and refresh:true', async () => {
    const m = await metadataServer(B.hex);
    const { resolver } = setup({ peers: [{ ocid: 7, publicKey: A.hex, metadataUrl: `${m.base}/metadata.json` }] });
    expect(okHex(await resolver.resolve(7, { refresh: true }))).toBe(A.hex);
    expect(m.connections()).toBe(0);
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

  it('a failed fetch is METADATA_UNAVAILABLE with a generic reason, logged at warn without the query string', async () => {
    const m = await metadataServer();
    m.state.status = 500;
    const { resolver, log, advance } = setup({ peers: [{ ocid: 8, metadataUrl: `${m.base}/m.json?token=s3cret` }] });
    expect(await resolver.resolve(8)).toEqual({ ok: false, code: 'METADATA_UNAVAILABLE', reason: 'the key of OCID 8 could not be resolved' });
    const warn = log.lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.level === 40);
    expect(warn).toMatchObject({ msg: 'peer metadata fetch failed', ocid: 8, url: `${m.base}/m.json`, reason: 'HTTP 500' });
    expect(log.lines.join('\n')).not.toContain('s3cret');
    m.state.status = 200;
    advance(60); // the negative TTL
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
    const peers = [1, 2, 3].map((ocid) => ({ ocid, endpoint: m.base }));
    const { resolver, log } = setup({ peers, maxConcurrentFetches: 2, reservedFetches: 1 });
    const [first, second, third] = await Promise.all([resolver.resolve(1), resolver.resolve(2), resolver.resolve(3)]);
    expect(first.ok && second.ok).toBe(true);
    expect(third).toEqual({ ok: false, code: 'METADATA_UNAVAILABLE', reason: 'the key of OCID 3 could not be resolved' });
    expect(m.paths.length).toBe(2);
    expect(log.lines.some((l) => l.includes('too many in flight'))).toBe(true);
  });
});

/** A registry answering `answers[path]`, 404 otherwise; records (and so counts) every GET. */
async function registry(answers: Record<string, { status: number; body: unknown }>) {
  return startServer((req, res) => {
    const a = answers[req.url ?? ''] ?? { status: 404, body: { error: 'not found' } };
    res.writeHead(a.status, { 'content-type': 'application/json' });
    res.end(typeof a.body === 'string' ? a.body : JSON.stringify(a.body));
  });
}

describe('registry', () => {

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
    expect(await resolver.resolve(5)).toEqual({ ok: false, code: 'METADATA_UNAVAILABLE', reason: 'the key of OCID 5 could not be resolved' });
    expect(log.lines.some((l) => l.includes('"level":40') && l.includes('registry lookup failed') && l.includes('registry: HTTP 500'))).toBe(true);
  });

  it('a registry answer without metadataUrl → METADATA_UNAVAILABLE', async () => {
    const r = await registry({ '/ocid/5': { status: 200, body: { url: 'https://x.example' } } });
    const { resolver, log } = setup({ registryUrl: `${r.base}/ocid/{ocid}` });
    expect(await resolver.resolve(5)).toMatchObject({ ok: false, code: 'METADATA_UNAVAILABLE' });
    expect(log.lines.some((l) => l.includes('no metadataUrl'))).toBe(true);
  });

  it('a registry answer that is not JSON → METADATA_UNAVAILABLE', async () => {
    const r = await registry({ '/ocid/5': { status: 200, body: 'metadataUrl=x' } });
    const { resolver } = setup({ registryUrl: `${r.base}/ocid/{ocid}` });
    expect(await resolver.resolve(5)).toMatchObject({ ok: false, code: 'METADATA_UNAVAILABLE' });
  });

  it('a registry metadataUrl on plain http to a non-loopback host is refused without a fetch', async () => {
    const r = await registry({ '/ocid/5': { status: 200, body: { metadataUrl: 'http://169.254.169.254/metadata.json' } } });
    const { resolver, log } = setup({ registryUrl: `${r.base}/ocid/{ocid}` });
    expect(await resolver.resolve(5)).toEqual({ ok: false, code: 'METADATA_UNAVAILABLE', reason: 'the key of OCID 5 could not be resolved' });
    expect(log.lines.some((l) => l.includes('peer metadata fetch failed') && l.includes('loopback'))).toBe(true);
    expect(r.paths).toEqual(['/ocid/5']); // the registry only
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
    const { resolver } = setup({ peers: [{ ocid: 1, publicKey: A.hex }] });
    expect(await resolver.resolve(2)).toEqual({ ok: false, code: 'UNKNOWN_OCID', reason: 'OCID 2 is not a known peer' });
  });

  it.each([0, -1, 1.5, Number.NaN, 2 ** 53])('an invalid OCID %s → UNKNOWN_OCID', async (ocid) => {
    const { resolver, lookups } = setup({ registryUrl: 'https://index.example/ocid/{ocid}' });
    expect(await resolver.resolve(ocid)).toMatchObject({ ok: false, code: 'UNKNOWN_OCID' });
    expect(lookups).toEqual([]);
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
  it('a peer URL naming a refused address literal (private, link-local, loopback without allowHttp)', () => {
    expect(make({ peers: [{ ocid: 3, metadataUrl: 'https://10.0.0.5/m.json' }] })).toThrow('peers: ocid 3: metadataUrl: address 10.0.0.5 is private (RFC 1918)');
    expect(make({ peers: [{ ocid: 3, endpoint: 'https://169.254.169.254/oc' }] })).toThrow(/ocid 3: endpoint: address 169\.254\.169\.254 is link-local/);
    expect(make({ allowHttp: false, peers: [{ ocid: 3, endpoint: 'https://127.0.0.1:8443/oc' }] })).toThrow(/is loopback \(allowed only with OC_ALLOW_HTTP_PEERS=1\)/);
  });
  it('a registry template naming a refused address literal', () => {
    expect(make({ registryUrl: 'https://[fd00::1]/ocid/{ocid}' })).toThrow(/registry URL template is not usable: address fd00::1 is unique-local/);
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
  it('reservedFetches not below maxConcurrentFetches, and a negative negativeTtlSeconds', () => {
    expect(make({ maxConcurrentFetches: 4, reservedFetches: 4 })).toThrow(/reservedFetches \(4\) must be below maxConcurrentFetches \(4\)/);
    expect(make({ negativeTtlSeconds: -1 })).toThrow(/negativeTtlSeconds/);
  });
  it('timeoutMs over 5000, and a non-positive TTL', () => {
    expect(make({ timeoutMs: 6000 })).toThrow(RangeError);
    expect(make({ ttlSeconds: 0 })).toThrow(/ttlSeconds/);
  });
});

/** A registry whose answers wait for `release()`; `/ocid/77` answers `metadataUrl` once released or right away. */
async function heldRegistry(answers: Record<string, string> = {}) {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const s = await startServer((req, res) => {
    const metadataUrl = answers[req.url ?? ''];
    const answer = () => {
      res.writeHead(metadataUrl === undefined ? 404 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(metadataUrl === undefined ? { error: 'not found' } : { metadataUrl }));
    };
    if (metadataUrl !== undefined) answer();
    else void gate.then(answer);
  });
  return Object.assign(s, { release });
}

const generic = (ocid: number) => ({ ok: false, code: 'METADATA_UNAVAILABLE', reason: `the key of OCID ${ocid} could not be resolved` });

describe('negative cache (OC_PEER_NEGATIVE_TTL)', () => {
  it('N lookups of one unknown OCID within the TTL cost one registry GET', async () => {
    const r = await registry({});
    const { resolver } = setup({ registryUrl: `${r.base}/ocid/{ocid}` });
    for (let i = 0; i < 50; i++) expect(await resolver.resolve(9001)).toMatchObject({ ok: false, code: 'UNKNOWN_OCID' });
    expect(r.paths).toEqual(['/ocid/9001']);
  });

  it('a failing registry (HTTP 500) is remembered as well', async () => {
    const r = await registry({ '/ocid/5': { status: 500, body: 'down' } });
    const { resolver } = setup({ registryUrl: `${r.base}/ocid/{ocid}` });
    for (let i = 0; i < 20; i++) expect(await resolver.resolve(5)).toMatchObject({ ok: false, code: 'METADATA_UNAVAILABLE' });
    expect(r.paths).toEqual(['/ocid/5']);
  });

  it('after the TTL (injected clock) a new lookup happens, and a registry that learnt the OCID is heard', async () => {
    const m = await metadataServer(B.hex);
    const answers: Record<string, { status: number; body: unknown }> = {};
    const r = await registry(answers);
    const { resolver, advance } = setup({ registryUrl: `${r.base}/ocid/{ocid}`, negativeTtlSeconds: 60 });
    expect(await resolver.resolve(77)).toMatchObject({ ok: false, code: 'UNKNOWN_OCID' });
    answers['/ocid/77'] = { status: 200, body: { metadataUrl: `${m.base}/metadata.json` } };
    advance(59);
    expect(await resolver.resolve(77)).toMatchObject({ ok: false, code: 'UNKNOWN_OCID' });
    expect(r.paths.length).toBe(1);
    advance(1);
    expect(await resolver.resolve(77)).toMatchObject({ ok: true, hex: B.hex, source: 'registry', cached: false });
    expect(r.paths).toEqual(['/ocid/77', '/ocid/77']);
  });

  it('negativeTtlSeconds 0 disables it: every lookup fetches', async () => {
    const r = await registry({});
    const { resolver } = setup({ registryUrl: `${r.base}/ocid/{ocid}`, negativeTtlSeconds: 0 });
    for (let i = 0; i < 5; i++) await resolver.resolve(9001);
    expect(r.paths.length).toBe(5);
  });

  it('is per OCID: another unknown OCID is still looked up', async () => {
    const r = await registry({});
    const { resolver } = setup({ registryUrl: `${r.base}/ocid/{ocid}` });
    await resolver.resolve(9001);
    await resolver.resolve(9002);
    await resolver.resolve(9001);
    expect(r.paths).toEqual(['/ocid/9001', '/ocid/9002']);
  });

  it('a failed refresh is not repeated within the TTL, and the cached key keeps serving', async () => {
    const m = await metadataServer();
    const { resolver, advance } = setup({ peers: [{ ocid: 8, endpoint: m.base }], refreshCooldownSeconds: 0 });
    await resolver.resolve(8);
    m.state.status = 503;
    advance(1);
    expect(await resolver.resolve(8, { refresh: true })).toMatchObject({ ok: false, code: 'METADATA_UNAVAILABLE' });
    expect(await resolver.resolve(8, { refresh: true })).toMatchObject({ ok: false, code: 'METADATA_UNAVAILABLE' });
    expect(await resolver.resolve(8)).toMatchObject({ ok: true, hex: A.hex, cached: true });
    expect(m.paths.length).toBe(2);
  });
});

describe('coalescing: at most one lookup per OCID in flight', () => {
  it('N concurrent lookups of one unknown OCID share one registry GET and its answer', async () => {
    const r = await heldRegistry();
    const { resolver } = setup({ registryUrl: `${r.base}/ocid/{ocid}` });
    const all = Array.from({ length: 25 }, () => resolver.resolve(9001));
    await vi.waitFor(() => expect(r.paths).toEqual(['/ocid/9001']));
    r.release();
    for (const result of await Promise.all(all)) expect(result).toMatchObject({ ok: false, code: 'UNKNOWN_OCID' });
    expect(r.paths).toEqual(['/ocid/9001']);
  });

  it('callers arriving in waves (during and after the lookup) still cost one GET', async () => {
    const r = await heldRegistry();
    const { resolver } = setup({ registryUrl: `${r.base}/ocid/{ocid}` });
    const first = Array.from({ length: 10 }, () => resolver.resolve(9001));
    await vi.waitFor(() => expect(r.paths.length).toBe(1));
    const second = Array.from({ length: 10 }, () => resolver.resolve(9001));
    r.release();
    await Promise.all([...first, ...second]);
    const third = await Promise.all(Array.from({ length: 10 }, () => resolver.resolve(9001)));
    expect(third.every((x) => !x.ok && x.code === 'UNKNOWN_OCID')).toBe(true);
    expect(r.paths).toEqual(['/ocid/9001']);
  });
});

describe('fetch slots: strangers never hold them all', () => {
  /** 40 lookups of unknown OCIDs 1000…1039, hanging at `r` until its release(); returns once all that got a slot are there. */
  async function crowd(resolver: KeyResolver, r: Awaited<ReturnType<typeof heldRegistry>>) {
    let settled = 0;
    const strangers = Array.from({ length: 40 }, (_, i) => resolver.resolve(1000 + i).finally(() => settled++));
    const strangerGets = () => r.paths.filter((p) => /^\/ocid\/10\d\d$/.test(p)).length;
    // Until release() only refused strangers settle; every other one has its GET hanging at the registry.
    await vi.waitFor(() => expect(strangerGets()).toBe(40 - settled));
    return { strangers, strangerGets, refusedAtOnce: settled };
  }

  /** Peer 77 known through the registry (its key cached), while strangers' registry lookups hang. */
  async function crowded() {
    const m = await metadataServer(A.hex);
    const r = await heldRegistry({ '/ocid/77': `${m.base}/metadata.json` });
    const ctx = setup({ registryUrl: `${r.base}/ocid/{ocid}` });
    expect(await ctx.resolver.resolve(77)).toMatchObject({ ok: true, cached: false });
    return { ...ctx, m, r, ...(await crowd(ctx.resolver, r)) };
  }

  it('hanging lookups for 40 unknown OCIDs do not make a cached peer\'s refresh fail', async () => {
    const { resolver, advance, m, r, strangers, strangerGets, refusedAtOnce } = await crowded();
    advance(30); // past the refresh cooldown: the refetch-once-on-mismatch path of key rotation
    expect(await resolver.resolve(77, { refresh: true })).toEqual({ ok: true, key: A.full, hex: A.hex, source: 'registry', cached: false });
    expect(m.paths.length).toBe(2);
    // 32 slots, 8 reserved for known callers: 24 strangers' lookups hang, the other 16 were refused at once.
    expect(strangerGets()).toBe(24);
    expect(refusedAtOnce).toBe(16);
    r.release();
    const outcomes = await Promise.all(strangers);
    expect(outcomes.filter((o) => !o.ok && o.code === 'METADATA_UNAVAILABLE').length).toBe(16);
    expect(outcomes.filter((o) => !o.ok && o.code === 'UNKNOWN_OCID').length).toBe(24);
  });

  it('a cached peer whose key expired is refetched through the reserved slots too', async () => {
    const { resolver, advance, m, r, strangers } = await crowded();
    advance(600);
    expect(await resolver.resolve(77)).toMatchObject({ ok: true, hex: A.hex, cached: false });
    expect(m.paths.length).toBe(2);
    r.release();
    await Promise.all(strangers);
  });

  it('a partner in the peers file counts as known: its first lookup is not crowded out', async () => {
    const m = await metadataServer(B.hex);
    const r = await heldRegistry();
    const { resolver } = setup({ registryUrl: `${r.base}/ocid/{ocid}`, peers: [{ ocid: 8, endpoint: m.base }] });
    const { strangers } = await crowd(resolver, r);
    expect(await resolver.resolve(8)).toMatchObject({ ok: true, hex: B.hex });
    r.release();
    await Promise.all(strangers);
  });

  it('the reserved slots have a limit as well: beyond maxConcurrentFetches a known peer is refused without a fetch', async () => {
    const m = await startServer(() => undefined); // never answers
    const peers = [1, 2, 3].map((ocid) => ({ ocid, endpoint: m.base }));
    const { resolver } = setup({ peers, maxConcurrentFetches: 2, reservedFetches: 1 });
    const pending = [resolver.resolve(1), resolver.resolve(2)];
    expect(await resolver.resolve(3)).toEqual(generic(3));
    await vi.waitFor(() => expect(m.paths.length).toBe(2));
    await closeServers();
    await Promise.all(pending);
  });
});

describe('what a caller is told, and what the log keeps (PROFILE §7)', () => {
  it('a registry metadataUrl on a private address is refused before connecting: generic result, reason in the log', async () => {
    const r = await registry({ '/ocid/5': { status: 200, body: { metadataUrl: 'https://10.0.0.1/metadata.json' } } });
    const { resolver, log, lookups } = setup({ registryUrl: `${r.base}/ocid/{ocid}` });
    expect(await resolver.resolve(5)).toEqual(generic(5));
    expect(lookups).toEqual([]);
    const line = log.lines.find((l) => l.includes('peer metadata fetch failed'));
    expect(line).toContain('address 10.0.0.1 is private (RFC 1918)');
  });

  it('without OC_ALLOW_HTTP_PEERS, a registry name resolving to loopback is refused at the DNS step: generic result', async () => {
    const { resolver, log, lookups } = setup({
      allowHttp: false,
      registryUrl: 'https://registry.test/ocid/{ocid}',
      resolveHost: async (host) => {
        lookups.push(host);
        return [{ address: '127.0.0.1', family: 4 }];
      },
    });
    expect(await resolver.resolve(5)).toEqual(generic(5));
    expect(lookups).toEqual(['registry.test']);
    expect(log.lines.some((l) => l.includes('registry lookup failed') && l.includes('registry.test: address 127.0.0.1 is loopback'))).toBe(true);
  });

  it('connection refused: the caller sees no ECONNREFUSED, host or port; the log does', async () => {
    const closed = await startServer(() => undefined);
    await closeServers();
    const r = await registry({ '/ocid/5': { status: 200, body: { metadataUrl: `http://127.0.0.1:${closed.port}/metadata.json` } } });
    const { resolver, log } = setup({ registryUrl: `${r.base}/ocid/{ocid}` });
    const result = await resolver.resolve(5);
    expect(result).toEqual(generic(5));
    expect(JSON.stringify(result)).not.toMatch(new RegExp(`ECONNREFUSED|127\\.0\\.0\\.1|${closed.port}`));
    const line = log.lines.find((l) => l.includes('peer metadata fetch failed'));
    expect(line).toContain('ECONNREFUSED');
    expect(line).toContain(`127.0.0.1:${closed.port}`);
  });
});
