// bench/profile.ts: a real CPU profile (the inspector's Profiler, this process) of our protocol code is summed
// under "protocol"; script URLs map to the module groups the bench prints.
import { Session } from 'node:inspector/promises';
import { describe, expect, it } from 'vitest';
import { canonicalRequest } from '../../src/protocol/canonical.ts';
import { groupOf, summarize, formatSummary, type CpuProfile } from '../../bench/profile.ts';

describe('profile grouping', () => {
  it('maps script URLs to our folders, the libraries and node internals', () => {
    const root = 'file:///home/u/opencharge-merchant';
    expect(groupOf(`${root}/src/protocol/canonical.ts`)).toBe('protocol');
    expect(groupOf(`${root}/src/http/middleware/signature.ts`)).toBe('http');
    expect(groupOf(`${root}/src/orders/create-order.ts`)).toBe('orders');
    expect(groupOf(`${root}/src/store/sqlite.ts`)).toBe('store');
    expect(groupOf(`${root}/src/log.ts`)).toBe('log');
    // The Node server runs the compiled output: dist/ maps to the same groups.
    expect(groupOf(`file://${root}/dist/orders/create-order.js`)).toBe('orders');
    expect(groupOf(`file://${root}/dist/log.js`)).toBe('log');
    expect(groupOf(`${root}/node_modules/drizzle-orm/sqlite-core/session.js`)).toBe('drizzle');
    expect(groupOf(`${root}/node_modules/hono/dist/hono-base.js`)).toBe('hono');
    expect(groupOf(`${root}/node_modules/@hono/node-server/dist/index.mjs`)).toBe('hono-node-server');
    expect(groupOf(`${root}/node_modules/zod/v4/core/schemas.js`)).toBe('zod');
    expect(groupOf(`${root}/node_modules/better-sqlite3/lib/methods/transaction.js`)).toBe('better-sqlite3');
    expect(groupOf(`${root}/node_modules/left-pad/index.js`)).toBe('other library (left-pad)');
    expect(groupOf('node:internal/streams/writable')).toBe('node internals');
    expect(groupOf('', '(garbage collector)')).toBe('gc');
    expect(groupOf('', 'digest')).toBe('native');
    expect(groupOf('bun:sqlite', '#run')).toBe('bun:sqlite');
    expect(groupOf('bun:internal-for-testing', 'x')).toBe('bun internals');
  });

  it("counts native code in its nearest caller's group (a driver's statement under its driver), and keeps gc apart", () => {
    const frame = (functionName: string, url = '') => ({ functionName, url, lineNumber: 0 });
    const sqlite = 'file:///p/node_modules/better-sqlite3/lib/methods/wrappers.js';
    const profile: CpuProfile = {
      nodes: [
        { id: 1, callFrame: frame('(root)'), children: [2, 5] },
        { id: 2, callFrame: frame('insert', 'file:///p/src/store/sqlite-hot.ts'), children: [3] },
        { id: 3, callFrame: frame('run', sqlite), children: [4] },
        { id: 4, callFrame: frame('run') },
        { id: 5, callFrame: frame('(garbage collector)') },
      ],
      samples: [4, 4, 3, 5, 2],
      timeDeltas: [0, 10, 10, 10, 10],
      startTime: 0,
      endTime: 50,
    };
    const s = summarize(profile);
    // Each sample lasts until the next one: the last sample (2) has no duration.
    expect(Object.fromEntries(s.groups.map((g) => [g.group, g.selfMs * 1000]))).toEqual({ 'better-sqlite3': 30, gc: 10 });
    expect(s.functions.find((f) => f.where === '')).toMatchObject({ name: 'run', group: 'better-sqlite3' });
  });

  it('sums the self time of a real profile per function and per group', async () => {
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 100 });
    await session.post('Profiler.start');
    let sink = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < 300) {
      for (let i = 0; i < 200; i++) sink += canonicalRequest({ ocid: '200', timestamp: '1', nonce: `n${i}`, method: 'POST', path: '/x', body: 'y'.repeat(200 + i) }).length;
    }
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    expect(sink).toBeGreaterThan(0);
    const s = summarize(profile as unknown as CpuProfile);
    expect(s.totalMs).toBeGreaterThan(0);
    const protocol = s.groups.find((g) => g.group === 'protocol');
    expect(protocol?.selfMs).toBeGreaterThan(0);
    expect(s.functions.some((f) => f.group === 'protocol' && f.where.includes('src/protocol/'))).toBe(true);
    // Shares add up to the whole (idle left out), and the list is sorted.
    expect(s.groups.reduce((t, g) => t + g.share, 0)).toBeCloseTo(1, 5);
    expect(s.functions.map((f) => f.selfMs)).toEqual([...s.functions.map((f) => f.selfMs)].sort((a, b) => b - a));
    // A time window keeps only its samples: none before the profile started, all of them over its whole span.
    const prof = profile as unknown as CpuProfile;
    expect(summarize(prof, { from: 0, to: prof.startTime - 1 }).totalMs).toBe(0);
    expect(summarize(prof, { from: prof.startTime, to: prof.endTime }).totalMs).toBeCloseTo(s.totalMs, 6);
    expect(formatSummary(s, 5)).toMatch(/self time by group[\s\S]*protocol[\s\S]*top 5 functions/);
  });
});
