// conformanceTests(results): the kit's results as test cases another implementation registers in its own suite.
import { formatResult } from './report.ts';
import type { CheckResult } from './types.ts';

export interface ConformanceTest {
  /** `auth.stale-timestamp — a timestamp … [docs/profile.md §2 step 2]`. */
  name: string;
  id: string;
  level: CheckResult['level'];
  /** The reason the check was skipped, else false (vitest: `test.skipIf(!!t.skip)`, node:test: `{ skip: t.skip }`). */
  skip: string | false;
  /** Throws on a failed required check (and on a failed recommended one with `strict`); returns otherwise. */
  run: () => void;
  result: CheckResult;
}

export interface ConformanceTestOptions {
  /** Fail the test of a recommended check too (default: a warning on stderr, the test passes). */
  strict?: boolean;
  /** Where warnings go (default: console.warn). */
  warn?: (text: string) => void;
}

/**
 * vitest:    for (const t of conformanceTests(results)) test.skipIf(!!t.skip)(t.name, t.run);
 * node:test: for (const t of conformanceTests(results)) test(t.name, { skip: t.skip }, t.run);
 */
export function conformanceTests(results: readonly CheckResult[], o: ConformanceTestOptions = {}): ConformanceTest[] {
  const warn = o.warn ?? ((text: string) => console.warn(text));
  return results.map((r) => ({
    name: `${r.id} — ${r.title} [${r.section}]`,
    id: r.id,
    level: r.level,
    skip: r.status === 'skip' ? (r.reason ?? 'skipped') : false,
    result: r,
    run() {
      if (r.status !== 'fail') return;
      if (r.level === 'recommended' && !o.strict) {
        warn(formatResult(r));
        return;
      }
      throw new Error(formatResult(r));
    },
  }));
}
