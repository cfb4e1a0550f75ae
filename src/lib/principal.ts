import type { Policy, PolicyLayer } from '../features/policies/policy.ts';

/** Who is calling: the verified API key, as services see it (the HTTP layer fills it in). */
export type Role = 'operator' | 'admin' | 'service';

export interface Principal {
  keyId: string;
  tenantId: string | null;
  role: Role;
  /** service keys limited to these auth configs; null = all of the tenant's */
  authConfigIds: string[] | null;
  /** the key's policy; null or absent: everything its role allows (a null check on the hot path) */
  policy?: Policy | null;
  /** a caller acting for someone through a token exchange or a proxy token */
  via?: Delegation;
}

/**
 * A caller that is more than a key: a token exchange (a user's identity, perhaps a workload's) or a
 * proxy token. Every policy in `layers` must allow what it does (the key's among them, if a key
 * acts), and the audit trail names who acted and for whom.
 */
export interface Delegation {
  kind: 'exchange' | 'proxy_token';
  layers: PolicyLayer[];
  /** a proxy token's one account */
  accountId?: string;
  /** who acts, beyond the key: what audit counts are kept apart by (e.g. `ti_…:<subject>`) */
  actor: string;
  /** the audit details naming the actor and the user (never a token) */
  audit: Record<string, unknown>;
}

/** A key of a tenant (admin or service): what the tenant's own routes act for. */
export interface TenantPrincipal extends Principal {
  tenantId: string;
  role: 'admin' | 'service';
}

/** Whether the key belongs to a tenant (operator keys belong to none). */
export const isTenantPrincipal = (p: Principal): p is TenantPrincipal =>
  p.tenantId !== null && p.role !== 'operator';
