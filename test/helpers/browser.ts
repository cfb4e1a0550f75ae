import { existsSync } from 'node:fs';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Browser tests need Debian's Chromium. Without it `npm test` skips them with a message saying so;
 * CI sets REQUIRE_BROWSER=1 (after installing Chromium), where a missing browser is a failure.
 */
export function browserSkipReason(): string | false {
  if (existsSync(CHROMIUM)) return false;
  const msg = `Chromium not found at ${CHROMIUM}: browser tests skipped (install it with: apt-get install chromium)`;
  if (process.env.REQUIRE_BROWSER === '1') throw new Error(`REQUIRE_BROWSER=1 but ${msg}`);
  process.stderr.write(`\n*** ${msg} ***\n`);
  return msg;
}

/** Flags for a root, offline machine: no sandbox, no background network chatter. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
