// One shape for every gateway (docs/architecture.md rules 3-4): a folder per registered id with the same files, pure halves, small files.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { GATEWAYS } from '../../src/gateways/registry.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../src/gateways');
const folders = readdirSync(root).filter((f) => statSync(join(root, f)).isDirectory());
const SHAPE = ['settings.ts', 'wire.ts', 'status.ts', 'callback.ts', 'index.ts'];
/** The pure halves: no network, clock, environment, console or randomness (only index.ts sends). */
const PURE = ['settings.ts', 'wire.ts', 'status.ts', 'callback.ts'];
const IMPURE = [/\bprocess\./, /Date\.now/, /new Date\(\)/, /Math\.random/, /\bfetch\(/, /\bconsole\./, /sendHttp/];
const importsOf = (text: string) => [...text.matchAll(/^\s*(?:import|export)\b[^'"]*from\s+'([^']+)'/gm)].map((m) => m[1]!);
const read = (...path: string[]) => readFileSync(join(root, ...path), 'utf8');

describe('src/gateways layout', () => {
  it('has one folder per registered gateway, named by its id, and no other', () => {
    expect([...folders].sort()).toEqual(GATEWAYS.map((g) => g.id).sort());
  });

  it('keeps the shared pieces in kit.ts (shared.ts is gone)', () => {
    expect(readdirSync(root).filter((f) => f.endsWith('.ts')).sort()).toEqual(['definition.ts', 'kit.ts', 'registry.ts', 'types.ts']);
  });

  it('keeps every file under 250 lines, each opening with a one-line purpose comment', () => {
    for (const file of [...readdirSync(root).filter((f) => f.endsWith('.ts')), ...folders.flatMap((d) => readdirSync(join(root, d)).map((f) => join(d, f)))]) {
      const text = read(file);
      expect(text.split('\n').length, file).toBeLessThanOrEqual(250);
      expect(text.split('\n')[0], file).toMatch(/^\/\/ \S.+/);
    }
  });
});

describe.each(folders)('src/gateways/%s', (id) => {
  const files = readdirSync(join(root, id));

  it('has settings, wire, status, callback and index', () => {
    for (const f of SHAPE) expect(files, f).toContain(f);
  });

  it('exports its wire shape and its literal status table', () => {
    expect(read(id, 'wire.ts')).toMatch(/^export const wire = \{[^}]*\} satisfies GatewayWire;$/m);
    expect(read(id, 'status.ts')).toMatch(/^export const STATUS_MAP = \{$[\s\S]*?^\} as const satisfies Record<string, ChargeStatus>;$/m);
  });

  it.each(PURE)('%s is pure', (file) => {
    const text = read(id, file);
    for (const re of IMPURE) expect(re.test(text), `${id}/${file} matches ${re}`).toBe(false);
  });

  it('imports only its own folder, the kit, the gateway types and the pure core (never http, store or another gateway)', () => {
    for (const file of files) {
      for (const spec of importsOf(read(id, file))) {
        expect(spec, `${id}/${file} imports ${spec}`).toMatch(/^(zod|node:crypto|\.\/[a-z-]+\.ts|\.\.\/(kit|types|definition)\.ts|\.\.\/\.\.\/(protocol|crypto)\/[a-z-]+\.ts|\.\.\/\.\.\/client\/signer\.ts)$/);
      }
    }
  });
});
