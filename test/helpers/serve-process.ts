// Runs `opencharge-merchant serve` (Node) or the Bun entry as a real process in a chosen working directory, until it exits.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/opencharge-merchant.mjs');
const BUN = join(ROOT, 'node_modules/.bin/bun');

export type Runtime = 'node' | 'bun';

export interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
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

/** The parent's environment without any OC_* setting, quiet logs, a free port, plus `extra`. */
function envWith(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('OC_')) env[k] = v;
  return { ...env, OC_LOG_LEVEL: 'warn', OC_PORT: '0', ...extra };
}

/**
 * Runs the server (Node: `serve`; Bun: `bun --no-env-file src/runtime/bun.ts`, as `npm run start:bun`) until it exits
 * (a start-up failure) or prints its banner; then `onBanner(port)` (by default one request, which also shows the process
 * is past start-up and handles SIGTERM) and SIGTERM.
 */
export function serveProcess(o: { env: Record<string, string>; cwd: string; runtime?: Runtime; onBanner?: (port: number) => Promise<void> }): Promise<Exit> {
  const [cmd, args] = o.runtime === 'bun' ? [BUN, ['--no-env-file', join(ROOT, 'src/runtime/bun.ts')]] : [process.execPath, [BIN, 'serve']];
  const child = spawn(cmd, args, { cwd: o.cwd, env: envWith(o.env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let banner = false;
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    if (banner || !/\n {2}gateways /.test(stdout)) return;
    banner = true;
    const port = Number(/listening on http:\/\/[^:]+:(\d+)/.exec(stdout)?.[1]);
    const first = o.onBanner ?? (async (p: number) => void (await fetch(`http://127.0.0.1:${p}/opencharge/metadata.json`)));
    void first(port).finally(() => child.kill('SIGTERM'));
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((r) => child.once('exit', (code) => r({ code, stdout, stderr })));
}
