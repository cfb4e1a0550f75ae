import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseMasterKeys, type MasterKey } from './crypto/master-keys.ts';
import { generateKey } from './crypto/keyring.ts';

/**
 * Outside production a missing master key is generated into DATA_DIR (mode 0600) so that a newcomer
 * needs no setup; the caller warns loudly. Production never reaches this (config refuses to boot).
 */
export function loadOrCreateDevMasterKey(dataDir: string): {
  keys: MasterKey[];
  created: boolean;
  path: string;
} {
  const path = join(dataDir, 'master.key');
  if (existsSync(path)) {
    return { keys: parseMasterKeys(readFileSync(path, 'utf8').trim(), path), created: false, path };
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const line = `dev:${generateKey().toString('base64')}`;
  writeFileSync(path, `${line}\n`, { mode: 0o600, flag: 'wx' });
  return { keys: parseMasterKeys(line, path), created: true, path };
}
