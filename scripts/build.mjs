// Compiles the vault and the emulator into dist/ with esbuild (production, Docker and `npm start` run
// dist/, never TypeScript through a loader; tests import src/ through tsx).
//
//   node scripts/build.mjs             build now
//   node scripts/build.mjs --if-stale  build only when the sources changed since the last build
//                                       (`npm install`/`npm ci` run this as `prepare`)
//
// The project's own code is bundled (one file per entry: no module resolution across ~100 files at
// start); npm packages stay external and are loaded from node_modules as they are (PGlite finds its
// wasm and data files next to its own module). Messages go to stderr only: stdout belongs to the
// program, so `KEY=$(npm run -s keys -- generate)` captures the key even when a build runs first.
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DIST = join(ROOT, 'dist');
/** dist/<name>.js ← entry */
export const ENTRIES = { main: 'src/main.ts', emulator: 'src/emulator/main.ts' };
const STAMP = join(DIST, '.build-stamp');
/** What a build reads: a change to any of these makes dist/ stale. */
const INPUTS = ['src', 'package.json', 'package-lock.json', 'tsconfig.json', 'scripts/build.mjs'];

/**
 * A digest of the path, size and mtime of every input file and directory (a directory's mtime moves
 * when a file in it is added, removed or renamed). Stat calls only: a few milliseconds.
 */
export function fingerprint() {
  const hash = createHash('sha256');
  const visit = (path) => {
    let st;
    try {
      st = statSync(path);
    } catch {
      hash.update(`${relative(ROOT, path)}:missing\n`);
      return;
    }
    hash.update(`${relative(ROOT, path)}:${st.size}:${st.mtimeMs}\n`);
    if (st.isDirectory()) for (const name of readdirSync(path).sort()) visit(join(path, name));
  };
  for (const input of INPUTS) visit(join(ROOT, input));
  return hash.digest('hex');
}

/** True when dist/ is missing or was built from other sources. Without src/ there is nothing to build. */
export function isStale() {
  if (!existsSync(join(ROOT, 'src'))) return false;
  if (!Object.keys(ENTRIES).every((name) => existsSync(join(DIST, `${name}.js`)))) return true;
  try {
    return readFileSync(STAMP, 'utf8').trim() !== fingerprint();
  } catch {
    return true;
  }
}

export class EsbuildMissingError extends Error {}

export async function build() {
  // Taken before compiling: a file saved during the build makes the next check see it as stale.
  const stamp = fingerprint();
  const started = Date.now();
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    throw new EsbuildMissingError(
      'esbuild is not installed, so dist/ cannot be built (install with dev dependencies: npm install)',
    );
  }
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: ENTRIES,
    outdir: DIST,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    sourcesContent: false,
    write: false,
    logLevel: 'warning',
  });
  await esbuild.stop();
  mkdirSync(DIST, { recursive: true });
  // Each file is written beside its place and renamed over it: a process starting meanwhile (or a
  // second build) never reads half a file.
  for (const file of result.outputFiles) {
    mkdirSync(dirname(file.path), { recursive: true });
    const tmp = `${file.path}.${process.pid}.tmp`;
    writeFileSync(tmp, file.contents);
    renameSync(tmp, file.path);
  }
  writeFileSync(`${STAMP}.${process.pid}.tmp`, `${stamp}\n`);
  renameSync(`${STAMP}.${process.pid}.tmp`, STAMP);
  process.stderr.write(`credential-vault: built dist/ in ${Date.now() - started} ms\n`);
}

/**
 * An initialised, empty PGlite cluster (initdb's output, no schema, nothing secret) for first starts
 * on an empty DATA_DIR: loading it takes ~0.7 s where initdb takes ~3.5 s. Made once per PGlite
 * version, in a child process (it loads the wasm build of PostgreSQL).
 */
export const PGLITE_TEMPLATE = join(DIST, 'pglite-initdb.tar.gz');
export async function ensurePgliteTemplate() {
  let version;
  try {
    version = JSON.parse(
      readFileSync(join(ROOT, 'node_modules/@electric-sql/pglite/package.json'), 'utf8'),
    ).version;
  } catch {
    return; // no PGlite installed here (a production image on PostgreSQL): first starts run initdb
  }
  const marker = `${PGLITE_TEMPLATE}.version`;
  if (existsSync(PGLITE_TEMPLATE) && existsSync(marker) && readFileSync(marker, 'utf8') === version)
    return;
  mkdirSync(DIST, { recursive: true });
  const started = Date.now();
  const tmp = `${PGLITE_TEMPLATE}.${process.pid}.tmp`;
  const { execFileSync } = await import('node:child_process');
  execFileSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import { PGlite } from '@electric-sql/pglite';
       import { writeFileSync } from 'node:fs';
       const db = new PGlite(); await db.waitReady;
       const dump = await db.dumpDataDir('gzip'); await db.close();
       writeFileSync(${JSON.stringify(tmp)}, Buffer.from(await dump.arrayBuffer()));`,
    ],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  renameSync(tmp, PGLITE_TEMPLATE);
  writeFileSync(marker, version);
  process.stderr.write(
    `credential-vault: made the empty PGlite cluster for first starts in ${Date.now() - started} ms\n`,
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const ifStale = process.argv.includes('--if-stale');
  if (!process.argv.includes('--no-template')) await ensurePgliteTemplate();
  if (ifStale && !isStale()) process.exit(0);
  try {
    await build();
  } catch (err) {
    if (ifStale && err instanceof EsbuildMissingError) {
      // `npm ci --omit=dev` runs `prepare` too; the install itself is not wrong, a later
      // `npm start` refuses to run the stale build with this same message.
      process.stderr.write(`credential-vault: ${err.message}; skipped\n`);
      process.exit(0);
    }
    process.stderr.write(
      `credential-vault: build failed: ${err instanceof Error ? err.message : err}\n`,
    );
    process.exit(1);
  }
}
