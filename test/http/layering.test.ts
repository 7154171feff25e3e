// House rule for src/http: routes and middleware reach the store only through src/orders use cases and queries.
// Types from src/store may be imported (`import type`); values may not, and no file reads `store` off its deps.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const httpDir = join(root, 'src/http');
const storeDir = join(root, 'src/store');
const files = (readdirSync(httpDir, { recursive: true }) as string[]).filter((f) => /\.tsx?$/.test(f)).sort();

/** Every static import/export-from and dynamic import of one file: its specifier and whether it is type-only. */
function importsOf(text: string): { spec: string; typeOnly: boolean }[] {
  const found: { spec: string; typeOnly: boolean }[] = [];
  for (const m of text.matchAll(/^\s*(import|export)\s+(type\s+)?([^'";]*?)\s*from\s*['"]([^'"]+)['"]/gm))
    found.push({ spec: m[4]!, typeOnly: m[2] !== undefined });
  for (const m of text.matchAll(/^\s*import\s*['"]([^'"]+)['"]/gm)) found.push({ spec: m[1]!, typeOnly: false });
  for (const m of text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push({ spec: m[1]!, typeOnly: false });
  return found;
}

/** Reading the store off an object (`deps.store.getOrder`, `x.store?.ping`, `store['…']`) or destructuring it. */
const STORE_USE = [/\bstore\??\.[A-Za-z_$]/, /\bstore\s*\[/, /\{[^{}]*\bstore\b[^{}]*\}\s*=/];

const inStore = (file: string, spec: string) => spec.startsWith('.') && (resolve(dirname(file), spec) + sep).startsWith(storeDir + sep);

describe('the layering check itself', () => {
  const here = join(httpDir, 'routes/x.ts');
  it('tells a type-only import from a value import, and finds every form', () => {
    const text = [
      "import type { OrderRecord } from '../../store/types.ts';",
      "import { isMarked } from '../../store/test-mark.ts';",
      "import { type Store, openStore } from '../../store/open.ts';",
      "export { searchable } from '../../store/test-mark.ts';",
      "import '../../store/sqlite.ts';",
      "const m = await import('../../store/pg.ts');",
      "import { ok } from '../../orders/result.ts';",
    ].join('\n');
    const bad = importsOf(text).filter((i) => !i.typeOnly && inStore(here, i.spec)).map((i) => i.spec);
    expect(bad).toEqual(['../../store/test-mark.ts', '../../store/open.ts', '../../store/test-mark.ts', '../../store/sqlite.ts', '../../store/pg.ts']);
  });
  it('sees a store read and ignores the word in prose and headers', () => {
    const hits = (t: string) => STORE_USE.some((re) => re.test(t));
    expect(hits('await deps.store.getOrder(id)')).toBe(true);
    expect(hits('const { store } = deps;')).toBe(true);
    expect(hits("deps.store['ping']()")).toBe(true);
    expect(hits("{ 'cache-control': 'no-store' } // if the store holds it. Then")).toBe(false);
  });
});

describe.each(files)('src/http/%s', (name) => {
  const file = join(httpDir, name);
  const text = readFileSync(file, 'utf8');

  it('imports nothing but types from src/store', () => {
    const found = importsOf(text);
    if (/^\s*import\b/m.test(text)) expect(found.length, 'import statements were not recognised').toBeGreaterThan(0);
    for (const i of found) if (inStore(file, i.spec)) expect(i.typeOnly, `${relative(root, file)} imports values from ${i.spec}: go through src/orders`).toBe(true);
  });

  it('reads no store off its dependencies', () => {
    for (const re of STORE_USE) expect(re.test(text), `${relative(root, file)} matches ${re}: use a src/orders query or use case`).toBe(false);
  });
});
