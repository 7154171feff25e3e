// Reports: one line per check (PASS/FAIL/SKIP id — title [section]), failures with their exchange, and the summary line.
import type { CheckResult, Summary, TrimmedExchange } from './types.ts';

export function summarize(results: readonly CheckResult[]): Summary {
  const count = (s: CheckResult['status']) => results.filter((r) => r.status === s).length;
  return { passed: count('pass'), failed: count('fail'), skipped: count('skip') };
}

/** Exactly `N passed, N failed, N skipped`. */
export function summaryLine(results: readonly CheckResult[]): string {
  const s = summarize(results);
  return `${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped`;
}

const LABEL = { pass: 'PASS', fail: 'FAIL', skip: 'SKIP' } as const;

export function formatResult(r: CheckResult): string {
  const lines = [`${LABEL[r.status]}  ${r.id} — ${r.title} [${r.section}]`];
  if (r.status === 'skip' && r.reason) lines.push(`      skipped: ${r.reason}`);
  if (r.status === 'fail') {
    lines.push(`      reason: ${r.reason ?? 'failed'}`);
    if (r.exchange) lines.push(...formatExchange(r.exchange).map((l) => `      ${l}`));
  }
  return lines.join('\n');
}

export function formatExchange(x: TrimmedExchange): string[] {
  const out = [`> ${x.request.method} ${x.request.url}`];
  for (const [k, v] of Object.entries(x.request.headers)) out.push(`> ${k}: ${v}`);
  if (x.request.body) out.push(`> ${x.request.body}`);
  if (x.error) out.push(`! ${x.error}`);
  if (x.response) {
    out.push(`< ${x.response.status}`);
    for (const [k, v] of Object.entries(x.response.headers)) out.push(`< ${k}: ${v}`);
    if (x.response.body) out.push(`< ${x.response.body}`);
  }
  return out;
}

export function formatText(results: readonly CheckResult[]): string {
  return [...results.map(formatResult), '', summaryLine(results)].join('\n');
}

export function formatJson(results: readonly CheckResult[]): string {
  return JSON.stringify({ summary: summarize(results), results }, null, 2);
}
