// Writes openapi/openapi.json from the route schemas; `--check` fails when the committed file is stale.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/client.ts';
import { createDeps } from '../src/deps.ts';
import { createLogger } from '../src/lib/logger.ts';

const path = 'openapi/openapi.json';
const config = loadConfig({
  NODE_ENV: 'test',
  VAULT_MASTER_KEYS: `gen:${randomBytes(32).toString('base64')}`,
});
// Routes are registered without touching the database, but deps want one: an empty in-memory one.
const database = await openDatabase({ dataDir: 'memory' });
const deps = await createDeps(config, { database, logger: createLogger('silent') });
const app = await buildApp(deps);
await app.ready();
const json = `${JSON.stringify(app.swagger(), null, 2)}\n`;
await app.close();
await database.close();

if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(path, 'utf8');
  } catch {
    /* missing counts as stale */
  }
  if (current !== json) {
    process.stderr.write(`${path} is stale: run \`npm run openapi\` and commit the result\n`);
    process.exit(1);
  }
  process.stdout.write(`${path} is up to date\n`);
} else {
  mkdirSync('openapi', { recursive: true });
  writeFileSync(path, json);
  process.stdout.write(`wrote ${path}\n`);
}
