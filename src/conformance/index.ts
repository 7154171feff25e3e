// Public surface of the conformance kit: the runner, its checks, reports and the static fixtures.
export { runConformance, selectChecks, selects } from './runner.ts';
export { CHECKS } from './checks/index.ts';
export type { Check } from './check.ts';
export { formatJson, formatResult, formatText, summarize, summaryLine } from './report.ts';
export { buildFixtures, writeFixtures } from './fixtures.ts';
export { highSTwin } from './high-s.ts';
export type { CheckResult, CheckStatus, KitOptions, Summary } from './types.ts';
