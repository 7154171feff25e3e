// "Did you mean …?": the nearest known word to a typo (commands, options, OC_* settings).

/** Levenshtein distance, for suggestions. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

/** The closest candidate within a third of the word's length (at least one edit), else undefined. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: { c: string; d: number } | undefined;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (!best || d < best.d) best = { c, d };
  }
  return best && best.d <= Math.max(1, Math.ceil(word.length / 3)) ? best.c : undefined;
}
