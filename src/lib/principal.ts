/** Who is calling: the verified API key, as services see it (the HTTP layer fills it in). */
export type Role = 'operator' | 'admin' | 'service';

export interface Principal {
  keyId: string;
  tenantId: string | null;
  role: Role;
  /** service keys limited to these auth configs; null = all of the tenant's */
  authConfigIds: string[] | null;
}

/** A key of a tenant (admin or service): what the tenant's own routes act for. */
export interface TenantPrincipal extends Principal {
  tenantId: string;
  role: 'admin' | 'service';
}

/** Whether the key belongs to a tenant (operator keys belong to none). */
export const isTenantPrincipal = (p: Principal): p is TenantPrincipal =>
  p.tenantId !== null && p.role !== 'operator';
