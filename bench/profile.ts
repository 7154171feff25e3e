// Reads a V8 .cpuprofile (node --cpu-prof, or the inspector's Profiler.stop) and sums self time per
// function and per module group: our own folders (protocol, http, orders, store, …), the libraries
// (drizzle, hono, @hono/node-server, zod, pino, better-sqlite3, …) and node internals.

export interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber?: number }; hitCount?: number; children?: number[] }>;
  samples?: number[];
  timeDeltas?: number[];
  startTime: number;
  endTime: number;
}

const LIBRARIES: Array<[RegExp, string]> = [
  [/node_modules\/drizzle-orm\//, 'drizzle'],
  [/node_modules\/@hono\/node-server\//, 'hono-node-server'],
  [/node_modules\/hono\//, 'hono'],
  [/node_modules\/zod\//, 'zod'],
  [/node_modules\/(pino|pino-std-serializers|fast-redact|sonic-boom|thread-stream|@pinojs\/redact|quick-format-unescaped|atomic-sleep|on-exit-leak-free)\//, 'pino'],
  [/node_modules\/better-sqlite3\//, 'better-sqlite3'],
  [/node_modules\/postgres\//, 'postgres.js'],
  [/node_modules\/@noble\//, 'noble'],
  [/node_modules\/secp256k1\//, 'secp256k1-native'],
  [/node_modules\/(prom-client|tdigest|bintrees)\//, 'prom-client'],
  [/node_modules\/(tsx|esbuild|get-tsconfig)\//, 'tsx'],
];

/** The group a function's script URL belongs to ('native' for code without a script: see `summarize`). */
export function groupOf(url: string, functionName = ''): string {
  if (!url) {
    if (functionName === '(garbage collector)') return 'gc';
    if (functionName === '(idle)') return 'idle';
    if (functionName === '(program)') return 'program';
    return 'native';
  }
  if (url.startsWith('node:')) return 'node internals';
  if (url === 'bun:sqlite') return 'bun:sqlite';
  if (url.startsWith('bun:')) return 'bun internals';
  const u = url.replace(/\\/g, '/').replace(/[?#].*$/, '');
  for (const [re, name] of LIBRARIES) if (re.test(u)) return name;
  if (u.includes('/node_modules/')) return `other library (${/\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(u)?.[1] ?? '?'})`;
  // Our own folders, from the sources (Bun, tsx) or the compiled dist/ (the Node server runs dist/cli/main.js).
  const own = /\/(?:src|dist)\/([^/]+?)(?:\.[jt]s)?(?:\/|$)/.exec(u);
  if (own) return own[1]!;
  if (/\/bench\//.test(u)) return 'bench';
  if (/\/bin\//.test(u)) return 'bin';
  return 'other';
}

export interface Entry {
  name: string;
  group: string;
  where: string;
  selfMs: number;
  share: number;
}

export interface Summary {
  totalMs: number;
  functions: Entry[];
  groups: Array<{ group: string; selfMs: number; share: number }>;
}

/**
 * Self time per function (same name + script + line summed) and per group, largest first. `idle` is left out of
 * the shares. Native code (no script URL: a driver's statement, a hash, a socket write) counts in the group of the
 * nearest calling function that has one, so a SQLite insert shows under better-sqlite3 or bun:sqlite, not as
 * "native" (Bun's profiles have every built-in there). `window` keeps only the samples taken in [from, to], in µs on
 * the profile's own clock (Node: the monotonic one process.hrtime reads; Bun: the wall clock).
 */
export function summarize(p: CpuProfile, window?: { from: number; to: number }): Summary {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parentOf = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
  const groupFor = (id: number): string => {
    const { url, functionName } = byId.get(id)!.callFrame;
    const own = groupOf(url, functionName);
    if (own !== 'native') return own;
    for (let up = parentOf.get(id); up !== undefined; up = parentOf.get(up)) {
      const f = byId.get(up)!.callFrame;
      if (f.url) return groupOf(f.url, f.functionName);
    }
    return own;
  };
  const self = new Map<number, number>();
  if (p.samples && p.timeDeltas && p.samples.length === p.timeDeltas.length) {
    // A sample's time is the delta to the next one; its timestamp is the start plus the deltas so far.
    let at = p.startTime;
    for (let i = 0; i < p.samples.length; i++) {
      at += p.timeDeltas[i]!;
      if (window && (at < window.from || at > window.to)) continue;
      const dt = p.timeDeltas[i + 1] ?? 0;
      self.set(p.samples[i]!, (self.get(p.samples[i]!) ?? 0) + Math.max(0, dt));
    }
  } else {
    const hits = p.nodes.reduce((t, n) => t + (n.hitCount ?? 0), 0) || 1;
    const per = (p.endTime - p.startTime) / hits;
    for (const n of p.nodes) self.set(n.id, (n.hitCount ?? 0) * per);
  }
  const fns = new Map<string, Entry>();
  const groups = new Map<string, number>();
  let total = 0;
  for (const [id, us] of self) {
    const n = byId.get(id);
    if (!n || us === 0) continue;
    const { functionName, url, lineNumber } = n.callFrame;
    const group = groupFor(id);
    if (group === 'idle') continue;
    total += us;
    groups.set(group, (groups.get(group) ?? 0) + us);
    const file = url.replace(/^file:\/\//, '').replace(/[?#].*$/, '').replace(/^.*\/(node_modules|src|bench|bin)\//, '$1/');
    const where = url ? `${file}:${lineNumber + 1}` : '';
    const key = `${functionName}|${where}`;
    const e = fns.get(key) ?? { name: functionName || '(anonymous)', group, where, selfMs: 0, share: 0 };
    e.selfMs += us;
    fns.set(key, e);
  }
  const share = (us: number) => (total ? us / total : 0);
  return {
    totalMs: total / 1000,
    functions: [...fns.values()].map((e) => ({ ...e, selfMs: e.selfMs / 1000, share: share(e.selfMs) })).sort((a, b) => b.selfMs - a.selfMs),
    groups: [...groups].map(([group, us]) => ({ group, selfMs: us / 1000, share: share(us) })).sort((a, b) => b.selfMs - a.selfMs),
  };
}

export function formatSummary(s: Summary, top = 25): string {
  const pct = (x: number) => `${(x * 100).toFixed(1).padStart(5)}%`;
  const lines = [`self time by group (${s.totalMs.toFixed(0)} ms sampled, idle left out):`];
  for (const g of s.groups) lines.push(`  ${pct(g.share)}  ${g.selfMs.toFixed(0).padStart(7)} ms  ${g.group}`);
  lines.push(`top ${top} functions by self time:`);
  for (const f of s.functions.slice(0, top)) lines.push(`  ${pct(f.share)}  ${f.selfMs.toFixed(0).padStart(7)} ms  [${f.group}] ${f.name}  ${f.where}`);
  return lines.join('\n');
}
