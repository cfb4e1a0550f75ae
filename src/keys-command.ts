import { parseArgs } from 'node:util';
import pino from 'pino';
import { ConfigError, loadConfig } from './config.ts';
import { DataDirInUseError } from './db/data-dir.ts';
import { migrate } from './db/migrate.ts';
import { createDeps } from './deps.ts';
import { newApiKey } from './features/api-keys/secrets.ts';
import { commandChange } from './features/audit/context.ts';
import { createLogger } from './lib/logger.ts';

const USAGE = `usage:
  keys generate                                       print a fresh key for VAULT_BOOTSTRAP_*_KEY (needs nothing)
  keys create --key-role operator [--name ops]        create an operator key; prints JSON with the key, once
  keys create --key-role admin|service --tenant tn_… [--name ci]
  keys revoke <key_id>                                revoke any key (operator keys included)
  keys rewrap                                         re-wrap every data key with the active master key`;

/** The running vault's HTTP route that does what `keys <cmd>` would (docs/security.md#keys-and-roles). */
function throughTheApi(
  cmd: 'create' | 'revoke' | 'rewrap',
  id: string | undefined,
  opts: { tenant?: string; 'key-role'?: string },
): string {
  const via = 'do it through the running vault instead:';
  if (cmd === 'revoke')
    return (
      `${via} an operator key with DELETE /v1/operator-keys/${id} (Bearer an operator key), ` +
      `a tenant's key with DELETE /v1/api-keys/${id} (Bearer that tenant's admin key)`
    );
  if (cmd === 'rewrap') return `${via} POST /v1/master-keys/rewrap (Bearer an operator key)`;
  if (opts['key-role'] === 'operator')
    return `${via} POST /v1/operator-keys {"name":…} (Bearer an operator key)`;
  return `${via} POST /v1/tenants/${opts.tenant}/api-keys {"name":…,"role":"${opts['key-role']}"} (Bearer an operator key)`;
}

/**
 * Non-interactive key management for operators, Compose and CI. stdout carries only the result (a key,
 * or one line of JSON), so `KEY=$(npm run -s keys -- generate)` works; logs go to stderr.
 */
export async function runKeysCommand(argv: string[]): Promise<void> {
  const { values: opts, positionals } = parseArgs({
    args: argv,
    options: {
      tenant: { type: 'string' },
      name: { type: 'string' },
      'key-role': { type: 'string' },
    },
    allowPositionals: true,
  });
  const [cmd, arg] = positionals;
  if (cmd === 'generate') {
    process.stdout.write(`${newApiKey().token}\n`);
    return;
  }
  if (cmd !== 'create' && cmd !== 'rewrap' && cmd !== 'revoke') throw new ConfigError(USAGE);
  const role = opts['key-role'];
  if (cmd === 'create') {
    if (role !== 'operator' && role !== 'admin' && role !== 'service')
      throw new ConfigError(`--key-role must be operator, admin or service\n${USAGE}`);
    if (role !== 'operator' && !opts.tenant)
      throw new ConfigError(`--tenant is required for ${role} keys\n${USAGE}`);
  }
  if (cmd === 'revoke' && !arg) throw new ConfigError(`keys revoke needs a key id\n${USAGE}`);

  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL, pino.destination({ dest: 2, sync: true }));
  const deps = await createDeps(config, { logger }).catch((err: unknown) => {
    // The embedded database is held by a running vault: say which of its routes does the same.
    throw err instanceof DataDirInUseError ? err.withInstead(throughTheApi(cmd, arg, opts)) : err;
  });
  const print = (v: unknown) => void process.stdout.write(`${JSON.stringify(v)}\n`);
  try {
    await migrate(deps.database);
    const { apiKeys, tenants, rotation } = deps.services;
    // What the CLI changes is in the trail like any other change (actor: cli), in the change's
    // own transaction, and in the trail of the key's tenant.
    const change = (action: string, id: string | null, tenantId: string | null) =>
      commandChange(action, { type: 'api-keys', id, tenantId });
    if (cmd === 'rewrap') {
      // The same shape as POST /v1/master-keys/rewrap answers.
      const r = await rotation.rewrapAll();
      return print({ rewrapped: r.rewrapped, data: r.usage });
    }
    if (cmd === 'revoke') {
      const tenantId = (await apiKeys.findAnyKey(arg!))?.tenantId ?? null;
      const row = await apiKeys.revokeAnyKey(arg!, change('keys revoke', arg!, tenantId));
      return print({
        id: row.id,
        role: row.role,
        tenant_id: row.tenantId,
        revoked_at: row.revokedAt,
      });
    }
    const name = opts.name ?? `${role} key (cli)`;
    const { row, token } =
      role === 'operator'
        ? await apiKeys.createKey({ tenantId: null, role, name }, change('keys create', null, null))
        : await tenants.createTenantKey(
            opts.tenant!,
            role as 'admin' | 'service',
            name,
            undefined,
            change('keys create', null, opts.tenant!),
          );
    print({ id: row.id, role: row.role, tenant_id: row.tenantId, key: token });
  } finally {
    await deps.services.auditWriter.stop();
    await deps.database.close();
  }
}
