// Writes the TypeScript client's types from openapi/openapi.json (openapi-typescript); `--check` fails
// when the committed file is stale, like `npm run openapi:check` does for the document itself.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';

const root = join(import.meta.dirname, '..');
const source = join(root, 'openapi/openapi.json');
const path = 'clients/typescript/src/generated/openapi.ts';

const header =
  '// Generated from openapi/openapi.json by `npm run client:types` (openapi-typescript). Do not edit.\n';
// Read the document ourselves (not by URL) so the output depends on its content alone.
const ast = await openapiTS(readFileSync(source, 'utf8'));
const ts = `${header}${astToString(ast)}`;

if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(join(root, path), 'utf8');
  } catch {
    /* missing counts as stale */
  }
  if (current !== ts) {
    process.stderr.write(`${path} is stale: run \`npm run client:types\` and commit the result\n`);
    process.exit(1);
  }
  process.stdout.write(`${path} is up to date\n`);
} else {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), ts);
  process.stdout.write(`wrote ${path}\n`);
}
