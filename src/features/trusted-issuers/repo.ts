import { and, eq, gt } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import { trustedIssuers } from '../../db/schema/index.ts';

type Insert = typeof trustedIssuers.$inferInsert;
export type IssuerChanges = Partial<Omit<Insert, 'id' | 'tenantId' | 'kind' | 'createdAt'>>;

export const insertIssuer = (db: DbOrTx, row: Insert) =>
  db
    .insert(trustedIssuers)
    .values(row)
    .returning()
    .then((r) => r[0]!);

export const getIssuer = (db: DbOrTx, tenantId: string, id: string) =>
  db
    .select()
    .from(trustedIssuers)
    .where(and(eq(trustedIssuers.tenantId, tenantId), eq(trustedIssuers.id, id)))
    .then((r) => r[0]);

export const listIssuers = (
  db: DbOrTx,
  tenantId: string,
  kind: 'user' | 'workload' | undefined,
  limit: number,
  after?: string,
) =>
  db
    .select()
    .from(trustedIssuers)
    .where(
      and(
        eq(trustedIssuers.tenantId, tenantId),
        kind ? eq(trustedIssuers.kind, kind) : undefined,
        after ? gt(trustedIssuers.id, after) : undefined,
      ),
    )
    .orderBy(trustedIssuers.id)
    .limit(limit);

export const updateIssuer = (
  db: DbOrTx,
  tenantId: string,
  id: string,
  set: IssuerChanges,
  at: Date,
) =>
  db
    .update(trustedIssuers)
    .set({ ...set, updatedAt: at })
    .where(and(eq(trustedIssuers.tenantId, tenantId), eq(trustedIssuers.id, id)))
    .returning()
    .then((r) => r[0]);

export const deleteIssuer = (db: DbOrTx, tenantId: string, id: string) =>
  db
    .delete(trustedIssuers)
    .where(and(eq(trustedIssuers.tenantId, tenantId), eq(trustedIssuers.id, id)))
    .returning()
    .then((r) => r[0]);

/** The tenant's issuer of this kind whose tokens carry `iss` (one at most). */
export const findIssuer = (db: DbOrTx, tenantId: string, kind: 'user' | 'workload', iss: string) =>
  db
    .select()
    .from(trustedIssuers)
    .where(
      and(
        eq(trustedIssuers.tenantId, tenantId),
        eq(trustedIssuers.kind, kind),
        eq(trustedIssuers.issuer, iss),
      ),
    )
    .then((r) => r[0]);

/**
 * Workload issuers with this `iss`, whatever their tenant: an exchange authenticated by a workload
 * token alone has no key to name its tenant, so the issuers that could have signed it do (the
 * auth config it asks for then picks among them). Across tenants like the key lookup by id.
 */
export const findWorkloadIssuersAnyTenant = (db: DbOrTx, iss: string) =>
  db
    .select()
    .from(trustedIssuers)
    .where(and(eq(trustedIssuers.kind, 'workload'), eq(trustedIssuers.issuer, iss)))
    .limit(20);
