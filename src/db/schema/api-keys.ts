import { boolean, index, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import type { Policy } from '../../features/policies/policy.ts';
import { timestamps, tstz } from './columns.ts';
import { tenants } from './tenants.ts';

/** API keys: only a SHA-256 of the secret is stored; the secret is shown once at creation. */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    /** null for operator keys */
    tenantId: text('tenant_id').references(() => tenants.id, { onDelete: 'cascade' }),
    role: text('role', { enum: ['operator', 'admin', 'service'] }).notNull(),
    name: text('name').notNull(),
    secretHash: text('secret_hash').notNull(),
    /** service keys may be limited to these auth configs; null = all of the tenant's */
    authConfigIds: text('auth_config_ids').array(),
    /** service keys: what the key may do with the accounts it reaches; null = everything */
    policy: jsonb('policy').$type<Policy>(),
    /** provisioned from VAULT_BOOTSTRAP_*_KEY (pinned to what it was made for; never re-created) */
    bootstrap: boolean('bootstrap').notNull().default(false),
    revokedAt: tstz('revoked_at'),
    ...timestamps,
  },
  (t) => [
    index('api_keys_tenant_idx').on(t.tenantId, t.id),
    uniqueIndex('api_keys_secret_hash_idx').on(t.secretHash),
  ],
);

/**
 * Ids of keys that existed once and were deleted with their tenant: a key id is never inserted
 * twice, so a bootstrap key cannot come back after its tenant is gone (revoked keys keep their
 * row, which says the same).
 */
export const apiKeyTombstones = pgTable('api_key_tombstones', {
  id: text('id').primaryKey(),
  tenantId: text('tenant_id'),
  role: text('role').notNull(),
  deletedAt: tstz('deleted_at').notNull().defaultNow(),
});

export type ApiKeyRow = typeof apiKeys.$inferSelect;
