// fetchMetadata against real 127.0.0.1 servers: key layouts, limits, timeouts and the URL policy.
import { afterEach, describe, expect, it } from 'vitest';
import { closeServers, open, startServer, type Handler } from '../helpers/http-server.ts';
import { fetchMetadata, readMetadata, type MetadataResult } from '../../src/peers/metadata.ts';
import { bytesToHex } from '../../src/protocol/hex.ts';
import { secp } from '../../src/protocol/noble.ts';

afterEach(closeServers);

const json = (body: unknown, status = 200): Handler => (_req, res) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
};

const priv = new Uint8Array(32).fill(0x11);
const full = secp.getPublicKey(priv, false); // 65 bytes, 04‖x‖y
const hex128 = bytesToHex(full.subarray(1));
const hex66 = bytesToHex(secp.getPublicKey(priv, true));
const notOnCurve = '11'.repeat(64);

const opts = { allowHttp: true, timeoutMs: 2000 };
const failReason = (r: MetadataResult) => {
  expect(r.ok).toBe(false);
  if (r.ok) throw new Error('unreachable');
  expect(r.code).toBe('METADATA_UNAVAILABLE');
  return r.reason;
};

describe('fetchMetadata: key layouts', () => {
  it('reads the nested config.publicKey and config.endpoint (opencharge.md §6.1)', async () => {
    const s = await startServer(json({ opencharge: '0.1', config: { publicKey: hex128, endpoint: 'https://p.example/oc' } }));
    const r = await fetchMetadata(`${s.base}/metadata.json`, opts);
    expect(r).toEqual({ ok: true, key: full, hex: hex128, endpoint: 'https://p.example/oc', capabilities: [] });
  });

  it('reads a flat top-level publicKey (opencharge.md §6.2)', async () => {
    const s = await startServer(json({ opencharge: '0.1', publicKey: hex128, endpoint: 'https://p.example/flat' }));
    const r = await fetchMetadata(`${s.base}/metadata.json`, opts);
    expect(r).toEqual({ ok: true, key: full, hex: hex128, endpoint: 'https://p.example/flat', capabilities: [] });
  });

  it('reads config.capabilities, or a flat capabilities list, keeping only strings (opencharge.md §6.3)', () => {
    const nested = readMetadata({ config: { publicKey: hex128, capabilities: ['verify.txid', 7, 'orders.status'] }, capabilities: ['ignored'] });
    expect(nested.ok && nested.capabilities).toEqual(['verify.txid', 'orders.status']);
    const flat = readMetadata({ publicKey: hex128, capabilities: ['verify.txid'] });
    expect(flat.ok && flat.capabilities).toEqual(['verify.txid']);
    const none = readMetadata({ config: { publicKey: hex128, capabilities: 'verify.txid' } });
    expect(none.ok && none.capabilities).toEqual([]);
  });

  it('accepts a 66-hex compressed key and returns the 128-hex form', async () => {
    const s = await startServer(json({ config: { publicKey: hex66 } }));
    const r = await fetchMetadata(`${s.base}/metadata.json`, opts);
    expect(r.ok && r.hex).toBe(hex128);
    expect(r.ok && r.key).toEqual(full);
  });

  it('accepts a 130-hex key with 04 and a 0x prefix', async () => {
    const s = await startServer(json({ config: { publicKey: '0x04' + hex128.toUpperCase() } }));
    const r = await fetchMetadata(`${s.base}/metadata.json`, opts);
    expect(r.ok && r.hex).toBe(hex128);
  });

  it('prefers the nested key over a flat one, and does not fall back when the nested key is broken', async () => {
    const s = await startServer(json({ config: { publicKey: notOnCurve }, publicKey: hex128 }));
    expect(failReason(await fetchMetadata(`${s.base}/metadata.json`, opts))).toMatch(/not a point/);
  });

  it('an invalid key is METADATA_UNAVAILABLE', async () => {
    const s = await startServer(json({ config: { publicKey: notOnCurve } }));
    expect(failReason(await fetchMetadata(`${s.base}/metadata.json`, opts))).toMatch(/public key/);
  });

  it('a non-string key is METADATA_UNAVAILABLE', async () => {
    expect(failReason(readMetadata({ config: { publicKey: 42 } }))).toMatch(/hex string/);
  });

  it('a document without any key is METADATA_UNAVAILABLE', async () => {
    const s = await startServer(json({ opencharge: '0.1', config: { endpoint: 'https://p.example' } }));
    expect(failReason(await fetchMetadata(`${s.base}/metadata.json`, opts))).toMatch(/neither/);
  });

  it('a JSON array or null is METADATA_UNAVAILABLE', async () => {
    expect(failReason(readMetadata([hex128]))).toMatch(/not a JSON object/);
    expect(failReason(readMetadata(null))).toMatch(/not a JSON object/);
  });

  it('ignores an inherited publicKey (own properties only)', () => {
    const doc = Object.create({ publicKey: hex128 }) as object;
    expect(failReason(readMetadata(doc))).toMatch(/neither/);
  });
});

describe('fetchMetadata: URL handling', () => {
  it('fetches {url}/metadata.json when the URL does not end in .json (opencharge.md §3.4 step 3)', async () => {
    const s = await startServer(json({ config: { publicKey: hex128 } }));
    expect((await fetchMetadata(`${s.base}/opencharge/`, opts)).ok).toBe(true);
    expect((await fetchMetadata(`${s.base}/opencharge`, opts)).ok).toBe(true);
    expect(s.paths).toEqual(['/opencharge/metadata.json', '/opencharge/metadata.json']);
  });

  it('follows a redirect that stays within the policy', async () => {
    const s = await startServer((req, res) => {
      if (req.url === '/old.json') { res.writeHead(302, { location: '/new.json' }); res.end(); return; }
      json({ config: { publicKey: hex128 } })(req, res);
    });
    expect((await fetchMetadata(`${s.base}/old.json`, opts)).ok).toBe(true);
    expect(s.paths).toEqual(['/old.json', '/new.json']);
  });

  it('refuses a redirect to plain http on a non-loopback host without following it', async () => {
    const s = await startServer((_req, res) => { res.writeHead(301, { location: 'http://169.254.169.254/latest.json' }); res.end(); });
    const r = await fetchMetadata(`${s.base}/metadata.json`, opts);
    expect(failReason(r)).toMatch(/redirect refused: .*loopback/);
    expect(s.paths).toEqual(['/metadata.json']);
  });

  it('gives up after too many redirects', async () => {
    const s = await startServer((_req, res) => { res.writeHead(302, { location: '/loop.json' }); res.end(); });
    expect(failReason(await fetchMetadata(`${s.base}/loop.json`, opts))).toMatch(/too many redirects/);
    expect(s.paths.length).toBe(4);
  });

  it('a redirect without Location is METADATA_UNAVAILABLE', async () => {
    const s = await startServer((_req, res) => { res.writeHead(302); res.end(); });
    expect(failReason(await fetchMetadata(`${s.base}/metadata.json`, opts))).toMatch(/without Location/);
  });
});

describe('fetchMetadata: failures', () => {
  it('non-JSON body', async () => {
    const s = await startServer(json('<html>hello</html>'));
    expect(failReason(await fetchMetadata(`${s.base}/metadata.json`, opts))).toMatch(/not JSON/);
  });

  it('invalid UTF-8 body', async () => {
    const s = await startServer((_req, res) => { res.writeHead(200); res.end(Buffer.from([0x7b, 0xff, 0x7d])); });
    expect(failReason(await fetchMetadata(`${s.base}/metadata.json`, opts))).toMatch(/UTF-8/);
  });

  it('HTTP 500', async () => {
    const s = await startServer(json({ config: { publicKey: hex128 } }, 500));
    expect(failReason(await fetchMetadata(`${s.base}/metadata.json`, opts))).toBe('HTTP 500');
  });

  it('HTTP 404', async () => {
    const s = await startServer(json({}, 404));
    expect(failReason(await fetchMetadata(`${s.base}/metadata.json`, opts))).toBe('HTTP 404');
  });

  it('connection refused', async () => {
    const s = await startServer(json({}));
    const base = s.base;
    await open.pop()!();
    expect(failReason(await fetchMetadata(`${base}/metadata.json`, opts))).toMatch(/ECONNREFUSED/);
  });

  it('accepts a body of exactly 64 KiB', async () => {
    const doc = JSON.stringify({ config: { publicKey: hex128 }, pad: '' });
    const body = doc.replace('"pad":""', `"pad":"${'x'.repeat(65536 - doc.length)}"`);
    expect(body.length).toBe(65536);
    const s = await startServer(json(body));
    expect((await fetchMetadata(`${s.base}/metadata.json`, opts)).ok).toBe(true);
  });

  it('stops reading a streamed body past 64 KiB (chunked, no Content-Length)', async () => {
    let written = 0;
    let closed = false;
    let onClosed!: () => void;
    const closedEvent = new Promise<void>((r) => (onClosed = r));
    const s = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }); // no content-length → chunked
      res.on('close', () => { closed = true; onClosed(); });
      const chunk = Buffer.alloc(4096, 0x20);
      // Endless body: the test would hang if the reader did not stop on its own.
      const pump = () => {
        while (!closed && res.write(chunk)) written += chunk.length;
        if (!closed) res.once('drain', pump);
      };
      res.write('{"pad":"');
      pump();
    });
    const r = await fetchMetadata(`${s.base}/metadata.json`, { ...opts, timeoutMs: 5000 });
    expect(failReason(r)).toMatch(/larger than 65536 bytes/);
    await closedEvent; // the reader hung up: the test would time out otherwise
    expect(written).toBeLessThan(8 * 1024 * 1024);
  });

  it('refuses a declared Content-Length over 64 KiB before reading', async () => {
    const s = await startServer((_req, res) => {
      res.writeHead(200, { 'content-length': String(1 << 20) });
      res.write('{'); // then stall: only the header can tell us
    });
    expect(failReason(await fetchMetadata(`${s.base}/metadata.json`, opts))).toMatch(/larger than/);
  });

  it('times out when the server never answers', async () => {
    const s = await startServer(() => { /* never responds */ });
    const started = Date.now();
    const r = await fetchMetadata(`${s.base}/metadata.json`, { ...opts, timeoutMs: 200 });
    expect(failReason(r)).toBe('timed out after 200 ms');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('times out when the body stalls after the headers', async () => {
    const s = await startServer((_req, res) => { res.writeHead(200); res.write('{"config":'); });
    const r = await fetchMetadata(`${s.base}/metadata.json`, { ...opts, timeoutMs: 200 });
    expect(failReason(r)).toBe('timed out after 200 ms');
  });

  it('keeps the deadline when the DNS lookup never answers', async () => {
    const r = await fetchMetadata('http://localhost:9/metadata.json', { ...opts, resolveHost: () => new Promise(() => undefined), timeoutMs: 100 });
    expect(failReason(r)).toBe('timed out after 100 ms');
  });

  it('rejects timeoutMs over 5000 and maxBytes over 64 KiB as programmer errors', async () => {
    await expect(fetchMetadata('https://p.example/m.json', { ...opts, timeoutMs: 5001 })).rejects.toThrow(RangeError);
    await expect(fetchMetadata('https://p.example/m.json', { ...opts, maxBytes: 65537 })).rejects.toThrow(RangeError);
  });
});

describe('fetchMetadata: URL policy', () => {
  it('refuses plain http to a loopback server when allowHttp is false, without connecting', async () => {
    const s = await startServer(json({ config: { publicKey: hex128 } }));
    const r = await fetchMetadata(`${s.base}/metadata.json`, { allowHttp: false });
    expect(failReason(r)).toMatch(/HTTPS only/);
    expect(s.connections()).toBe(0);
  });

  it.each(['http://peer.example/metadata.json', 'http://10.1.2.3/metadata.json', 'http://[::ffff:7f00:1]/metadata.json'])(
    'refuses http to non-loopback %s even with allowHttp',
    async (url) => {
      const lookups: string[] = [];
      const r = await fetchMetadata(url, { allowHttp: true, resolveHost: async (h) => { lookups.push(h); return []; } });
      expect(failReason(r)).toMatch(/loopback/);
      expect(lookups).toEqual([]);
    },
  );

  it('refuses a malformed URL', async () => {
    expect(failReason(await fetchMetadata('not a url', {}))).toMatch(/not a valid/);
  });
});
