import type { Db, DbOrTx } from '../../db/client.ts';
import type { TxScope } from '../../db/transact.ts';
import type { PageRequest } from '../../http/pagination.ts';
import { notFound } from '../../lib/errors.ts';
import type { Clock } from '../../lib/clock.ts';
import { newId } from '../../lib/ids.ts';
import type { ApiKeyService } from '../api-keys/service.ts';
import type { CommitChange } from '../audit/commit.ts';
import type { ChangeContext } from '../audit/context.ts';
import type { DataKeyService } from '../data-keys/service.ts';
import * as repo from './repo.ts';

export function createTenantService(deps: {
  db: Db;
  clock: Clock;
  commitChange: CommitChange;
  dataKeys: Pick<DataKeyService, 'createDataKey'>;
  apiKeys: Pick<ApiKeyService, 'createKey' | 'tombstoneTenantKeys'>;
  /** destroys the tenant's data keys inside the deletion's transaction */
  destroyKeys: (tenantId: string, scope: TxScope) => Promise<void>;
}) {
  const { db } = deps;

  /** A tenant is born with its data key, in the same transaction. */
  async function insertTenant(tx: DbOrTx, name: string) {
    const tenant = await repo.insertTenant(tx, { id: newId('tn', deps.clock.now()), name });
    await deps.dataKeys.createDataKey(tenant.id, tx);
    return tenant;
  }

  const createTenant = (name: string, change: ChangeContext) =>
    deps.commitChange(
      change,
      ({ tx }) => insertTenant(tx, name),
      (t) => t.id,
    );

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
    authConfigIds: string[] | undefined,
    change: ChangeContext,
  ) {
    await getTenant(tenantId);
    return deps.apiKeys.createKey(
      { tenantId, role, name, authConfigIds: authConfigIds ?? null },
      change,
    );
  }

  /** Deleting a tenant destroys its data keys first: surviving copies of its rows become unreadable. */
  async function deleteTenant(id: string, change: ChangeContext) {
    await getTenant(id);
    await deps.commitChange(change, async (scope) => {
      await deps.destroyKeys(id, scope);
      await deps.apiKeys.tombstoneTenantKeys(id, scope.tx);
      await repo.deleteTenant(scope, id);
    });
  }

  return {
    deleteTenant,
    createTenant,
    /** the first start's default tenant, inside the bootstrap's own transaction (no audit row) */
    createTenantIn: insertTenant,
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
