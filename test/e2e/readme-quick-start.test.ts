// The README's quick start, command for command, as real processes in a fresh folder: it must end with the order
// `paid` and a verified order.paid printed by `listen`. The commands are read from README.md; only the ports change
// (8787/8788 → free ones, so the test runs beside anything else), `npx opencharge-merchant` runs package.json's bin
// and `npm start` its start script, and `<id>` is the order id `request` printed.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { runToExit, startServerProcess, type Running } from '../helpers/serve-process.ts';

const ROOT = resolve(__dirname, '../..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string>; scripts: Record<string, string> };
const dir = mkdtempSync(join(tmpdir(), 'oc-readme-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Shell words: 'single' and "double" quoted strings, else whitespace-separated. */
const words = (line: string) => [...line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);

/** The ```sh blocks of the quick start, as lists of command lines. */
function quickStartBlocks(): string[][] {
  const at = README.indexOf('\n## Quick start');
  const section = README.slice(at, README.indexOf('\n## ', at + 1));
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#')));
}

interface Command {
  env: Record<string, string>;
  argv: string[];
}

/** `VAR=value … program args`, with npx/npm mapped to what they run in this checkout. */
function toCommand(line: string, subst: (w: string) => string): Command {
  const w = words(line).map(subst);
  const env: Record<string, string> = {};
  while (w[0] && /^[A-Z_][A-Z0-9_]*=/.test(w[0])) {
    const [k, ...v] = w.shift()!.split('=');
    env[k!] = v.join('=');
  }
  const node = (args: string[]) => [process.execPath, ...args.map((a) => (/^(bin|dist)\//.test(a) ? join(ROOT, a) : a))];
  if (w[0] === 'npx' && w[1] === 'opencharge-merchant') return { env, argv: node([pkg.bin['opencharge-merchant']!, ...w.slice(2)]) };
  if (w[0] === 'npm' && w[1] === 'start') {
    const [program, ...args] = words(pkg.scripts.start!);
    expect(program).toBe('node');
    return { env, argv: node(args) };
  }
  return { env, argv: w };
}

/** Starts a long-running command; resolves once `ready` matches its output. */
async function start(c: Command, ready: RegExp): Promise<Running> {
  const running = await startServerProcess({ argv: c.argv, env: c.env, cwd: dir, ready });
  children.push(running.child);
  return running;
}

/** Runs a one-shot command to its end. */
async function runToEnd(c: Command): Promise<{ code: number | null; out: string }> {
  const r = await runToExit({ argv: c.argv, env: c.env, cwd: dir });
  return { code: r.code, out: r.output };
}

describe('README quick start', () => {
  it('create → pay → the order is paid and listen prints a verified order.paid', { timeout: 120_000 }, async () => {
    // The blocks after these (npm test) are not part of the walk-through.
    const [install, shop, server, pay] = quickStartBlocks();
    expect(install).toEqual(['npm install']); // already done for the test run
    expect(shop).toHaveLength(1);
    expect(server).toHaveLength(1);

    // Terminal 1: listen, on a free port instead of 8788.
    const listenCmd = toCommand(shop![0]!, (w) => w);
    const portAt = listenCmd.argv.indexOf('--port');
    expect(listenCmd.argv[portAt + 1]).toBe('8788');
    listenCmd.argv[portAt + 1] = '0';
    const listen = await start(listenCmd, /listening for shop webhooks on http:\/\/127\.0\.0\.1:(\d+)/);
    const listenPort = listen.match[1]!;

    // Terminal 2: the server, its webhook URL pointing at listen's real port, on a free port instead of 8787.
    const serverCmd = toCommand(server![0]!, (w) => w.replace('127.0.0.1:8788', `127.0.0.1:${listenPort}`));
    serverCmd.env.OC_PORT = '0';
    const serve = await start(serverCmd, /listening on http:\/\/127\.0\.0\.1:(\d+)[\s\S]*gateways/);
    const serverPort = serve.match[1]!;

    // Terminal 3: request, pay, curl, in order, against that server.
    let id = '<id>';
    const subst = (w: string) => w.replaceAll('<id>', id).replace('127.0.0.1:8787', `127.0.0.1:${serverPort}`);
    const outputs: string[] = [];
    for (const line of pay!) {
      const c = toCommand(line, subst);
      if (c.argv[0] === 'curl') {
        outputs.push(await (await fetch(c.argv[1]!)).text());
        continue;
      }
      const r = await runToEnd({ env: { ...c.env, OC_PORT: serverPort }, argv: c.argv });
      expect(r.code, `${line}\n${r.out}`).toBe(0);
      outputs.push(r.out);
      id = /"id": "(ord_[0-9a-f]+)"/.exec(r.out)?.[1] ?? id;
    }
    expect(id).toMatch(/^ord_/);
    const [created, paid, status] = outputs;
    expect(created).toContain('order signature:    valid');
    expect(paid).toMatch(/^verdict: +accepted$/m);
    expect(paid).toMatch(/^order status: paid \(txid cli_/m);
    expect(JSON.parse(status!)).toMatchObject({ orderId: id, status: 'paid' });

    await vi.waitFor(
      () => {
        expect(listen.output()).toMatch(new RegExp(`order\\.created +evt_\\S+ {2}verified\\n {2}data \\{"orderId":"${id}"`));
        expect(listen.output()).toMatch(new RegExp(`order\\.paid +evt_\\S+ {2}verified\\n {2}data \\{"orderId":"${id}"`));
      },
      { timeout: 30_000, interval: 250 },
    );
    expect(listen.output()).not.toContain('INVALID');
    expect(serve.output()).toMatch(/DEVELOPMENT KEY/);
  });
});
