// Signed requests from callers whose key must be looked up (PROFILE §5, §7): one fetch per OCID, nothing leaked.
import { afterEach, describe, expect, it } from 'vitest';
import { STRANGER, makeHarness, type Harness } from '../helpers/harness.ts';
import { closeServers, startServer } from '../helpers/http-server.ts';

const CAPS = '/opencharge/capabilities';
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
  await closeServers();
});

/** A registry on 127.0.0.1 answering `{metadataUrl}` for the given OCIDs, 404 otherwise, counting its GETs. */
async function registryServer(metadataUrls: Record<number, string> = {}) {
  return startServer((req, res) => {
    const url = metadataUrls[Number(/^\/ocid\/(\d+)$/.exec(req.url ?? '')?.[1])];
    res.writeHead(url === undefined ? 404 : 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(url === undefined ? { error: 'not found' } : { metadataUrl: url }));
  });
}

async function withRegistry(base: string) {
  h = await makeHarness({ resolver: { registryUrl: `${base}/ocid/{ocid}` } });
  return h;
}

/** A request as `ocid` whose signature is garbage (well-formed hex, signed by nobody in particular). */
function garbage(harness: Harness, ocid: number) {
  const headers = harness.headersFor('GET', CAPS, '', { ocid, key: STRANGER.priv });
  return harness.app.request(CAPS, { headers: { ...headers, 'X-OC-Signature': 'ab'.repeat(64) } });
}

const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string; details?: unknown } }).error;

describe('unknown callers cost one registry GET per negative TTL', () => {
  it('100 garbage-signed requests for one unknown OCID → 100 × 401 UNKNOWN_OCID, 1 registry GET', async () => {
    const registry = await registryServer();
    const harness = await withRegistry(registry.base);
    for (let i = 0; i < 100; i++) {
      const res = await garbage(harness, 31337);
      expect(res.status).toBe(401);
      expect((await errorOf(res)).code).toBe('UNKNOWN_OCID');
    }
    expect(registry.paths).toEqual(['/ocid/31337']);
  });

  it('an unknown OCID is told just that: 401 UNKNOWN_OCID "OCID N is not a known peer"', async () => {
    const registry = await registryServer();
    const harness = await withRegistry(registry.base);
    expect(await errorOf(await garbage(harness, 31337))).toEqual({ code: 'UNKNOWN_OCID', message: 'OCID 31337 is not a known peer', details: { ocid: 31337 } });
  });

  it('50 concurrent garbage-signed requests for one unknown OCID → 1 registry GET', async () => {
    const registry = await registryServer();
    const harness = await withRegistry(registry.base);
    const answers = await Promise.all(Array.from({ length: 50 }, () => garbage(harness, 4242)));
    expect(answers.map((r) => r.status)).toEqual(Array(50).fill(401));
    expect(registry.paths).toEqual(['/ocid/4242']);
  });

  it('after the negative TTL (60 s by default) the registry is asked again', async () => {
    const registry = await registryServer();
    const harness = await withRegistry(registry.base);
    await garbage(harness, 4242);
    harness.clock.now += 60;
    await garbage(harness, 4242);
    expect(registry.paths).toEqual(['/ocid/4242', '/ocid/4242']);
  });
});

describe('a failed lookup tells the caller nothing about our network (no port-scanning oracle)', () => {
  async function expectGeneric(res: Response, ocid: number, mustNotContain: string[]) {
    const text = await res.text();
    expect(res.status).toBe(502);
    expect(JSON.parse(text)).toEqual({
      error: { code: 'METADATA_UNAVAILABLE', message: `the key of OCID ${ocid} could not be resolved`, details: { ocid } },
    });
    for (const s of mustNotContain) expect(text).not.toContain(s);
  }
  const logLine = (harness: Harness) => harness.log.lines.find((l) => l.includes('peer metadata fetch failed')) ?? '';

  it('connection refused: no ECONNREFUSED, host or port in the answer; the log line has them', async () => {
    const gone = await startServer(() => undefined);
    await closeServers();
    const registry = await registryServer({ 600: `http://127.0.0.1:${gone.port}/metadata.json` });
    const harness = await withRegistry(registry.base);
    await expectGeneric(await garbage(harness, 600), 600, ['ECONNREFUSED', '127.0.0.1', String(gone.port), 'fetch']);
    expect(logLine(harness)).toContain('ECONNREFUSED');
    expect(logLine(harness)).toContain(`127.0.0.1:${gone.port}`);
  });

  it('an HTTP 401 from the target: no status in the answer; the log line has it', async () => {
    const target = await startServer((_req, res) => {
      res.writeHead(401);
      res.end();
    });
    const registry = await registryServer({ 601: `${target.base}/admin/metadata.json` });
    const harness = await withRegistry(registry.base);
    await expectGeneric(await garbage(harness, 601), 601, ['401', 'HTTP', String(target.port), 'admin']);
    expect(logLine(harness)).toContain('"reason":"HTTP 401"');
  });

  it('a private metadataUrl (10.0.0.1): refused before connecting, no address in the answer; the log line has it', async () => {
    const registry = await registryServer({ 602: 'https://10.0.0.1:8443/metadata.json' });
    const harness = await withRegistry(registry.base);
    await expectGeneric(await garbage(harness, 602), 602, ['10.0.0.1', '8443', 'private', 'RFC 1918']);
    expect(logLine(harness)).toContain('address 10.0.0.1 is private (RFC 1918)');
  });

  it('the cloud metadata address (169.254.169.254): refused, answer generic', async () => {
    const registry = await registryServer({ 603: 'https://169.254.169.254/latest/meta-data/metadata.json' });
    const harness = await withRegistry(registry.base);
    await expectGeneric(await garbage(harness, 603), 603, ['169.254', 'link-local', 'latest']);
    expect(logLine(harness)).toContain('address 169.254.169.254 is link-local');
  });
});
