// Which OC_* names mean something, and the closest one to a typo ("OC_PORTT is not a setting: did you mean OC_PORT?").
import { GATEWAYS } from './gateways/registry.ts';
import { closest } from './suggest.ts';

/** Read by the test suite and the benchmarks (the PostgreSQL they use), never by the server. */
const TOOLING_NAMES = ['OC_TEST_PG_URL'];

/** The server's own settings (the config schema's keys), every gateway's settings (from its definition) and the tooling names. */
export function knownNames(schemaKeys: readonly string[]): ReadonlySet<string> {
  return new Set([...schemaKeys, ...GATEWAYS.flatMap((g) => g.settings), ...TOOLING_NAMES]);
}

/** The known name nearest to `name` (case-insensitive; PORT is compared as OC_PORT), when near enough to be the one meant. */
function closestName(name: string, known: ReadonlySet<string>): string | undefined {
  const spelt = (/^OC_/i.test(name) ? name : `OC_${name}`).toUpperCase();
  return closest(spelt, [...known]);
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
