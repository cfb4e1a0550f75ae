// `npx tsx bench/profile-summary.ts <file.cpuprofile> [top]`: self time by function and by file of a
// V8 CPU profile (what `npm run bench -- --cpu-prof` writes into bench/results/prof/).
import { readFileSync } from 'node:fs';

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

const [file, topArg] = process.argv.slice(2);
if (!file) throw new Error('usage: tsx bench/profile-summary.ts <file.cpuprofile> [top]');
const top = Number(topArg ?? 25);
const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));

const short = (url: string) =>
  url
    .replace(/^file:\/\//, '')
    .replace(/^.*\/node_modules\//, 'npm:')
    .replace(/^.*\/work\/main\//, '');
const fn = new Map<string, number>();
const files = new Map<string, number>();
let total = 0;
let idle = 0;
for (const [id, us] of self) {
  const n = byId.get(id)!;
  total += us;
  const name = n.callFrame.functionName || '(anonymous)';
  if (name === '(idle)') idle += us;
  const where = n.callFrame.url ? short(n.callFrame.url) : '(native)';
  const k = `${name}  ${where}:${n.callFrame.lineNumber + 1}`;
  fn.set(k, (fn.get(k) ?? 0) + us);
  const pkg = where.startsWith('npm:')
    ? where
        .split('/')
        .slice(0, where.startsWith('npm:@') ? 2 : 1)
        .join('/')
    : where;
  files.set(pkg, (files.get(pkg) ?? 0) + us);
}
const busy = total - idle;
const show = (m: Map<string, number>, title: string) => {
  console.log(`\n${title} (share of busy time ${(busy / 1e6).toFixed(2)} s)`);
  for (const [k, us] of [...m].sort((x, y) => y[1] - x[1]).slice(0, top)) {
    console.log(`${((us / busy) * 100).toFixed(1).padStart(5)}%  ${k}`);
  }
};
console.log(
  `profile: ${(total / 1e6).toFixed(2)} s sampled, idle ${((idle / total) * 100).toFixed(0)}%`,
);
// Inclusive time of our own (src/) functions: each sample counts once for every distinct src/
// frame on its stack (synchronous stacks only: time after an await is charged to the continuation).
const parent = new Map<number, number>();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const inclusive = new Map<string, number>();
p.samples.forEach((leaf, i) => {
  const seen = new Set<string>();
  for (let id: number | undefined = leaf; id !== undefined; id = parent.get(id)) {
    const cf = byId.get(id)!.callFrame;
    if (!cf.url.includes('/work/main/src/')) continue;
    seen.add(`${cf.functionName || '(anonymous)'}  ${short(cf.url)}:${cf.lineNumber + 1}`);
  }
  for (const k of seen) inclusive.set(k, (inclusive.get(k) ?? 0) + (p.timeDeltas[i] ?? 0));
});
show(files, 'self time by file/package');
show(fn, 'self time by function');
show(inclusive, 'inclusive time of src/ functions');
