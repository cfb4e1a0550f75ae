import type { Config } from './config.ts';
import { createKeyring } from './crypto/keyring.ts';
import { loadOrCreateDevMasterKey } from './crypto/master-key-file.ts';
import { openDatabase, type Database } from './db/client.ts';
import { createApiKeyService } from './features/api-keys/service.ts';
import { createAuthConfigService } from './features/auth-configs/service.ts';
import { createDataKeyService } from './features/data-keys/service.ts';
import { createTenantService } from './features/tenants/service.ts';
import { systemClock, type Clock } from './lib/clock.ts';
import { createLogger, type Logger } from './lib/logger.ts';

/** The composition root: the one place that wires config into database, keyring and services. */
export async function createDeps(
  config: Config,
  overrides: { database?: Database; logger?: Logger; clock?: Clock } = {},
) {
  const logger = overrides.logger ?? createLogger(config.LOG_LEVEL);
  const clock = overrides.clock ?? systemClock;
  let masterKeys = config.masterKeys;
  if (masterKeys.length === 0) {
    const dev = loadOrCreateDevMasterKey(config.DATA_DIR);
    masterKeys = dev.keys;
    logger.warn(
      { path: dev.path, created: dev.created },
      'VAULT_MASTER_KEYS is not set: using a development master key from DATA_DIR. Anyone who can read that file can decrypt every secret. Set VAULT_MASTER_KEYS in production.',
    );
  }
  const keyring = createKeyring(masterKeys);
  const database =
    overrides.database ??
    (await openDatabase({
      url: config.DATABASE_URL,
      dataDir: config.DATA_DIR,
      poolMax: config.DB_POOL_MAX,
    }));
  const db = database.db;

  const dataKeys = createDataKeyService({ db, keyring });
  const authConfigs = createAuthConfigService({ db, clock, dataKeys });
  const apiKeys = createApiKeyService({ db, clock, authConfigsExist: authConfigs.missingIds });
  const tenants = createTenantService({ db, dataKeys, apiKeys });

  return {
    config,
    logger,
    clock,
    keyring,
    database,
    services: { dataKeys, authConfigs, apiKeys, tenants },
  };
}

export type Deps = Awaited<ReturnType<typeof createDeps>>;
