// House rules for src/notify: every file opens with a purpose comment; the pure halves touch no clock, env or network.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const dir = resolve(dirname(fileURLToPath(import.meta.url)), '../../src/notify');
const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
const PURE = ['sign.ts', 'schedule.ts', 'body.ts'];
const IMPURE = [/\bprocess\./, /Date\.now/, /new Date\(\s*\)/, /Math\.random/, /\bfetch\(/, /\bconsole\./, /setTimeout|setInterval/];
const ANYWHERE = [/Date\.now/, /Math\.random/, /\bprocess\.env/, /\bconsole\./, /globalThis\.fetch/];

describe.each(files)('src/notify/%s', (file) => {
  const text = readFileSync(join(dir, file), 'utf8');
  it('opens with a one-line purpose comment', () => expect(text.split('\n')[0]).toMatch(/^\/\/ \S.+/));
  it('takes its clock, randomness and fetch as arguments', () => {
    for (const re of ANYWHERE) expect(re.test(text), `${file} matches ${re}`).toBe(false);
    if (PURE.includes(file)) for (const re of IMPURE) expect(re.test(text), `${file} matches ${re}`).toBe(false);
  });
});
