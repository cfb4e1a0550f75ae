import type { Db, DbOrTx } from '../../db/client.ts';
import type { PageRequest } from '../../http/pagination.ts';
import { notFound } from '../../lib/errors.ts';
import type { Clock } from '../../lib/clock.ts';
import { newId } from '../../lib/ids.ts';
import type { ApiKeyService } from '../api-keys/service.ts';
import type { DataKeyService } from '../data-keys/service.ts';
import * as repo from './repo.ts';

export function createTenantService(deps: {
  db: Db;
  clock: Clock;
  dataKeys: Pick<DataKeyService, 'createDataKey'>;
  apiKeys: Pick<ApiKeyService, 'createKey' | 'tombstoneTenantKeys' | 'forgetTenant'>;
  /** destroys the tenant's data keys inside the deletion's transaction */
  destroyKeys: (tenantId: string, tx: DbOrTx) => Promise<void>;
}) {
  const { db } = deps;

  /** A tenant is born with its data key, in one transaction. */
  async function createTenant(name: string, tx?: DbOrTx) {
    const run = async (t: DbOrTx) => {
      const tenant = await repo.insertTenant(t, { id: newId('tn', deps.clock.now()), name });
      await deps.dataKeys.createDataKey(tenant.id, t);
      return tenant;
    };
    return tx ? run(tx) : db.transaction(run);
  }

  async function getTenant(id: string) {
    const t = await repo.getTenant(db, id);
    if (!t) throw notFound('tenant', id);
    return t;
  }

  const listTenants = (page: PageRequest) => repo.listTenants(db, page.limit, page.cursor);

  async function createTenantKey(
    tenantId: string,
    role: 'admin' | 'service',
    name: string,
    authConfigIds?: string[],
  ) {
    await getTenant(tenantId);
    return deps.apiKeys.createKey({ tenantId, role, name, authConfigIds: authConfigIds ?? null });
  }

  /** Deleting a tenant destroys its data keys first: surviving copies of its rows become unreadable. */
  async function deleteTenant(id: string) {
    await getTenant(id);
    await db.transaction(async (tx) => {
      await deps.destroyKeys(id, tx);
      await deps.apiKeys.tombstoneTenantKeys(id, tx);
      await repo.deleteTenant(tx, id);
    });
    deps.apiKeys.forgetTenant(id);
  }

  return {
    deleteTenant,
    createTenant,
    getTenant,
    listTenants,
    createTenantKey,
    countTenants: (tx: DbOrTx = db) => repo.countTenants(tx),
    exists: (id: string, tx: DbOrTx = db) => repo.getTenant(tx, id).then(Boolean),
    /** the tenant the first start created (bootstrap admin keys belong to it) */
    defaultTenantId: (tx: DbOrTx = db) => repo.getSetting(tx, 'default_tenant_id'),
    setDefaultTenant: (id: string, tx: DbOrTx = db) => repo.putSetting(tx, 'default_tenant_id', id),
  };
}

export type TenantService = ReturnType<typeof createTenantService>;
