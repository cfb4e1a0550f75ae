// Runs every test file under test/ with node's test runner (tsx as the TypeScript loader).
// Node 20's runner has no glob support, so the file list is built here. The real-process tests run
// the compiled vault (dist/), so dist/ is brought up to date first, once for the whole run.
// `--pg` runs the same suite against the PostgreSQL in TEST_DATABASE_URL (default: the machine's local
// `test` database); each test file creates and drops its own database there, so runs cannot collide.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build, isStale } from './build.mjs';

const args = process.argv.slice(2);
const pg = args.includes('--pg');
const only = args.filter((a) => !a.startsWith('--'));

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.test.ts') ? [p] : [];
  });
}

// Files that run the docs' own commands (`npm start` on the embedded database, as the docs say):
// they belong to the PGlite pass, so `--pg` leaves them out (test/README.md#snippets).
const PGLITE_ONLY = ['test/e2e/snippets.test.ts'];

// Files that run real vault processes (e2e/, client/) are the slowest: started first, they do not
// form the tail of the run while the other slot sits idle.
const slowFirst = (p) => (/(^|\/)test\/(e2e|client)\//.test(p) ? 0 : 1);
const files = (only.length ? only : ['test'])
  .flatMap((p) => (statSync(p).isDirectory() ? walk(p) : [p]))
  .filter((f) => {
    if (!pg || !PGLITE_ONLY.includes(f.replace(/\\/g, '/').replace(/^\.\//, ''))) return true;
    process.stderr.write(
      `run-tests: ${f} runs in the PGlite pass only (test/README.md#snippets)\n`,
    );
    return false;
  })
  .sort((a, b) => slowFirst(a) - slowFirst(b) || a.localeCompare(b));

// Files run in parallel. On PostgreSQL the database work happens in the server's processes, so the
// test processes can run more at once than on PGlite, whose database runs inside each of them.
// `--concurrency=N` overrides.
const concurrency =
  Number(args.find((a) => a.startsWith('--concurrency='))?.split('=')[1]) || (pg ? 3 : 2);

if (files.length === 0) process.exit(0);
if (isStale()) await build();

const env = { ...process.env };
if (pg) {
  env.TEST_DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/test';
  // The run's migrated template: the first test file that needs a database makes it, every other
  // copies it (test/helpers/database.ts); dropped when the run ends.
  env.TEST_DATABASE_TEMPLATE = `cvt_tpl_${process.pid}_${randomBytes(3).toString('hex')}`;
} else delete env.TEST_DATABASE_URL;

const res = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    `--test-concurrency=${concurrency}`,
    '--test-reporter=spec',
    ...files,
  ],
  { stdio: 'inherit', env },
);
if (pg) await dropTemplate(env.TEST_DATABASE_URL, env.TEST_DATABASE_TEMPLATE);
process.exit(res.status ?? 1);

async function dropTemplate(url, name) {
  const { default: pgClient } = await import('pg');
  const c = new pgClient.Client({ connectionString: url });
  try {
    await c.connect();
    // the template, and any copy of it a failed build left under a longer name
    const left = await c.query('select datname from pg_database where datname like $1', [
      `${name}%`,
    ]);
    for (const { datname } of left.rows)
      await c.query(`drop database if exists ${datname} with (force)`);
  } catch (err) {
    process.stderr.write(`could not drop the template database ${name}: ${err}\n`);
  } finally {
    await c.end().catch(() => {});
  }
}
