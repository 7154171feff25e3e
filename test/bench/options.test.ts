// `npm run bench`'s options: --help lists them; a bad one is named with the list and exit code 2, before anything starts.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const bench = (...args: string[]) =>
  spawnSync(process.execPath, ['bin/run-ts.mjs', 'bench/http.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });

it('--help lists every option and exits 0', () => {
  const r = bench('--help');
  expect(r.status).toBe(0);
  for (const o of ['--runtime', '--db', '--instances', '--rounds', '--requests', '--connections', '--crypto', '--crypto-threads', '--compare', '--skip', '--profile', '--profile-of', '--top', '--profile-out'])
    expect(r.stdout).toContain(o);
});

it.each([
  [['--bogus'], /Unknown option '--bogus'/],
  [['--rounds', '0'], /--rounds must be a positive integer, not '0'/],
  [['--connections', 'many'], /--connections must be a positive integer, not 'many'/],
  [['--crypto', 'rsa'], /--crypto must be native or noble, not 'rsa'/],
  [['--db', 'mysql'], /--db must be sqlite or postgres, not 'mysql'/],
  [['--runtime', 'deno'], /--runtime must be node or bun, not 'deno'/],
  [['--skip', 'b'], /--skip takes only 'bc'/],
  [['--crypto-threads', '17'], /--crypto-threads must be auto or a number from 0 to 16, not '17'/],
  [['--profile', '--profile-of', 'driver'], /--profile-of must be server, lean or ceiling, not 'driver'/],
  [['--profile-of', 'lean'], /--profile-of needs --profile/],
  [['--crypto-threads', 'some'], /--crypto-threads must be auto or a number from 0 to 16, not 'some'/],
])('refuses %j naming it, with the usage, exit code 2', (args, message) => {
  const r = bench(...args);
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).toContain('usage: npm run bench');
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
});
