// `request` against real servers: the canonical layout `sign` prints, the diff with the server's canonical request on a
// 401 INVALID_SIGNATURE (through a proxy that changes the request), and an unreachable server named as such.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/index.ts';
import type { CliIO } from '../../src/cli/io.ts';
import { closeServers, freePort, readBody, startServer } from '../helpers/http-server.ts';
import { freshIdentity, ourServer, type Target } from '../conformance/serve.ts';

async function cli(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = { out: (t) => out.push(t), err: (t) => err.push(t), env: {}, cwd: process.cwd() };
  const code = await main(args, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** A proxy in front of the target that rewrites what passes through (the bugs finding 7 is about). */
async function proxy(target: string, change: { path?: (p: string) => string; body?: (b: string) => string }) {
  return startServer(async (req, res) => {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && (k.startsWith('x-oc-') || k === 'content-type')) headers[k] = v;
    const sent = await readBody(req);
    const up = await fetch(target + (change.path?.(req.url!) ?? req.url!), { method: req.method, headers, body: req.method === 'GET' ? undefined : (change.body?.(sent) ?? sent) });
    const out: Record<string, string> = {};
    up.headers.forEach((v, k) => (k.startsWith('x-oc-') || k === 'content-type' ? (out[k] = v) : undefined));
    res.writeHead(up.status, out).end(Buffer.from(await up.arrayBuffer()));
  });
}

let t: Target;
let origin: string;
beforeAll(async () => {
  t = await ourServer();
  origin = t.baseUrl.replace(/\/opencharge$/, '');
});
afterAll(async () => {
  await closeServers();
  await t.close();
});

const as = () => ['--ocid', String(t.caller.ocid), '--key', t.caller.key];
const ORDER = '{"amount":"15.00","currency":"USD"}';

describe('request', () => {
  it('prints the canonical request it signed in the layout of `sign`', async () => {
    const r = await cli(['request', 'POST', '/orders/create', ...as(), '--body', ORDER, '--url', origin]);
    expect(r.code, r.out + r.err).toBe(0);
    const header = (name: string) => new RegExp(`^> ${name}: (.*)$`, 'm').exec(r.out)![1]!;
    const block = (text: string, start: string) => text.slice(text.indexOf(start) + start.length, text.indexOf('\ncanonical:'));
    const signed = await cli([
      'sign', '--key', t.caller.key, '--ocid', header('X-OC-ID'), '--timestamp', header('X-OC-Timestamp'), '--nonce', header('X-OC-Nonce'),
      '--method', 'POST', '--path', '/opencharge/orders/create', '--body', ORDER,
    ]);
    expect(block(r.out, 'canonical request (signed):')).toBe(block(signed.out, 'canonical request:'));
    expect(/^canonical: +(.*)$/m.exec(r.out)![1]).toBe(/^canonical: +(.*)$/m.exec(signed.out)![1]);
    expect(/^signature: +(.*)$/m.exec(signed.out)![1]).toBe(header('X-OC-Signature'));
  });

  it('on INVALID_SIGNATURE from a proxy that adds a query string: marks the path line and names the cause', async () => {
    const p = await proxy(origin, { path: (u) => `${u}?via=proxy` });
    const r = await cli(['request', 'GET', '/capabilities', ...as(), '--url', p.base]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^the server could not verify the signature \(signature does not match the key and message\); canonical request signed here \(-\) and built by the server \(\+\):$/m);
    expect(r.out).toMatch(/^ {4}ocid +\d+$/m);
    expect(r.out).toMatch(/^ {2}- path +\/opencharge\/capabilities$/m);
    expect(r.out).toMatch(/^ {2}\+ path +\/opencharge\/capabilities\?via=proxy$/m);
    expect(r.out).toMatch(/^ {4}body sha256 +e3b0c442/m);
    expect(r.out).toMatch(/^hint: the query strings differ/m);
  });

  it('on INVALID_SIGNATURE from a proxy that appends a newline to the body: marks the body lines', async () => {
    const p = await proxy(origin, { body: (b) => `${b}\n` });
    const r = await cli(['request', 'POST', '/orders/create', ...as(), '--body', ORDER, '--url', p.base]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(new RegExp(`^ {2}- body bytes +${ORDER.length}$`, 'm'));
    expect(r.out).toMatch(new RegExp(`^ {2}\\+ body bytes +${ORDER.length + 1}$`, 'm'));
    expect(r.out).toMatch(/^ {4}path +\/opencharge\/orders\/create$/m);
    expect(r.out).toMatch(/^hint: the body bytes differ \(the server got one byte more: a trailing newline\?\)/m);
  });

  it('on INVALID_SIGNATURE with the wrong key: no line differs, and it says so', async () => {
    const r = await cli(['request', 'GET', '/capabilities', '--ocid', String(t.caller.ocid), '--key', freshIdentity(1).key, '--url', origin]);
    expect(r.code).toBe(1);
    expect(r.out).not.toMatch(/^ {2}[-+] /m);
    expect(r.out).toMatch(new RegExp(`^hint: the canonical requests are identical: the signature was made with a key other than the one the server holds for OCID ${t.caller.ocid}$`, 'm'));
  });

  it('a server that is not there: "cannot reach <url> (connection refused)", exit 1', async () => {
    const port = await freePort();
    const r = await cli(['request', 'GET', '/capabilities', ...as(), '--url', `http://127.0.0.1:${port}`]);
    expect(r.code).toBe(1);
    expect(r.err).toBe(`request: cannot reach http://127.0.0.1:${port}/opencharge/capabilities (connection refused)`);
    expect(r.err).not.toContain('fetch failed');
  });
});
