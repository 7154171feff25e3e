// Reports: one line per check (PASS/FAIL/WARN/SKIP id — title [section]), failures with their exchange, the summary line, JUnit XML.
import type { CheckResult, Summary, TrimmedExchange } from './types.ts';

export function summarize(results: readonly CheckResult[]): Summary {
  const count = (s: CheckResult['status'], level?: CheckResult['level']) => results.filter((r) => r.status === s && (!level || r.level === level)).length;
  return { passed: count('pass'), failed: count('fail', 'required'), warnings: count('fail', 'recommended'), skipped: count('skip') };
}

/** Exactly `N passed, N failed, N warnings, N skipped` (warnings: failed `recommended` checks). */
export function summaryLine(results: readonly CheckResult[]): string {
  const s = summarize(results);
  return `${s.passed} passed, ${s.failed} failed, ${s.warnings} warnings, ${s.skipped} skipped`;
}

/** PASS, FAIL (a required check failed), WARN (a recommended one did), SKIP. */
export function label(r: Pick<CheckResult, 'status' | 'level'>): string {
  if (r.status === 'fail') return r.level === 'recommended' ? 'WARN' : 'FAIL';
  return r.status === 'pass' ? 'PASS' : 'SKIP';
}

export function formatResult(r: CheckResult): string {
  const lines = [`${label(r)}  ${r.id} — ${r.title} [${r.section}]`];
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

const xml = (t: string) => t.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

/**
 * JUnit XML (one testsuite, one testcase per check) for CI dashboards: a failed required check is a <failure>,
 * a failed recommended one passes with its warning in <system-out>, a skipped one is <skipped>.
 */
export function formatJunit(results: readonly CheckResult[], suite = 'opencharge-conformance'): string {
  const s = summarize(results);
  const seconds = (ms: number) => (ms / 1000).toFixed(3);
  const total = results.reduce((t, r) => t + r.ms, 0);
  const cases = results.map((r) => {
    const head = `  <testcase classname="${xml(suite)}.${xml(r.id.split('.')[0]!)}" name="${xml(`${r.id} — ${r.title} [${r.section}] (${r.level})`)}" time="${seconds(r.ms)}"`;
    const detail = () => xml([r.reason ?? 'failed', ...(r.exchange ? formatExchange(r.exchange) : [])].join('\n'));
    if (r.status === 'pass') return `${head}/>`;
    if (r.status === 'skip') return `${head}>\n    <skipped message="${xml(r.reason ?? 'skipped')}"/>\n  </testcase>`;
    if (r.level === 'recommended') return `${head}>\n    <system-out>WARNING (recommended check failed): ${detail()}</system-out>\n  </testcase>`;
    return `${head}>\n    <failure message="${xml(r.reason ?? 'failed')}" type="${xml(r.level)}">${detail()}</failure>\n  </testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xml(suite)}" tests="${results.length}" failures="${s.failed}" skipped="${s.skipped}" time="${seconds(total)}">`,
    `<testsuite name="${xml(suite)}" tests="${results.length}" failures="${s.failed}" errors="0" skipped="${s.skipped}" time="${seconds(total)}">`,
    `  <properties><property name="warnings" value="${s.warnings}"/></properties>`,
    ...cases,
    '</testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
