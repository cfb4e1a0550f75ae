// `npx tsx bench/profile-summary.ts <file.cpuprofile> [top]`: self time by function and by file of a
// V8 CPU profile (what `npm run bench -- --cpu-prof` writes into bench/results/prof/), and the
// summary the token bench prints of its own profiled run.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

const short = (url: string) =>
  url
    .replace(/^file:\/\//, '')
    .replace(/^.*\/node_modules\//, 'npm:')
    .replace(/^.*\/work\/main\//, '');

const sorted = (m: Map<string, number>, busy: number, top: number) =>
  [...m]
    .sort((x, y) => y[1] - x[1])
    .slice(0, top)
    .map(([name, us]) => ({ name, share: us / busy }));

/** Busy time, and shares of it by package, by function, and inclusive for our own code. */
export function summarize(p: Profile, top = 25) {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
  const fn = new Map<string, number>();
  const files = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [id, us] of self) {
    const n = byId.get(id)!;
    total += us;
    const name = n.callFrame.functionName || '(anonymous)';
    if (name === '(idle)') {
      idle += us;
      continue;
    }
    const where = n.callFrame.url ? short(n.callFrame.url) : '(native)';
    const k = `${name}  ${where}:${n.callFrame.lineNumber + 1}`;
    fn.set(k, (fn.get(k) ?? 0) + us);
    const pkg = where.startsWith('npm:')
      ? where
          .split('/')
          .slice(0, where.startsWith('npm:@') ? 2 : 1)
          .join('/')
      : where === '(native)'
        ? `(native: ${name === '(garbage collector)' ? 'gc' : name})`
        : where;
    files.set(pkg, (files.get(pkg) ?? 0) + us);
  }
  // Inclusive time of our own (src/, or dist/ when compiled) functions: each sample counts once for
  // every distinct such frame on its stack (synchronous stacks only: time after an await is
  // charged to the continuation).
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const inclusive = new Map<string, number>();
  p.samples.forEach((leaf, i) => {
    const seen = new Set<string>();
    for (let id: number | undefined = leaf; id !== undefined; id = parent.get(id)) {
      const cf = byId.get(id)!.callFrame;
      if (!/\/(src|dist)\//.test(cf.url)) continue;
      seen.add(`${cf.functionName || '(anonymous)'}  ${short(cf.url)}:${cf.lineNumber + 1}`);
    }
    for (const k of seen) inclusive.set(k, (inclusive.get(k) ?? 0) + (p.timeDeltas[i] ?? 0));
  });
  const busy = total - idle;
  return {
    totalS: total / 1e6,
    busyS: busy / 1e6,
    idleShare: idle / total,
    files: sorted(files, busy, top),
    functions: sorted(fn, busy, top),
    inclusive: sorted(inclusive, busy, top),
  };
}

/** The newest profile in `dir`, summarised by package (the token bench's report). */
export function summarizeProfile(dir: string, requests: number) {
  const file = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .sort()
    .at(-1);
  if (!file) return undefined;
  const s = summarize(JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile, 14);
  return { busyS: s.busyS, requests, top: s.files };
}

if (process.argv[1]?.endsWith('profile-summary.ts')) {
  const [file, topArg] = process.argv.slice(2);
  if (!file) throw new Error('usage: tsx bench/profile-summary.ts <file.cpuprofile> [top]');
  const s = summarize(JSON.parse(readFileSync(file, 'utf8')) as Profile, Number(topArg ?? 25));
  console.log(`profile: ${s.totalS.toFixed(2)} s sampled, idle ${(s.idleShare * 100).toFixed(0)}%`);
  const show = (rows: { name: string; share: number }[], title: string) => {
    console.log(`\n${title} (share of busy time ${s.busyS.toFixed(2)} s)`);
    for (const r of rows) console.log(`${(r.share * 100).toFixed(1).padStart(5)}%  ${r.name}`);
  };
  show(s.files, 'self time by file/package');
  show(s.functions, 'self time by function');
  show(s.inclusive, 'inclusive time of src/ functions');
}
