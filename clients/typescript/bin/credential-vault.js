#!/usr/bin/env node
// The installed `credential-vault` command. It lives outside dist/ so that npm always links it
// (npm skips a bin whose file is missing at install time, and `npx credential-vault` would then
// look for a package of that name on the registry instead of running this one).
try {
  await import('../dist/cli.js');
} catch (err) {
  const missing =
    err?.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/cli.js');
  if (!missing) throw err;
  process.stderr.write(
    'credential-vault: the CLI is not built yet: run `npm run client:build` in the repository\n',
  );
  process.exitCode = 1;
}
