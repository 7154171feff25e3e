// When to try a delivery again: the configured schedule with equal jitter (pure; randomness injected).

/**
 * After `attemptsSoFar` attempts (≥ 1, the last one just failed): the time of the next one, or 'give_up' once
 * every wait in `schedule` has been used (so a delivery gets 1 + schedule.length attempts).
 *
 * Equal jitter: the wait is uniform in [d/2, d] for the configured d, never below 1 s. Not full jitter
 * ([0, d], the usual suggestion): with a fixed schedule, full jitter could collapse the 24 h waits to
 * seconds and make the "about three days" reach anything from seconds to three days; equal jitter still
 * spreads a burst of failures while keeping at least half of each wait.
 */
export function nextAttempt(attemptsSoFar: number, now: number, schedule: readonly number[], random: () => number): { at: number } | 'give_up' {
  if (!Number.isInteger(attemptsSoFar) || attemptsSoFar < 1) throw new Error(`nextAttempt: attemptsSoFar must be an integer ≥ 1, got ${attemptsSoFar}`);
  const d = schedule[attemptsSoFar - 1];
  if (d === undefined) return 'give_up';
  const r = Math.min(1, Math.max(0, random()));
  const wait = Math.max(1, Math.round(d / 2 + (r * d) / 2));
  return { at: now + wait };
}

/** A uniform number in [0, 1) from a random-bytes effect (what deps.ts has), for `nextAttempt`'s `random`. */
export function unitRandom(randomBytes: (n: number) => Uint8Array): () => number {
  return () => {
    const b = randomBytes(4);
    return (((b[0]! << 24) >>> 0) + (b[1]! << 16) + (b[2]! << 8) + b[3]!) / 2 ** 32;
  };
}
