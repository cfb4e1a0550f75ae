#!/usr/bin/env node
// `credential-vault`: the admin CLI (npx credential-vault --help). Everything lives in ./cli/.
import { nodeIo } from './cli/io.js';
import { runCli } from './cli/run.js';

process.exitCode = await runCli(process.argv.slice(2), nodeIo());
