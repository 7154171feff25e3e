// Public surface of the conformance kit: the runner, its checks, reports and the static fixtures.
export { runConformance, selectChecks, selects, type ConformanceOptions } from './runner.ts';
export { CHECKS } from './checks/index.ts';
export type { Check, CheckLevel } from './check.ts';
export { conformanceTests, type ConformanceTest, type ConformanceTestOptions } from './test-cases.ts';
export { formatJson, formatJunit, formatResult, formatText, label, summarize, summaryLine } from './report.ts';
export { buildFixtures, writeFixtures } from './fixtures.ts';
export { highSTwin } from './high-s.ts';
export type { CheckResult, CheckStatus, KitOptions, Summary } from './types.ts';
