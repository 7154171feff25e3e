// Runs `opencharge-merchant serve` (Node) or the Bun entry as a real process: until its banner (startServerProcess) or until it exits.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
/** package.json's bin: the compiled CLI (test/global-setup.ts rebuilds dist/ when src/ changed). */
const BIN = join(ROOT, 'dist/cli/main.js');
export const BUN = join(ROOT, 'node_modules/.bin/bun');

export type Runtime = 'node' | 'bun';

export interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved as they arrived. */
  output: string;
}

/** Fresh working directories under one temp folder; Bun reads its JSX settings from the working directory's tsconfig. */
export function tempFolders(prefix: string): { folder: (files?: Record<string, string>) => string; remove: () => void } {
  const root = mkdtempSync(join(tmpdir(), prefix));
  let n = 0;
  return {
    folder(files = {}) {
      const dir = join(root, `case-${++n}`);
      mkdirSync(dir);
      writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ extends: join(ROOT, 'tsconfig.json') }));
      for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
      return dir;
    },
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** The parent's environment without any OC_* setting, plus `extra`. */
export function envWithout(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('OC_')) env[k] = v;
  return { ...env, ...extra };
}

/** What the server prints once it is ready: the listening line, then the settings block ending in its gateways. */
export const BANNER = /listening on http:\/\/127\.0\.0\.1:(\d+)[\s\S]*\n {2}gateways /;

export interface ProcessOptions {
  env: Record<string, string>;
  cwd: string;
  runtime?: Runtime;
  /** Another long-running command instead of the server (its env is then taken as given, without the defaults). */
  argv?: string[];
}

interface Spawned {
  child: ChildProcess;
  /** stdout and stderr interleaved as they arrived; each on its own. */
  output: () => string;
  stdout: () => string;
  stderr: () => string;
  /** Its exit code (or null after a signal), as soon as it exits. */
  exited: Promise<number | null>;
  /** Once the process has exited and both pipes are read to their end. */
  closed: Promise<Exit>;
}

/** Spawns the server (Node: `serve`; Bun: `bun --no-env-file src/runtime/bun.ts`, as `npm run start:bun`), quiet, on a free port. */
function spawnProcess(o: ProcessOptions): Spawned {
  const [cmd, args] = o.argv
    ? [o.argv[0]!, o.argv.slice(1)]
    : o.runtime === 'bun' ? [BUN, ['--no-env-file', join(ROOT, 'src/runtime/bun.ts')]] : [process.execPath, [BIN, 'serve']];
  const env = o.argv ? envWithout(o.env) : envWithout({ OC_LOG_LEVEL: 'warn', OC_PORT: '0', ...o.env });
  const child = spawn(cmd, args, { cwd: o.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => ((stdout += d.toString()), (out += d.toString())));
  child.stderr!.on('data', (d: Buffer) => ((stderr += d.toString()), (out += d.toString())));
  const closed = new Promise<Exit>((r, reject) => {
    child.once('error', (err) => reject(new Error(`cannot run ${cmd}: ${err.message}`)));
    child.once('close', (code) => r({ code, stdout, stderr, output: out }));
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, output: () => out, stdout: () => stdout, stderr: () => stderr, exited, closed };
}

export interface Running extends Spawned {
  port: number;
  /** `http://127.0.0.1:<port>` */
  base: string;
  /** The match of `ready` (by default the banner, its port in [1]). */
  match: RegExpExecArray;
}

/**
 * Starts the server (or `argv`) and resolves once `ready` shows in its output; rejects with that output if it exits
 * first or is not ready within `timeoutMs` (default 30 s; then it is killed). The caller stops it once started.
 */
export function startServerProcess(o: ProcessOptions & { ready?: RegExp; timeoutMs?: number }): Promise<Running> {
  const spawned = spawnProcess(o);
  const ready = o.ready ?? BANNER;
  return new Promise((resolveStart, reject) => {
    const timer = setTimeout(() => {
      spawned.child.kill('SIGKILL'); // never left running behind a failed start
      reject(new Error(`not ready within ${o.timeoutMs ?? 30_000} ms:\n${spawned.output()}`));
    }, o.timeoutMs ?? 30_000);
    const check = () => {
      const match = ready.exec(spawned.output());
      if (!match) return;
      clearTimeout(timer);
      spawned.child.stdout!.off('data', check);
      spawned.child.stderr!.off('data', check);
      resolveStart({ ...spawned, port: Number(match[1]), base: `http://127.0.0.1:${match[1]}`, match });
    };
    spawned.child.stdout!.on('data', check);
    spawned.child.stderr!.on('data', check);
    spawned.closed.then(
      (e) => (clearTimeout(timer), reject(new Error(`exited with ${e.code} before it was ready:\n${spawned.output()}`))),
      (err: Error) => (clearTimeout(timer), reject(err)),
    );
  });
}

/** Runs a one-shot command (`argv`) or the server to its end. */
export function runToExit(o: ProcessOptions): Promise<Exit> {
  return spawnProcess(o).closed;
}

/**
 * Runs the server until it exits (a start-up failure) or prints its banner; then `onBanner(port)` (by default one
 * request, which also shows the process is past start-up and handles SIGTERM) and SIGTERM.
 */
export async function serveProcess(o: ProcessOptions & { onBanner?: (port: number) => Promise<void> }): Promise<Exit> {
  const spawned = spawnProcess(o);
  let banner = false;
  spawned.child.stdout!.on('data', () => {
    if (banner || !/\n {2}gateways /.test(spawned.stdout())) return;
    banner = true;
    const port = Number(/listening on http:\/\/[^:]+:(\d+)/.exec(spawned.stdout())?.[1]);
    const first = o.onBanner ?? (async (p: number) => void (await fetch(`http://127.0.0.1:${p}/opencharge/metadata.json`)));
    void first(port).finally(() => spawned.child.kill('SIGTERM'));
  });
  return spawned.closed;
}
