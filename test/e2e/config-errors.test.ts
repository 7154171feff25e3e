// `opencharge-merchant serve` as a process: every start-up failure exits 1 naming the setting and the fix, no stack trace.
import { createServer, type Server } from 'node:net';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveProcess, tempFolders, type Exit, type Runtime } from '../helpers/serve-process.ts';

const { folder, remove } = tempFolders('oc-config-errors-');

function serve(env: Record<string, string>, cwd = folder(), runtime: Runtime = 'node', onBanner?: (port: number) => Promise<void>): Promise<Exit> {
  return serveProcess({ env, cwd, runtime, onBanner });
}

/** A start-up failure: exit code 1, the expected text on stderr, and nothing that looks like a stack trace. */
async function fails(extra: Record<string, string>, expected: string | RegExp, cwd?: string, runtime: Runtime = 'node'): Promise<string> {
  const r = await serve(extra, cwd, runtime);
  expect(r.code, r.stdout + r.stderr).toBe(1);
  if (typeof expected === 'string') expect(r.stderr).toContain(expected);
  else expect(r.stderr).toMatch(expected);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.stderr).not.toMatch(/node:internal|\.ts:\d+:\d+/);
  expect(r.stdout).not.toContain('listening on');
  return r.stderr;
}

let busy: Server;
let busyPort: number;
beforeAll(async () => {
  busy = createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()));
  busyPort = (busy.address() as { port: number }).port;
});
afterAll(() => {
  busy.close();
  remove();
});

describe('serve: values that are wrong (finding 6)', () => {
  it('OC_PORT=abc', async () => {
    expect(await fails({ OC_PORT: 'abc' }, "serve: OC_PORT: must be a whole number 0–65535, got 'abc'")).not.toMatch(/NaN/);
  });

  it('OC_CURRENCIES=usd says why', () => fails({ OC_CURRENCIES: 'usd' }, "serve: OC_CURRENCIES: 'usd' is not valid: a currency code is 3 to 5 upper-case letters or digits, e.g. USD"));

  it('OC_HOST=999.1.1.1: no getaddrinfo text', async () => {
    expect(await fails({ OC_HOST: '999.1.1.1' }, "serve: OC_HOST: must be an IP address (127.0.0.1 for this machine only, 0.0.0.0 or :: for every interface) or a host name, got '999.1.1.1'")).not.toMatch(
      /getaddrinfo|ENOTFOUND/,
    );
  });

  it('OC_HOST naming no machine', () => fails({ OC_HOST: 'no-such-host.invalid' }, "serve: OC_HOST: cannot resolve 'no-such-host.invalid' to an address of this machine"));

  it('port in use names OC_PORT and the port', async () => {
    expect(await fails({ OC_PORT: String(busyPort) }, `serve: OC_PORT: port ${busyPort} on 127.0.0.1 is already in use`)).toContain('OC_PORT=0 picks a free one');
  });

  it('an unopenable file: database names the setting and the path', async () => {
    const cwd = folder();
    const notAFile = join(cwd, 'folder.db');
    mkdirSync(notAFile);
    await fails({ OC_DATABASE_URL: `file:${notAFile}` }, `serve: OC_DATABASE_URL: cannot open the SQLite database ${notAFile} (from file:${notAFile}): unable to open database file`, cwd);
  });

  it('a file: database in a missing folder is an error, and nothing is created', async () => {
    const cwd = folder();
    const missing = join(cwd, 'nonexistent/dir');
    await fails({ OC_DATABASE_URL: `file:${missing}/x.db` }, `serve: OC_DATABASE_URL: the folder ${missing} does not exist`, cwd);
    expect(existsSync(join(cwd, 'nonexistent'))).toBe(false);
    expect(existsSync(join(cwd, 'data'))).toBe(false);
  });

  it('OC_CONFIG with a JSON syntax error: line and column', async () => {
    const cwd = folder({ 'oc.json': '{\n  "OC_NAME": "shop"\n  "OC_PORT": 0\n}\n' });
    await fails({ OC_CONFIG: 'oc.json' }, `serve: OC_CONFIG: ${join(cwd, 'oc.json')} is not valid JSON: line 3, column 3: expected ',' or '}', found '"'`, cwd);
  });

  it('OC_PEERS_FILE with a JSON syntax error: line and column', async () => {
    const cwd = folder({ 'peers.json': '[\n  {"ocid": 200, "publicKey": "ab",}\n]\n' });
    await fails({ OC_PEERS_FILE: 'peers.json' }, `serve: OC_PEERS_FILE: ${join(cwd, 'peers.json')} is not valid JSON: line 2, column 35: expected a property name in double quotes, found '}' (a trailing comma?)`, cwd);
  });

  it('OC_INVENTORY_FILE with a JSON syntax error: line and column', async () => {
    const cwd = folder({ 'inventory.json': '{"currency": "USD", "items": [\n  {"id": "tea", "name": "Tea", "price": 2.50\n]}\n' });
    await fails({ OC_INVENTORY_FILE: 'inventory.json' }, `serve: OC_INVENTORY_FILE: ${join(cwd, 'inventory.json')} is not valid JSON: line 3, column 1: expected ',' or '}', found ']'`, cwd);
  });

  it('a raw webhook secret names OC_WEBHOOK_SECRET and how to make one (finding 9)', () =>
    fails({ OC_WEBHOOK_URL: 'https://shop.example/hooks', OC_WEBHOOK_SECRET: 'shop-secret' }, 'serve: OC_WEBHOOK_SECRET: must be a Standard Webhooks secret, whsec_ followed by the base64 of at least 24 random bytes; make one with `opencharge-merchant keygen --webhook-secret`'));
});

describe('serve: typos (finding 5)', () => {
  it('OC_ADMIN_TOKN in the environment', () => fails({ OC_ADMIN_TOKN: '0123456789abcdef' }, 'serve: OC_ADMIN_TOKN is not a setting: did you mean OC_ADMIN_TOKEN? (in the environment)'));

  it('OC_PORTT in the OC_CONFIG file', async () => {
    const cwd = folder({ 'oc.json': '{"OC_PORTT": 18791}' });
    await fails({ OC_CONFIG: 'oc.json' }, `serve: OC_PORTT is not a setting: did you mean OC_PORT? (in the OC_CONFIG file ${join(cwd, 'oc.json')})`, cwd);
  });

  it('several problems are listed together, one per line', async () => {
    const err = await fails({ OC_PORTT: '1', OC_CURRENCIES: 'usd' }, /^serve: 2 problems:\n {2}OC_PORTT is not a setting: did you mean OC_PORT\?.*\n {2}OC_CURRENCIES: 'usd'/);
    expect(err.trim().split('\n')).toHaveLength(3);
  });
});

describe('serve: production must be reachable and payable (finding 3)', () => {
  it("the README's old docker run settings are refused, naming each missing setting", async () => {
    const err = await fails({ OC_ENV: 'production', OC_OCID: '500', OC_PRIVATE_KEY: '11'.repeat(32) }, 'serve: 3 problems:');
    for (const setting of ['OC_PUBLIC_URL: required', 'OC_ACCEPTS: required', 'OC_PEERS_FILE or OC_REGISTRY_URL: required']) expect(err).toContain(setting);
  });

  it('a plain-HTTP public URL is refused unless OC_ALLOW_HTTP_PUBLIC_URL=1', async () => {
    const cwd = folder({ 'peers.json': '[]' });
    const env = { OC_ENV: 'production', OC_OCID: '500', OC_PRIVATE_KEY: '11'.repeat(32), OC_ACCEPTS: '100', OC_PEERS_FILE: 'peers.json', OC_PUBLIC_URL: 'http://pay.shop.example' };
    await fails(env, "serve: OC_PUBLIC_URL: must be https:// when OC_ENV=production, got 'http://pay.shop.example'", cwd);
    const ok = await serve({ ...env, OC_ALLOW_HTTP_PUBLIC_URL: '1' }, cwd);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('public base URL  http://pay.shop.example/opencharge');
  });
});

describe('serve: the public URL follows OC_PORT (finding 2)', () => {
  it('OC_PORT=<port> npm start: metadata.json endpoint on that port', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
    const port = (probe.address() as { port: number }).port;
    await new Promise((r) => probe.close(r));
    let endpoint = '';
    const r = await serve({ OC_PORT: String(port) }, folder(), 'node', async () => {
      endpoint = ((await (await fetch(`http://127.0.0.1:${port}/opencharge/metadata.json`)).json()) as { config: { endpoint: string } }).config.endpoint;
    });
    expect(r.code, r.stderr).toBe(0);
    expect(endpoint).toBe(`http://127.0.0.1:${port}/opencharge`);
    expect(r.stdout).toContain(`public base URL  http://127.0.0.1:${port}/opencharge`);
  });
});

describe('the same failures under Bun', () => {
  it('OC_PORT=abc', () => fails({ OC_PORT: 'abc' }, "serve: OC_PORT: must be a whole number 0–65535, got 'abc'", folder(), 'bun'));
  it('port in use', () => fails({ OC_PORT: String(busyPort) }, `serve: OC_PORT: port ${busyPort} on 127.0.0.1 is already in use`, folder(), 'bun'));
  it('OC_HOST naming no machine', () => fails({ OC_HOST: 'no-such-host.invalid' }, "serve: OC_HOST: cannot resolve 'no-such-host.invalid'", folder(), 'bun'));
  it('OC_CONFIG with a JSON syntax error: line and column', async () => {
    const cwd = folder({ 'oc.json': '{\n  "OC_NAME": "shop",\n}\n' });
    await fails({ OC_CONFIG: 'oc.json' }, `serve: OC_CONFIG: ${join(cwd, 'oc.json')} is not valid JSON: line 3, column 1`, cwd, 'bun');
  });
  it('a file: database in a missing folder', async () => {
    const cwd = folder();
    await fails({ OC_DATABASE_URL: `file:${cwd}/missing/x.db` }, `serve: OC_DATABASE_URL: the folder ${cwd}/missing does not exist`, cwd, 'bun');
  });
});
