// One conformance check: an id (`area.case`), a title, the spec section it enforces, and its probe.
import type { Kit } from './context.ts';

export interface Check {
  id: string;
  title: string;
  /** Where the rule is written: `PROFILE §2` (normative here) and/or `opencharge.md §3.6`. */
  section: string;
  run(kit: Kit): Promise<void>;
}

export const check = (id: string, title: string, section: string, run: (kit: Kit) => Promise<void>): Check => ({ id, title, section, run });
