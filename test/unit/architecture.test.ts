import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';

/**
 * The layout's rules (routes → service → repo → db; one owner per table), checked on the import
 * graph of src/ so that a change breaking them fails here rather than in review.
 */
const SRC = resolve(import.meta.dirname, '../../src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** file (relative to src) → the src files it imports (relative to src). */
const graph = new Map(
  files(SRC).map((f) => {
    const text = readFileSync(f, 'utf8');
    const targets = [...text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+'(\.[^']+)'/gm)].map(
      (m) => relative(SRC, resolve(dirname(f), m[1]!)),
    );
    return [relative(SRC, f), targets] as const;
  }),
);

const featureOf = (f: string) => /^features\/([^/]+)\//.exec(f)?.[1];
const isRepo = (f: string) => /^features\/[^/]+\/repo\.ts$/.test(f);

test('no feature imports another feature’s repo', () => {
  const bad = [...graph].flatMap(([from, tos]) =>
    tos
      .filter((to) => isRepo(to) && featureOf(to) !== featureOf(from))
      .map((to) => `${from} → ${to}`),
  );
  assert.deepEqual(bad, []);
});

test('features depend on each other without cycles', () => {
  const edges = new Map<string, Set<string>>();
  for (const [from, tos] of graph) {
    const a = featureOf(from);
    if (!a) continue;
    for (const to of tos) {
      const b = featureOf(to);
      if (b && b !== a) edges.set(a, (edges.get(a) ?? new Set()).add(b));
    }
  }
  const cycles: string[] = [];
  const visit = (node: string, path: string[]) => {
    if (path.includes(node))
      return void cycles.push([...path.slice(path.indexOf(node)), node].join(' → '));
    for (const next of edges.get(node) ?? []) visit(next, [...path, node]);
  };
  for (const node of edges.keys()) visit(node, []);
  assert.deepEqual(cycles, []);
});

test('only a feature’s own repo (and db/) queries its tables', () => {
  const tables = [
    ...readFileSync(join(SRC, 'db/schema/index.ts'), 'utf8').matchAll(/'\.\/(.+)\.ts'/g),
  ];
  assert.ok(tables.length >= 6);
  // The drizzle table objects are imported from db/schema only by repos (and db/ itself); services,
  // routes and everything else import row types, never the tables.
  const bad = [...graph].flatMap(([from]) => {
    if (from.startsWith('db/') || isRepo(from)) return [];
    const text = readFileSync(join(SRC, from), 'utf8');
    const m = /^import \{([^}]*)\} from '[^']*db\/schema\/index\.ts'/m.exec(text);
    const values = (m?.[1] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s && !s.startsWith('type '));
    return values.filter((v) => !/^[A-Z_]+$/.test(v)).map((v) => `${from} imports table ${v}`);
  });
  assert.deepEqual(bad, []);
});

test('providers/ and crypto/ know neither our tables nor the configuration', () => {
  const bad = [...graph].flatMap(([from, tos]) =>
    /^(providers|crypto)\//.test(from)
      ? tos
          .filter((to) => /^(db|features|http)\//.test(to) || to === 'config.ts')
          .map((to) => `${from} → ${to}`)
      : [],
  );
  assert.deepEqual(bad, []);
});

test('the emulator shares no code with the vault', () => {
  const bad = [...graph].flatMap(([from, tos]) =>
    tos
      .filter((to) => from.startsWith('emulator/') !== to.startsWith('emulator/'))
      .map((to) => `${from} → ${to}`),
  );
  assert.deepEqual(bad, []);
});

test('only config.ts reads process.env', () => {
  const readers = [...graph.keys()].filter(
    (f) =>
      !f.startsWith('emulator/') &&
      f !== 'config.ts' &&
      /process\.env\b/.test(readFileSync(join(SRC, f), 'utf8')),
  );
  assert.deepEqual(readers, []);
});
