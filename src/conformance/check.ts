// One conformance check: an id (`area.case`), a title, the spec section it enforces, its level and its probe.
import type { Kit } from './context.ts';

/**
 * `required`: the protocol as documented upstream (docs/opencharge.md) or a safety rule of docs/profile.md demands it;
 * a failure fails the run. `recommended`: this profile's reading of a gap or its choice of an error code; a failure is
 * reported as a warning and counted apart.
 */
export type CheckLevel = 'required' | 'recommended';

export interface Check {
  id: string;
  title: string;
  /** Where the rule is written: `docs/profile.md §2` and/or `docs/opencharge.md §3.6`. */
  section: string;
  level: CheckLevel;
  run(kit: Kit): Promise<void>;
}

export const check = (id: string, title: string, section: string, run: (kit: Kit) => Promise<void>): Check => ({ id, title, section, level: 'required', run });

/** A check of a `recommended` rule: its failure is a warning. */
export const recommended = (id: string, title: string, section: string, run: (kit: Kit) => Promise<void>): Check => ({ id, title, section, level: 'recommended', run });
