// How the kit marks every order it creates (reference prefix + memo), so a merchant can tell them from real sales.
import type { TestOrderMark } from '../store/types.ts';

/** Every order body the kit sends has a reference starting `conf_` and this memo; the console hides such orders by default. */
export const KIT_MARK: TestOrderMark = { referencePrefix: 'conf_', memo: 'Opencharge conformance kit' };

/** A fresh kit reference (`conf_<what>_<hex>`): always carries the mark's prefix. */
export const kitReference = (what: string, hex: string) => `${KIT_MARK.referencePrefix}${what}_${hex}`;
