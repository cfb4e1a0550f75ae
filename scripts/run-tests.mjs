// Runs every test file under test/ with node's test runner (tsx as the TypeScript loader).
// Node 20's runner has no glob support, so the file list is built here. The real-process tests run
// the compiled vault (dist/), so dist/ is brought up to date first, once for the whole run.
// `--pg` runs the same suite against the PostgreSQL in TEST_DATABASE_URL (default: the machine's local
// `test` database); each test file creates and drops its own database there, so runs cannot collide.
import { spawnSync } from 'node:child_process';
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

const files = (only.length ? only : ['test'])
  .flatMap((p) => (statSync(p).isDirectory() ? walk(p) : [p]))
  .filter((f) => {
    if (!pg || !PGLITE_ONLY.includes(f.replace(/\\/g, '/').replace(/^\.\//, ''))) return true;
    process.stderr.write(
      `run-tests: ${f} runs in the PGlite pass only (test/README.md#snippets)\n`,
    );
    return false;
  })
  .sort();

if (files.length === 0) process.exit(0);
if (isStale()) await build();

const env = { ...process.env };
if (pg) env.TEST_DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/test';
else delete env.TEST_DATABASE_URL;

const res = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files],
  { stdio: 'inherit', env },
);
process.exit(res.status ?? 1);
