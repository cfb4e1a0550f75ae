import type { Config } from './config.ts';
import { ConfigError } from './config.ts';
import { migrate } from './db/migrate.ts';
import { createDeps } from './deps.ts';
import { newApiKey } from './features/api-keys/secrets.ts';

/**
 * Non-interactive key provisioning for Compose/CI:
 *   keys generate                                   print a fresh key (for VAULT_BOOTSTRAP_*_KEY), no DB
 *   keys create --key-role operator --name ops      create an operator key, print JSON
 *   keys create --key-role admin|service --tenant tn_… --name ci
 *   keys rewrap                                     re-wrap every data key with the active master key
 */
export async function runKeysCommand(
  config: Config,
  args: string[],
  opts: { tenant?: string; name?: string; 'key-role'?: string },
): Promise<void> {
  const [cmd] = args;
  if (cmd === 'generate') {
    process.stdout.write(`${newApiKey().token}\n`);
    return;
  }
  if (cmd === 'rewrap') {
    const deps = await createDeps(config);
    try {
      await migrate(deps.database);
      const r = await deps.services.rotation.rewrapAll();
      process.stdout.write(`${JSON.stringify(r)}\n`);
    } finally {
      await deps.database.close();
    }
    return;
  }
  if (cmd !== 'create')
    throw new ConfigError(
      'usage: keys generate | keys create --key-role operator|admin|service [--tenant tn_…] [--name …]',
    );
  const role = opts['key-role'];
  if (role !== 'operator' && role !== 'admin' && role !== 'service')
    throw new ConfigError('--key-role must be operator, admin or service');
  if (role !== 'operator' && !opts.tenant)
    throw new ConfigError(`--tenant is required for ${role} keys`);
  const deps = await createDeps(config);
  try {
    await migrate(deps.database);
    const { apiKeys, tenants } = deps.services;
    const name = opts.name ?? `${role} key (cli)`;
    const { row, token } =
      role === 'operator'
        ? await apiKeys.createKey({ tenantId: null, role, name })
        : await tenants.createTenantKey(opts.tenant!, role, name);
    process.stdout.write(
      `${JSON.stringify({ id: row.id, role: row.role, tenant_id: row.tenantId, key: token })}\n`,
    );
  } finally {
    await deps.database.close();
  }
}
