import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { PROVIDER_NAMES } from '../../src/providers/index.ts';
import { SCHEME_NAMES } from '../../src/schemes/index.ts';

/**
 * The layout's rules (routes → service → repo → db; one owner per table; provider and scheme
 * knowledge in their registries), checked on the source of src/ so that a change breaking them
 * fails here rather than in review.
 */
const SRC = resolve(import.meta.dirname, '../../src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const text = new Map(files(SRC).map((f) => [relative(SRC, f), readFileSync(f, 'utf8')]));

/** file (relative to src) → the src files it imports (relative to src). */
const graph = new Map(
  [...text].map(([from, source]) => {
    const targets = [...source.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+'(\.[^']+)'/gm)].map(
      (m) => relative(SRC, resolve(dirname(join(SRC, from)), m[1]!)),
    );
    return [from, targets] as const;
  }),
);

const featureOf = (f: string) => /^features\/([^/]+)\//.exec(f)?.[1];
/** A feature's repos: repo.ts, or one per use case (lease-repo.ts, aggregate-repo.ts …). */
const isRepo = (f: string) => /^features\/[^/]+\/(?:[a-z-]+-)?repo\.ts$/.test(f);

/**
 * Read models that join tables of their owner with tables they may only read; the one place
 * such a join may live. Each is named here with what it reads.
 */
const READ_MODELS: Record<string, { owner: string; reads: string[] }> = {
  'features/connected-accounts/token-read-model.ts': {
    owner: 'connected-accounts',
    reads: ['connected_accounts', 'auth_configs'],
  },
};

/** drizzle table identifiers (as exported by db/schema) → SQL table names. */
const TABLES = new Map(
  [...text]
    .filter(([f]) => f.startsWith('db/schema/'))
    .flatMap(([, source]) =>
      [...source.matchAll(/export const (\w+) = pgTable\(\s*'(\w+)'/g)].map(
        (m) => [m[1]!, m[2]!] as const,
      ),
    ),
);
const TABLE_NAMES = new Set(TABLES.values());

/** The string and template literals of a source (where SQL lives), without its comments. */
const literals = (source: string) =>
  [...source.matchAll(/`(?:[^`\\]|\\.)*`|'(?:[^'\\\n]|\\.)*'/g)].map((m) => m[0]);

/** The tables a source queries: imported from db/schema as values, or named in SQL it writes. */
function tablesOf(source: string): Set<string> {
  const found = new Set<string>();
  for (const m of source.matchAll(/^import\s*\{([^}]*)\}\s*from\s*'[^']*db\/schema\/[^']*'/gm)) {
    for (const spec of m[1]!.split(',')) {
      const name = spec.trim().split(/\s+as\s+/)[0]!;
      if (name && !name.startsWith('type ') && TABLES.has(name)) found.add(TABLES.get(name)!);
    }
  }
  for (const lit of literals(source)) {
    for (const m of lit.matchAll(/\b(?:from|join|update|into|table)\s+"?([a-z_]+)"?/gi)) {
      if (TABLE_NAMES.has(m[1]!)) found.add(m[1]!);
    }
  }
  return found;
}

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

/**
 * Breaches of "one owner per table" in `sources` (file relative to src → its text): a table queried
 * outside a repo, by the repos of two features, or by a read model that does not declare it.
 */
function ownerBreaches(sources: ReadonlyMap<string, string>): string[] {
  const owners = new Map<string, Set<string>>();
  const bad: string[] = [];
  for (const [file, source] of sources) {
    if (file.startsWith('db/') || file.startsWith('emulator/') || READ_MODELS[file]) continue;
    for (const table of tablesOf(source)) {
      if (!isRepo(file)) bad.push(`${file} queries ${table} outside a repo`);
      else owners.set(table, (owners.get(table) ?? new Set()).add(featureOf(file)!));
    }
  }
  for (const [table, features] of owners) {
    if (features.size > 1) bad.push(`${table} is queried by ${[...features].sort().join(' and ')}`);
  }
  for (const [file, model] of Object.entries(READ_MODELS)) {
    const source = sources.get(file);
    if (!source) {
      bad.push(`declared read model ${file} does not exist`);
      continue;
    }
    for (const table of tablesOf(source)) {
      if (!model.reads.includes(table)) bad.push(`${file} reads ${table}, not declared`);
    }
    if (/\.(?:insert|update|delete)\(/.test(source)) bad.push(`${file} writes: a read model reads`);
    const owned = [...(owners.get(model.reads[0]!) ?? [])];
    if (owned.length && !owned.includes(model.owner))
      bad.push(`${file}: ${model.reads[0]} belongs to ${owned.join(', ')}, not ${model.owner}`);
  }
  return bad;
}

test('each table has one owner: only that feature’s repos (and declared read models, and db/) query it', () => {
  assert.ok(TABLE_NAMES.size >= 12, `found the tables: ${[...TABLE_NAMES].join(', ')}`);
  assert.deepEqual(ownerBreaches(text), []);
});

/**
 * A comparison with a registry name: `=== 'x'`, `!== 'x'`, `case 'x':`, `eq(col, 'x')`,
 * `.includes('x')` / `.has('x')`, or `= 'x'` in SQL.
 */
function nameBranches(source: string, names: readonly string[]): string[] {
  const alt = names.map((n) => n.replace(/[^a-z0-9_]/g, '')).join('|');
  const q = `(['"\`])(${alt})\\1`;
  const patterns = [
    new RegExp(`[!=]==?\\s*${q}`, 'g'),
    new RegExp(`${q}\\s*[!=]==?`, 'g'),
    new RegExp(`\\bcase\\s+${q}\\s*:`, 'g'),
    new RegExp(`\\b(?:eq|ne)\\([^()]*,\\s*${q}\\s*\\)`, 'g'),
    new RegExp(`\\.(?:includes|has)\\(\\s*${q}\\s*\\)`, 'g'),
  ];
  const sqlEquals = new RegExp(`[^=!<>]=\\s*'(${alt})'`, 'g');
  return [
    ...patterns.flatMap((p) => [...source.matchAll(p)].map((m) => m[0])),
    ...literals(source)
      .filter((l) => l.startsWith('`'))
      .flatMap((l) => [...l.matchAll(sqlEquals)].map((m) => m[0].slice(1))),
  ];
}

/** Files of `sources` outside `dirs` that branch on one of `names`, with the branch found. */
const branchesOutside = (
  sources: ReadonlyMap<string, string>,
  names: readonly string[],
  ...dirs: string[]
) =>
  [...sources]
    .filter(([f]) => !dirs.some((d) => f.startsWith(d)))
    .flatMap(([file, source]) => nameBranches(source, names).map((b) => `${file}: ${b}`));

test('nothing outside providers/ branches on a provider’s name', () => {
  assert.deepEqual(branchesOutside(text, PROVIDER_NAMES, 'providers/', 'emulator/'), []);
});

test('nothing outside the scheme registry (and providers/) branches on an auth scheme’s name', () => {
  assert.deepEqual(branchesOutside(text, SCHEME_NAMES, 'schemes/', 'providers/', 'emulator/'), []);
});

test('providers/, schemes/ and crypto/ know neither our features, the HTTP layer nor the configuration', () => {
  const bad = [...graph].flatMap(([from, tos]) =>
    /^(providers|schemes|crypto)\//.test(from)
      ? tos
          .filter(
            (to) =>
              /^(features|http)\//.test(to) ||
              to === 'config.ts' ||
              (/^(providers|crypto)\//.test(from) && /^db\//.test(to)),
          )
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
  const readers = [...text]
    .filter(
      ([f, source]) =>
        !f.startsWith('emulator/') && f !== 'config.ts' && /process\.env\b/.test(source),
    )
    .map(([f]) => f);
  assert.deepEqual(readers, []);
});

/** The real sources with `extra` files added (or replaced): what a change would make of src/. */
const withFiles = (extra: Record<string, string>) => new Map([...text, ...Object.entries(extra)]);

test('self-test: the owner rule fires on a cross-feature read, by import, raw SQL or a join', () => {
  assert.ok(TABLE_NAMES.has('connected_accounts') && TABLE_NAMES.has('auth_configs'));
  const other = 'features/audit/peek-repo.ts'; // a repo of a feature that owns neither table
  const cases: Record<string, string> = {
    import: `import { connectedAccounts } from '../../db/schema/index.ts';\nexport const t = connectedAccounts;\n`,
    'raw SQL':
      'export const q = sql`select count(*) from connected_accounts where tenant_id = ${t}`;\n',
    join: 'export const q = sql`select a.id from audit_events a join auth_configs c on c.id = a.resource_id`;\n',
    'sql.raw string': "export const q = sql.raw('update connected_accounts set status = 1');\n",
  };
  for (const [how, source] of Object.entries(cases)) {
    const bad = ownerBreaches(withFiles({ [other]: source }));
    assert.equal(bad.length, 1, `${how}: ${bad.join('; ')}`);
    assert.match(bad[0]!, / is queried by (?:.* and )?audit(?: and |$)/, how);
  }
  // Outside a repo, even of the owning feature: flagged as such.
  const inService = ownerBreaches(
    withFiles({ 'features/connected-accounts/peek.ts': cases['raw SQL']! }),
  );
  assert.deepEqual(inService, [
    'features/connected-accounts/peek.ts queries connected_accounts outside a repo',
  ]);
  // A declared read model that reads a table it does not declare, or writes.
  const [model, declared] = Object.entries(READ_MODELS)[0]!;
  const reads = ownerBreaches(withFiles({ [model]: `${text.get(model)}\n${cases.join}` }));
  assert.ok(
    reads.includes(`${model} reads audit_events, not declared`),
    `${declared.owner}: ${reads.join('; ')}`,
  );
  const writes = ownerBreaches(withFiles({ [model]: `${text.get(model)}\ndb.update(x);\n` }));
  assert.ok(writes.includes(`${model} writes: a read model reads`), writes.join('; '));
  // db/ may name every table (the schema, migrations, the sealed-field list).
  assert.deepEqual(ownerBreaches(withFiles({ 'db/peek.ts': cases['raw SQL']! })), []);
});

test('self-test: the name-branch rules fire on each form of a provider or scheme branch', () => {
  const provider = PROVIDER_NAMES[0];
  const scheme = SCHEME_NAMES[0];
  const forms = (name: string) => ({
    '===': `if (config.provider === '${name}') go();`,
    '!==': `if ("${name}" !== kind) go();`,
    case: `switch (kind) { case '${name}': go(); }`,
    eq: `db.select().where(eq(authConfigs.kind, '${name}'));`,
    includes: `if (names.includes('${name}')) go();`,
    'SQL =': `sql\`select id from auth_configs where kind = '${name}'\`;`,
  });
  for (const [rule, name, allowed] of [
    ['provider', provider, ['providers/', 'emulator/']],
    ['scheme', scheme, ['schemes/', 'providers/', 'emulator/']],
  ] as const) {
    const names = rule === 'provider' ? PROVIDER_NAMES : SCHEME_NAMES;
    for (const [form, source] of Object.entries(forms(name))) {
      const file = 'features/proxy/peek.ts';
      const bad = branchesOutside(withFiles({ [file]: source }), names, ...allowed);
      assert.equal(bad.length, 1, `${rule} ${form}: ${bad.join('; ')}`);
      assert.ok(bad[0]!.startsWith(`${file}: `), bad[0]);
      // The same line inside the registry is where it belongs.
      const inside = `${allowed[0]}peek.ts`;
      assert.deepEqual(branchesOutside(withFiles({ [inside]: source }), names, ...allowed), []);
    }
  }
  // A name merely mentioned (a log message, a comment) is no branch.
  const mention = `logger.info('refreshing a ${provider} token'); // ${scheme}`;
  assert.deepEqual(
    branchesOutside(
      withFiles({ 'features/proxy/peek.ts': mention }),
      PROVIDER_NAMES,
      'providers/',
      'emulator/',
    ),
    [],
  );
});
