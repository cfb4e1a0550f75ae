import { index, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { timestamps, tstz } from './columns.ts';
import { connectedAccounts } from './connected-accounts.ts';
import { tenants } from './tenants.ts';

/**
 * One row per connect link handed out. The link (a signed JWT) names the session; `state` is stored
 * only as a hash; both are single-use and expire. Kept apart from the account so that a reconnect of a
 * live account never disturbs its tokens until the new grant is in hand.
 */
export const connectSessions = pgTable(
  'connect_sessions',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    accountId: text('account_id')
      .notNull()
      .references(() => connectedAccounts.id, { onDelete: 'cascade' }),
    /** the config whose callback (PUBLIC_URL/v1/oauth/callback/{id}) may finish this session */
    authConfigId: text('auth_config_id'),
    returnUrl: text('return_url'),
    linkExpiresAt: tstz('link_expires_at').notNull(),
    linkUsedAt: tstz('link_used_at'),
    stateHash: text('state_hash'),
    stateExpiresAt: tstz('state_expires_at'),
    stateUsedAt: tstz('state_used_at'),
    codeVerifierEnc: text('code_verifier_enc'),
    /** sha256 of the cookie set in the browser that opened the link */
    bindingHash: text('binding_hash'),
    outcome: text('outcome'),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('connect_sessions_state_idx').on(t.stateHash),
    index('connect_sessions_account_idx').on(t.accountId),
  ],
);

export type SessionRow = typeof connectSessions.$inferSelect;
