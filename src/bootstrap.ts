import type { Tx } from './db/client.ts';
import type { Deps } from './deps.ts';

export interface BootstrapResult {
  tenantId?: string;
  /** set only when a key was generated now and must be shown once */
  generatedAdminKey?: string;
}

/**
 * First start on an empty database: a default tenant and one admin key. Runs under the migration lock,
 * so replicas starting together create exactly one. Keys given in VAULT_BOOTSTRAP_*_KEY (Compose/CI)
 * are ensured on every start, idempotently, instead of generating one.
 */
export async function bootstrap(deps: Deps, tx: Tx): Promise<BootstrapResult> {
  const { tenants, apiKeys } = deps.services;
  const { VAULT_BOOTSTRAP_ADMIN_KEY: adminKey, VAULT_BOOTSTRAP_OPERATOR_KEY: operatorKey } =
    deps.config;
  const result: BootstrapResult = {};
  if (operatorKey)
    await apiKeys.ensureKey(
      operatorKey,
      { tenantId: null, role: 'operator', name: 'bootstrap operator' },
      tx,
    );
  if ((await tenants.countTenants(tx)) > 0) {
    if (adminKey) {
      const first = await tenants.oldestTenant(tx);
      if (first)
        await apiKeys.ensureKey(
          adminKey,
          { tenantId: first.id, role: 'admin', name: 'bootstrap admin' },
          tx,
        );
    }
    return result;
  }
  const tenant = await tenants.createTenant('default', tx);
  result.tenantId = tenant.id;
  if (adminKey) {
    await apiKeys.ensureKey(
      adminKey,
      { tenantId: tenant.id, role: 'admin', name: 'bootstrap admin' },
      tx,
    );
  } else if (deps.config.NODE_ENV === 'production') {
    // A key printed at start would end up in container logs: production provisions keys explicitly.
    deps.logger.warn(
      { tenant: tenant.id },
      'first start: created the default tenant without an admin key (production prints no keys); set VAULT_BOOTSTRAP_ADMIN_KEY or run `keys create --key-role admin --tenant <id>`',
    );
  } else {
    const { token } = await apiKeys.createKey(
      { tenantId: tenant.id, role: 'admin', name: 'first admin key' },
      tx,
    );
    result.generatedAdminKey = token;
  }
  return result;
}
