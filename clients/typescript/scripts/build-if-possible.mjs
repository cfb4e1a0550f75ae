// `prepare` (npm install in the repository): builds dist/ so that `npx credential-vault` works
// right after an install. An install without dev dependencies has no TypeScript compiler; it skips
// the build with a note instead of failing the install (`npm run client:build` builds later).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

let tsc;
try {
  tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
} catch {
  process.stderr.write('@credential-vault/client: TypeScript is not installed; not built\n');
  process.exit(0);
}
const res = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { stdio: 'inherit' });
process.exit(res.status ?? 1);
