// runConformance(options): runs the selected checks one after another against a target and returns one result each.
import { CheckFail, CheckSkip } from './assert.ts';
import type { Check } from './check.ts';
import { CHECKS } from './checks/index.ts';
import { TransportError, trimExchange, trimFailedRequest } from './client.ts';
import { createKit } from './context.ts';
import type { CheckResult, KitOptions } from './types.ts';
import { networkReason } from '../client/network-error.ts';

/** `entry` selects `id` when equal to it, a dotted prefix of it (`auth`, `auth.malformed`), or a `*`-ended prefix. */
export function selects(entry: string, id: string): boolean {
  if (entry.endsWith('*')) return id.startsWith(entry.slice(0, -1));
  return id === entry || id.startsWith(`${entry}.`);
}

/** The checks `only` and `skip` leave; throws on an entry that matches no check (a typo must not pass silently). */
export function selectChecks(only: readonly string[] = [], skip: readonly string[] = [], all: readonly Check[] = CHECKS) {
  for (const entry of [...only, ...skip])
    if (!all.some((c) => selects(entry, c.id))) throw new Error(`no conformance check matches '${entry}' (ids look like auth.stale-timestamp; prefixes like auth)`);
  const chosen = only.length ? all.filter((c) => only.some((e) => selects(e, c.id))) : [...all];
  return chosen.map((c) => ({ check: c, skipped: skip.some((e) => selects(e, c.id)) }));
}

/** The id of the one failure reported when the target does not answer at all. */
export const UNREACHABLE_ID = 'target.reachable';

/** One GET before any check: a target that never answers is one failure ("cannot reach <url>"), not one per check. */
async function probe(options: KitOptions): Promise<CheckResult | undefined> {
  const started = Date.now();
  try {
    const res = await options.fetch(`${options.baseUrl.replace(/\/+$/, '')}/metadata.json`, { redirect: 'manual' });
    await res.body?.cancel().catch(() => undefined);
    return undefined;
  } catch (err) {
    const reason = `cannot reach ${options.baseUrl} (${networkReason(err)})`;
    return { id: UNREACHABLE_ID, title: 'the target answers HTTP at its base URL', section: 'HTTP', level: 'required', status: 'fail', reason, ms: Date.now() - started };
  }
}

/** KitOptions with the effects optional: the global fetch, the system clock and Web Crypto's random bytes by default. */
export type ConformanceOptions = Omit<KitOptions, 'fetch' | 'now' | 'randomBytes'> & Partial<Pick<KitOptions, 'fetch' | 'now' | 'randomBytes'>>;

export async function runConformance(given: ConformanceOptions, checks: readonly Check[] = CHECKS): Promise<CheckResult[]> {
  const options: KitOptions = {
    ...given,
    fetch: given.fetch ?? globalThis.fetch,
    now: given.now ?? (() => Math.floor(Date.now() / 1000)),
    randomBytes: given.randomBytes ?? ((n) => globalThis.crypto.getRandomValues(new Uint8Array(n))),
  };
  const selected = selectChecks(options.only, options.skip, checks);
  const unreachable = await probe(options);
  if (unreachable) return [unreachable];
  const kit = createKit(options);
  const results: CheckResult[] = [];
  for (const { check, skipped } of selected) {
    const base = { id: check.id, title: check.title, section: check.section, level: check.level };
    if (skipped) {
      results.push({ ...base, status: 'skip', reason: 'excluded by --skip', ms: 0 });
      continue;
    }
    kit.exchanges = [];
    const started = Date.now();
    let result: CheckResult;
    try {
      await check.run(kit);
      result = { ...base, status: 'pass', ms: 0 };
    } catch (err) {
      result = outcome(base, err, kit.exchanges);
    }
    result.ms = Date.now() - started;
    results.push(result);
  }
  return results;
}

function outcome(base: Pick<CheckResult, 'id' | 'title' | 'section' | 'level'>, err: unknown, exchanges: ReturnType<typeof createKit>['exchanges']): CheckResult {
  if (err instanceof CheckSkip) return { ...base, status: 'skip', reason: err.message, ms: 0 };
  const last = exchanges.at(-1);
  if (err instanceof CheckFail) {
    const e = err.exchange ?? last;
    return { ...base, status: 'fail', reason: err.message, ...(e ? { exchange: trimExchange(e) } : {}), ms: 0 };
  }
  if (err instanceof TransportError) return { ...base, status: 'fail', reason: err.message, exchange: trimFailedRequest(err.request, err.message), ms: 0 };
  // A bug in the check itself, or an answer it could not digest: still a failure, with what it last saw.
  const message = err instanceof Error ? err.message : String(err);
  return { ...base, status: 'fail', reason: `kit error: ${message}`, ...(last ? { exchange: trimExchange(last) } : {}), ms: 0 };
}
