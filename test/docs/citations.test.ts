// The project is self-contained: nothing points outside it (a user's clone holds only this repository), and every section of
// docs/profile.md or docs/opencharge.md that a check, the README or CONFORMANCE.md cites exists; citations of the
// gateway facts and the house rules point into docs/ (docs/gateways.md §N, docs/architecture.md rule N) and exist,
// as does every `PROFILE §N` (docs/profile.md) a source cites.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECKS } from '../../src/conformance/checks/index.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const SELF = relative(ROOT, import.meta.filename);

function files(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    return statSync(join(ROOT, path)).isDirectory() ? files(path) : [path];
  });
}

const TEXT = /\.(ts|tsx|mjs|md|json|txt|yml|sh)$/;
const scanned = ['README.md', 'CONFORMANCE.md', 'Dockerfile', 'package.json', ...files('docs'), ...files('src'), ...files('test'), ...files('scripts')].filter(
  (f) => (TEXT.test(f) || !f.includes('.')) && f !== SELF && !f.startsWith('test/vectors/wycheproof/'),
);

/** Section numbers a document defines: `## 3.`/`### 3.6` headings, and `N.` list items inside `## 9.` as 9.N. */
function anchors(doc: string): Set<string> {
  const out = new Set<string>();
  let top: string | undefined;
  for (const line of readFileSync(join(ROOT, 'docs', doc), 'utf8').split('\n')) {
    const h = /^#{2,4} (\d+(?:\.\d+)*)\.? /.exec(line);
    if (h) {
      out.add(h[1]!);
      if (!h[1]!.includes('.')) top = h[1];
      continue;
    }
    const item = /^(\d+)\. /.exec(line);
    if (item && top) out.add(`${top}.${item[1]}`);
  }
  return out;
}
const DOCS = { 'profile.md': anchors('profile.md'), 'opencharge.md': anchors('opencharge.md') };

/** Every `docs/<doc> §x, §y-z` citation in a text, as [doc, section] pairs. */
function citations(text: string): Array<[keyof typeof DOCS, string]> {
  const out: Array<[keyof typeof DOCS, string]> = [];
  for (const m of text.matchAll(/docs\/(profile|opencharge)\.md`?((?:[ ,]+(?:and )?§\d+(?:\.\d+)?(?:-\d+(?:\.\d+)?)?(?: (?:\([^)]*\)|steps? [\d-]+))?)+)/g)) {
    const doc = `${m[1]}.md` as keyof typeof DOCS;
    for (const s of m[2]!.matchAll(/§(\d+(?:\.\d+)?)(?:-(\d+(?:\.\d+)?))?/g)) {
      out.push([doc, s[1]!]);
      if (s[2]) out.push([doc, s[2].includes('.') || !s[1]!.includes('.') ? s[2] : `${s[1]!.split('.')[0]}.${s[2]}`]);
    }
  }
  return out;
}

describe('self-contained', () => {
  it('scans the documents, the sources and the tests', () => {
    expect(scanned).toContain('README.md');
    expect(scanned).toContain('src/conformance/checks/auth.ts');
    expect(scanned.length).toBeGreaterThan(200);
  });

  it.each(scanned)('%s refers to nothing outside the project (no shared/ folder)', (file) => {
    const text = readFileSync(join(ROOT, file), 'utf8');
    expect(text).not.toMatch(/(^|[^\w.-])shared\/|\.\.\/shared\b|\/work\//);
  });
});

describe('citations into docs/', () => {
  it('the documents define sections (the parser sees them)', () => {
    for (const s of ['1', '2', '7', '8']) expect(DOCS['profile.md']).toContain(s);
    for (const s of ['3.6', '5.3', '7.4', '9.12', '9.27']) expect(DOCS['opencharge.md']).toContain(s);
    expect(citations('x (docs/opencharge.md §3.1-3.3, §9.12)')).toEqual([['opencharge.md', '3.1'], ['opencharge.md', '3.3'], ['opencharge.md', '9.12']]);
  });

  it.each(CHECKS.map((c) => [c.id, c.section] as const))('check %s cites only sections that exist (%s)', (_id, section) => {
    expect(section).toMatch(/^docs\/(profile|opencharge)\.md §/);
    const cited = citations(section);
    expect(cited.length).toBeGreaterThan(0);
    for (const [doc, s] of cited) expect(DOCS[doc], `${doc} §${s}`).toContain(s);
  });

  it.each(['README.md', 'CONFORMANCE.md'])('%s cites only sections that exist', (file) => {
    const cited = citations(readFileSync(join(ROOT, file), 'utf8'));
    expect(cited.length).toBeGreaterThan(5);
    const missing = cited.filter(([doc, s]) => !DOCS[doc].has(s)).map(([doc, s]) => `${doc} §${s}`);
    expect(missing).toEqual([]);
  });
});

/** The numbered house rules of docs/architecture.md: `N. ` items under `## House rules`, up to the next `## `. */
function houseRules(): Set<string> {
  const out = new Set<string>();
  let inside = false;
  for (const line of readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8').split('\n')) {
    if (/^## /.test(line)) inside = /^## House rules\b/.test(line);
    const item = /^(\d+)\. /.exec(line);
    if (inside && item) out.add(item[1]!);
  }
  return out;
}
const GATEWAYS = anchors('gateways.md');
const RULES = houseRules();

/** Every `docs/gateways.md §x, §y-z`, `PROFILE §x` and `docs/architecture.md rule(s) x, y-z` citation, as 'gateways §x' / 'profile §x' / 'rule x'. */
function docCitations(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/docs\/gateways\.md`?((?:[ ,]+(?:and )?§\d+(?:\.\d+)?(?:-§?\d+(?:\.\d+)?)?)+)/g)) {
    for (const s of m[1]!.matchAll(/§(\d+(?:\.\d+)?)(?:-§?(\d+(?:\.\d+)?))?/g)) {
      out.push(`gateways §${s[1]}`);
      if (s[2]) out.push(`gateways §${s[2].includes('.') || !s[1]!.includes('.') ? s[2] : `${s[1]!.split('.')[0]}.${s[2]}`}`);
    }
  }
  for (const m of text.matchAll(/PROFILE((?:[ ,]+(?:and )?§\d+(?:\.\d+)?(?:-§?\d+(?:\.\d+)?)?)+)/g)) {
    for (const s of m[1]!.matchAll(/§(\d+(?:\.\d+)?)(?:-§?(\d+(?:\.\d+)?))?/g)) {
      out.push(`profile §${s[1]}`);
      if (s[2]) out.push(`profile §${s[2]}`);
    }
  }
  for (const m of text.matchAll(/docs\/architecture\.md`? rules? (\d+(?:(?:-|, | and )\d+)*)/g)) {
    for (const part of m[1]!.split(/, | and /)) {
      const [a, b] = part.split('-').map(Number);
      for (let n = a!; n <= (b ?? a!); n++) out.push(`rule ${n}`);
    }
  }
  return out;
}

/** A citation of a document that is not in the repository: gateways.md, prior-art, perf-limits, ARCHITECTURE not under docs/. */
const OUTSIDE = /(?<!docs\/)\bgateways\.md|prior-art|perf-limits|\bARCHITECTURE\b/g;

const cited = ['README.md', 'CONFORMANCE.md', ...files('src'), ...files('test'), ...files('bench'), ...files('scripts')].filter(
  (f) => TEXT.test(f) && f !== SELF && !f.startsWith('test/vectors/wycheproof/'),
);

describe('gateway facts and house rules are cited from docs/', () => {
  it('docs/gateways.md and the house rules define what the parser expects', () => {
    for (const s of ['1', '1.2', '1.8', '2.5', '3.5', '4.6', '4.8', '5']) expect(GATEWAYS).toContain(s);
    for (const n of ['1', '6', '12']) expect(RULES).toContain(n);
    expect(docCitations('(docs/gateways.md §4.3-§4.7, §5; docs/architecture.md rules 3-4, docs/architecture.md rules 1, 12)')).toEqual([
      'gateways §4.3', 'gateways §4.7', 'gateways §5', 'rule 3', 'rule 4', 'rule 1', 'rule 12',
    ]);
    expect(docCitations('(PROFILE §2-§4; PROFILE §5, §7)')).toEqual(['profile §2', 'profile §4', 'profile §5', 'profile §7']);
    expect('see gateways.md §2 and ARCHITECTURE rule 5, prior-art §7, perf-limits.md'.match(OUTSIDE)).toHaveLength(4);
    expect('see docs/gateways.md §2'.match(OUTSIDE)).toBeNull();
    expect(cited).toContain('bench/http.ts');
  });

  it.each(cited)('%s cites no document outside docs/, and only sections and rules that exist', (file) => {
    const text = readFileSync(join(ROOT, file), 'utf8');
    expect(text.match(OUTSIDE) ?? []).toEqual([]);
    const missing = docCitations(text).filter((c) => {
      const [kind, n] = c.split(/ §| /) as [string, string];
      return !(kind === 'rule' ? RULES : kind === 'profile' ? DOCS['profile.md'] : GATEWAYS).has(n);
    });
    expect(missing).toEqual([]);
  });
});
