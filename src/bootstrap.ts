import type { Tx } from './db/client.ts';
import type { Deps } from './deps.ts';

export interface BootstrapResult {
  tenantId?: string;
  /** set only when a key was generated now and must be shown once */
  generatedAdminKey?: string;
}

const REFUSED = {
  revoked: 'was revoked; a revoked key is never re-created (configure a new one)',
  deleted: 'belonged to a deleted tenant; it is never re-created (configure a new one)',
  secret_mismatch: 'has the id of an existing key but another secret; it was not changed',
  elsewhere: 'exists with another role or tenant; it was not changed',
} as const;

/**
 * First start on an empty database: a default tenant (recorded as such) and, outside production,
 * one admin key printed once. Runs under the migration lock, so replicas starting together create
 * exactly one. Keys from VAULT_BOOTSTRAP_*_KEY are provisioned on every start, idempotently, and
 * pinned: the admin key to the default tenant, never to whichever tenant happens to be oldest; a
 * key that was revoked or deleted is refused with a logged message instead of coming back.
 */
export async function bootstrap(deps: Deps, tx: Tx): Promise<BootstrapResult> {
  const { tenants, apiKeys } = deps.services;
  const { logger } = deps;
  const { VAULT_BOOTSTRAP_ADMIN_KEY: adminKey, VAULT_BOOTSTRAP_OPERATOR_KEY: operatorKey } =
    deps.config;
  const result: BootstrapResult = {};
  const provision = async (
    token: string,
    what: 'VAULT_BOOTSTRAP_OPERATOR_KEY' | 'VAULT_BOOTSTRAP_ADMIN_KEY',
    input: { tenantId: string | null; role: 'operator' | 'admin'; name: string },
  ) => {
    const r = await apiKeys.ensureBootstrapKey(token, input, tx);
    if (r.outcome === 'created') logger.info({ key_id: r.row.id }, `${what}: provisioned`);
    else if (r.outcome !== 'exists')
      logger.error({ key: r.row?.id }, `${what} ${REFUSED[r.outcome]}`);
    return r;
  };

  if (operatorKey) {
    const r = await provision(operatorKey, 'VAULT_BOOTSTRAP_OPERATOR_KEY', {
      tenantId: null,
      role: 'operator',
      name: 'bootstrap operator',
    });
    // A new bootstrap operator key replaces the previous one: the old one stops working.
    if (r.row && (r.outcome === 'created' || r.outcome === 'exists')) {
      const revoked = await apiKeys.revokeOtherBootstrapOperators(r.row.id, tx);
      if (revoked.length)
        logger.warn({ keys: revoked.map((k) => k.id) }, 'revoked previous bootstrap operator keys');
    }
  }

  let defaultTenant = await tenants.defaultTenantId(tx);
  if ((await tenants.countTenants(tx)) === 0) {
    const tenant = await tenants.createTenantIn(tx, 'default');
    await tenants.setDefaultTenant(tenant.id, tx);
    defaultTenant = tenant.id;
    result.tenantId = tenant.id;
    if (!adminKey && deps.config.NODE_ENV === 'production') {
      // A key printed at start would end up in container logs: production provisions keys explicitly.
      logger.warn(
        { tenant: tenant.id },
        'first start: created the default tenant without an admin key (production prints no keys); set VAULT_BOOTSTRAP_ADMIN_KEY or run `keys create --key-role admin --tenant <id>`',
      );
    } else if (!adminKey) {
      const { token } = await apiKeys.createKeyIn(tx, {
        tenantId: tenant.id,
        role: 'admin',
        name: 'first admin key',
      });
      result.generatedAdminKey = token;
    }
  }
  if (adminKey) {
    if (!defaultTenant || !(await tenants.exists(defaultTenant, tx))) {
      logger.error(
        { tenant: defaultTenant ?? null },
        'VAULT_BOOTSTRAP_ADMIN_KEY is for the default tenant, which no longer exists; it was not provisioned (create admin keys with an operator key)',
      );
    } else {
      await provision(adminKey, 'VAULT_BOOTSTRAP_ADMIN_KEY', {
        tenantId: defaultTenant,
        role: 'admin',
        name: 'bootstrap admin',
      });
    }
  }
  return result;
}
