import type { Db } from '../../db/client.ts';
import type { PageRequest } from '../../http/pagination.ts';
import { isTenantPrincipal, type Principal } from '../../lib/principal.ts';
import * as repo from './repo.ts';

/** Reading the audit trail: a tenant's keys read the tenant's, operator keys the operators'. */
export function createAuditService(deps: { db: Db }) {
  return {
    list: (p: Principal, filter: repo.AuditFilter, page: PageRequest) =>
      repo.listAuditEvents(
        deps.db,
        isTenantPrincipal(p) ? { tenantId: p.tenantId } : { actorRole: 'operator' },
        filter,
        page.limit,
        page.cursor,
      ),
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
