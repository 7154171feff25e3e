// Guards the one assembly: only src/http/app.ts mounts route groups, only the scheduler runs periodic work,
// and every runtime entry (and the test helper) builds the server through assembleServer.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : /\.tsx?$/.test(f) ? [p] : [];
  });
}
const sources = (dir: string) => walk(join(root, dir)).map((p) => ({ path: relative(root, p), text: readFileSync(p, 'utf8') }));
const src = sources('src');
const tests = sources('test');
const using = (files: typeof src, re: RegExp) => files.filter((f) => re.test(f.text)).map((f) => f.path).sort();

describe('one assembly', () => {
  it('route groups are mounted in src/http/app.ts only (tests included: they get every route from createApp)', () => {
    const mounting = /(?<!function |\/\/ )\b(adminRoutes|consoleRoutes|callbackRoutes|metricsRoutes|openapiRoutes|publicRoutes|signedRoutes)\(/;
    expect(using(src, mounting)).toEqual(['src/http/app.ts']);
    expect(using(tests, mounting)).toEqual([]);
  });

  it('periodic work runs in src/scheduler.ts only (the console page script aside, which runs in the browser)', () => {
    expect(using(src, /\bsetInterval\(/)).toEqual(['src/http/routes/console/live.ts', 'src/scheduler.ts']);
    expect(using(src, /\bcreateScheduler\(/)).toEqual(['src/assemble.ts', 'src/notify/worker.ts', 'src/scheduler.ts']);
  });

  it('the server is assembled by assembleServer: the shared runtime start, the library entry and the test helper call it, nothing else builds an app', () => {
    // src/index.ts: createMerchant, the package's library entry (the same server as `serve`, for mounting in a shop).
    expect(using(src, /\bassembleServer\(/)).toEqual(['src/assemble.ts', 'src/index.ts', 'src/runtime/start.ts']);
    expect(using(src, /\bcreateApp\(/)).toEqual(['src/assemble.ts', 'src/http/app.ts']);
    expect(using(tests, /\bassembleServer\(/)).toEqual(['test/helpers/app.ts']);
  });
});
