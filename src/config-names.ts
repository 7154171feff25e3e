// Which OC_* names mean something, and the closest one to a typo ("OC_PORTT is not a setting: did you mean OC_PORT?").
import { GATEWAYS } from './gateways/registry.ts';

/** Read by the test suite and the benchmarks (the PostgreSQL they use), never by the server. */
const TOOLING_NAMES = ['OC_TEST_PG_URL'];

/** The server's own settings (the config schema's keys), every gateway's settings (from its definition) and the tooling names. */
export function knownNames(schemaKeys: readonly string[]): ReadonlySet<string> {
  return new Set([...schemaKeys, ...GATEWAYS.flatMap((g) => g.settings), ...TOOLING_NAMES]);
}

/** Edit distance (insert, delete, substitute, swap two neighbours), case-insensitive. */
function distance(a: string, b: string): number {
  const x = a.toUpperCase();
  const y = b.toUpperCase();
  const d = Array.from({ length: x.length + 1 }, (_, i) => Array.from({ length: y.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= x.length; i++) {
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[x.length]![y.length]!;
}

/** The known name nearest to `name`, when it is near enough to be the one meant. */
export function closestName(name: string, known: Iterable<string>): string | undefined {
  let best: { name: string; d: number } | undefined;
  // A name without the prefix (PORT in the OC_CONFIG file) is compared as OC_PORT.
  const spelt = /^OC_/i.test(name) ? name : `OC_${name}`;
  for (const k of known) {
    const d = distance(spelt, k);
    if (!best || d < best.d) best = { name: k, d };
  }
  const bare = spelt.length - 3;
  return best && best.d <= Math.max(2, Math.floor(bare / 3)) ? best.name : undefined;
}

/** One line per name in `names` that is not known; `where` says where it was found ("in the environment"). */
export function unknownNames(names: Iterable<string>, known: ReadonlySet<string>, where: string): string[] {
  const out: string[] = [];
  for (const name of names) {
    if (known.has(name)) continue;
    const near = closestName(name, known);
    out.push(`${name} is not a setting: ${near ? `did you mean ${near}?` : 'no setting has a similar name (the README lists them all under Configuration)'} (${where})`);
  }
  return out;
}
