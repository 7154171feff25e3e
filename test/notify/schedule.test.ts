// The retry schedule: each attempt's wait, equal-jitter bounds with random 0 and 1, the 1 s floor and give_up.
import { describe, expect, it } from 'vitest';
import { DEFAULT_WEBHOOK_SCHEDULE } from '../../src/config.ts';
import { nextAttempt, unitRandom } from '../../src/notify/schedule.ts';

const NOW = 1_800_000_000;
const S = [10, 60, 300];

describe('nextAttempt', () => {
  it.each([
    [1, 10],
    [2, 60],
    [3, 300],
  ])('after %i attempt(s) waits between half and all of %i s', (n, d) => {
    expect(nextAttempt(n, NOW, S, () => 0)).toEqual({ at: NOW + d / 2 });
    expect(nextAttempt(n, NOW, S, () => 1)).toEqual({ at: NOW + d });
    const mid = nextAttempt(n, NOW, S, () => 0.5);
    expect(mid).toEqual({ at: NOW + Math.round((3 * d) / 4) });
  });

  it('stays within [d/2, d] for any random value', () => {
    for (let i = 0; i <= 100; i++) {
      const r = nextAttempt(3, NOW, S, () => i / 100);
      if (r === 'give_up') throw new Error('unexpected give_up');
      expect(r.at - NOW).toBeGreaterThanOrEqual(150);
      expect(r.at - NOW).toBeLessThanOrEqual(300);
    }
  });

  it('clamps a random source outside [0, 1]', () => {
    expect(nextAttempt(1, NOW, S, () => -5)).toEqual({ at: NOW + 5 });
    expect(nextAttempt(1, NOW, S, () => 7)).toEqual({ at: NOW + 10 });
  });

  it('never waits less than 1 s, even for a 0 or 1 s schedule entry', () => {
    expect(nextAttempt(1, NOW, [0], () => 0)).toEqual({ at: NOW + 1 });
    expect(nextAttempt(1, NOW, [1], () => 0)).toEqual({ at: NOW + 1 });
    expect(nextAttempt(1, NOW, [1], () => 1)).toEqual({ at: NOW + 1 });
  });

  it('gives up once every wait is used (1 + schedule.length attempts), and at once with an empty schedule', () => {
    expect(nextAttempt(4, NOW, S, () => 0.5)).toBe('give_up');
    expect(nextAttempt(9, NOW, S, () => 0.5)).toBe('give_up');
    expect(nextAttempt(1, NOW, [], () => 0.5)).toBe('give_up');
  });

  it('rejects a nonsensical attempt count (programmer error)', () => {
    expect(() => nextAttempt(0, NOW, S, () => 0)).toThrow(/attemptsSoFar/);
    expect(() => nextAttempt(1.5, NOW, S, () => 0)).toThrow(/attemptsSoFar/);
  });

  it('the default schedule reaches 2.86 days at most and 1.43 days at least', () => {
    let lo = NOW;
    let hi = NOW;
    for (let n = 1; n <= DEFAULT_WEBHOOK_SCHEDULE.length; n++) {
      lo = (nextAttempt(n, lo, DEFAULT_WEBHOOK_SCHEDULE, () => 0) as { at: number }).at;
      hi = (nextAttempt(n, hi, DEFAULT_WEBHOOK_SCHEDULE, () => 1) as { at: number }).at;
    }
    expect(nextAttempt(DEFAULT_WEBHOOK_SCHEDULE.length + 1, hi, DEFAULT_WEBHOOK_SCHEDULE, () => 1)).toBe('give_up');
    expect(hi - NOW).toBe(246_970); // 10 s + 1 min + 5 min + 30 min + 2 h + 6 h + 12 h + 24 h + 24 h
    expect(lo - NOW).toBe(123_485);
  });
});

describe('unitRandom', () => {
  it('maps 4 random bytes to [0, 1)', () => {
    expect(unitRandom(() => new Uint8Array([0, 0, 0, 0]))()).toBe(0);
    const max = unitRandom(() => new Uint8Array([255, 255, 255, 255]))();
    expect(max).toBeLessThan(1);
    expect(max).toBeGreaterThan(0.999999);
    expect(unitRandom(() => new Uint8Array([128, 0, 0, 0]))()).toBe(0.5);
  });
});
