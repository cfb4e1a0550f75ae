// `npm start`, `npm run migrate|keys|emulator`: `node scripts/launch.mjs <main|emulator> [args…]`.
// Rebuilds dist/ first when a source changed since the last build (so these never run stale code),
// then runs dist/<name>.js in this same process. The package.json scripts `exec` it, so the process
// npm starts is the program itself: npm passes a SIGTERM/SIGINT it receives to its child (checked
// with npm 11), and dash — which does not exec a lone `sh -c` command by itself — is not in between.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DIST, ENTRIES, build, isStale } from './build.mjs';

const [name] = process.argv.splice(2, 1);
if (!name || !Object.hasOwn(ENTRIES, name)) {
  process.stderr.write(
    `usage: node scripts/launch.mjs ${Object.keys(ENTRIES).join('|')} [args…]\n`,
  );
  process.exit(2);
}
if (isStale()) {
  process.stderr.write('credential-vault: sources changed since the last build; building dist/\n');
  try {
    await build();
  } catch (err) {
    process.stderr.write(`credential-vault: ${err instanceof Error ? err.message : err}\n`);
    process.exit(1);
  }
}
const entry = join(DIST, `${name}.js`);
// The program sees the argv it would see as `node dist/<name>.js args…`.
process.argv[1] = entry;
await import(pathToFileURL(entry).href);
