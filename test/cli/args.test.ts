// Every command on util.parseArgs: a typo'd flag exits 2 with a suggestion (one test per command), --help per command, the command list.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { closest, editDistance } from '../../src/suggest.ts';
import { main } from '../../src/cli/index.ts';
import type { CliIO } from '../../src/cli/io.ts';
import { startServer, closeServers } from '../helpers/http-server.ts';

const dir = mkdtempSync(join(tmpdir(), 'oc-cli-args-'));
afterAll(async () => {
  await closeServers();
  rmSync(dir, { recursive: true, force: true });
});

async function cli(args: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = { out: (t) => out.push(t), err: (t) => err.push(t), env, cwd: dir };
  const code = await main(args, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** Each command, a misspelled flag for it, and the suggestion it must print. */
const TYPOS: Array<[name: string, args: string[], typo: string, suggestion: string]> = [
  ['serve', ['serve', '--hepl'], '--hepl', '--help'],
  ['migrate', ['migrate', '--hlep'], '--hlep', '--help'],
  ['keygen', ['keygen', '--webhook-secrt'], '--webhook-secrt', '--webhook-secret'],
  ['sign', ['sign', '--nonse', 'x'], '--nonse', '--nonce'],
  ['verify', ['verify', '--signatur', 'ab'], '--signatur', '--signature'],
  ['request', ['request', 'POST', '/orders/create', '--as', 'demo', '--bdy', '{"amount":"15.00","currency":"USD"}'], '--bdy', '--body'],
  ['pay', ['pay', 'ord_1', '--amuont', '1.00'], '--amuont', '--amount'],
  ['listen', ['listen', '--prot', '8788'], '--prot', '--port'],
  ['conformance', ['conformance', 'http://127.0.0.1:9/opencharge', '--caller-ocd', '1'], '--caller-ocd', '--caller-ocid'],
  ['conformance keys', ['conformance', 'keys', '--base-ur', 'https://x.example'], '--base-ur', '--base-url'],
  ['conformance fixtures', ['conformance', 'fixtures', '--ot', 'fx'], '--ot', '--out'],
  ['conformance list', ['conformance', 'list', '--hepl'], '--hepl', '--help'],
  ['migrate-data', ['migrate-data', '--frm', 'file:a.db', '--to', 'postgres://x/y'], '--frm', '--from'],
];

describe('a misspelled flag exits 2 and names the closest declared option', () => {
  for (const [name, args, typo, suggestion] of TYPOS) {
    it(`${name} ${typo}`, async () => {
      const r = await cli(args);
      expect(r.code, r.err).toBe(2);
      expect(r.err).toContain(`unknown option ${typo} (did you mean ${suggestion}?)`);
      expect(r.err).toMatch(/--help' for every option and an example/);
      expect(r.out).toBe('');
    });
  }

  it('request --bdy never sends the request (it used to send an empty body)', async () => {
    const server = await startServer((_req, res) => res.writeHead(500).end());
    const r = await cli(['request', 'POST', '/orders/create', '--ocid', '200', '--key', '11'.repeat(32), '--url', server.base, '--bdy', '{"amount":"1"}']);
    expect(r.code).toBe(2);
    expect(server.paths).toEqual([]);
  });
});

describe('other bad invocations', () => {
  it('a string option without its value', async () => {
    const r = await cli(['pay', 'ord_1', '--amount']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^pay: --amount needs a value$/m);
  });

  it('a string option followed by another option', async () => {
    const r = await cli(['pay', 'ord_1', '--amount', '--late']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--amount needs a value \(got the option-like '--late'; write --amount=--late/);
  });

  it('a switch given a value', async () => {
    const r = await cli(['pay', 'ord_1', '--late=yes']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--late takes no value/);
  });

  it('a typed value that does not parse names the option', async () => {
    const r = await cli(['listen', '--port', 'http']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^listen: --port: must be a port number from 0 to 65535, got 'http'$/m);
  });

  it('too many positionals', async () => {
    const r = await cli(['pay', 'ord_1', 'ord_2']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unexpected argument 'ord_2'/);
  });

  it('a missing positional', async () => {
    const r = await cli(['pay']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/missing <order-id>/);
  });

  it('an unknown command suggests the closest one', async () => {
    const r = await cli(['paay']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^unknown command 'paay' \(did you mean pay\?\)/);
  });
});

describe('--help', () => {
  it('opencharge-merchant --help lists every command', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['serve', 'migrate', 'keygen', 'sign', 'verify', 'request', 'pay', 'listen', 'conformance', 'migrate-data']) expect(r.out).toMatch(new RegExp(`^  ${c} +\\S`, 'm'));
  });

  const HELPS: Array<[string[], string[]]> = [
    [['serve'], []],
    [['migrate'], []],
    [['keygen'], ['--webhook-secret']],
    [['sign'], ['--key', '--key-file', '--ocid', '--timestamp', '--nonce', '--method', '--path', '--body', '--body-file', '--canonical-file', '--crypto']],
    [['verify'], ['--public-key', '--signature', '--canonical-file']],
    [['request'], ['--as', '--ocid', '--key', '--key-file', '--body', '--body-file', '--url', '--merchant-key']],
    [['pay'], ['--as', '--ocid', '--key', '--key-file', '--url', '--form', '--amount', '--currency', '--late', '--from']],
    [['listen'], ['--port', '--host', '--forward-to', '--secret']],
    [['conformance'], ['--caller-ocid', '--caller-key', '--issuer-ocid', '--issuer-key', '--merchant-ocid', '--only', '--skip', '--json']],
    [['conformance', 'keys'], ['--caller-ocid', '--issuer-ocid', '--base-url']],
    [['conformance', 'fixtures'], ['--out']],
    [['conformance', 'list'], []],
    [['migrate-data'], ['--from', '--to', '--batch']],
  ];
  for (const [command, options] of HELPS) {
    it(`${command.join(' ')} --help lists its options and an example`, async () => {
      const r = await cli([...command, '--help']);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(new RegExp(`^usage: opencharge-merchant ${command.join(' ')}\\b`));
      for (const o of [...options, '--help']) expect(r.out).toMatch(new RegExp(`^  (-h, )?${o}\\b`, 'm'));
      expect(r.out).toMatch(/^examples?:\n {2}(\S+=\S+ )*opencharge-merchant /m);
    });
  }

  it('help <command> is <command> --help; -h is --help', async () => {
    expect((await cli(['help', 'pay'])).out).toBe((await cli(['pay', '--help'])).out);
    expect((await cli(['pay', '-h'])).out).toBe((await cli(['pay', '--help'])).out);
  });
});

describe('suggestions', () => {
  it('edit distance', () => {
    expect(editDistance('bdy', 'body')).toBe(1);
    expect(editDistance('nonse', 'nonce')).toBe(1);
    expect(editDistance('', 'ab')).toBe(2);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it('suggests only a close enough option', () => {
    expect(closest('bdy', ['body', 'body-file', 'url'])).toBe('body');
    expect(closest('keyfile', ['key', 'key-file'])).toBe('key-file');
    expect(closest('verbose', ['body', 'url', 'as'])).toBeUndefined();
  });
});
