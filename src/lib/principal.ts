/** Who is calling: the verified API key, as services see it (the HTTP layer fills it in). */
export type Role = 'operator' | 'admin' | 'service';

export interface Principal {
  keyId: string;
  tenantId: string | null;
  role: Role;
  /** service keys limited to these auth configs; null = all of the tenant's */
  authConfigIds: string[] | null;
}
