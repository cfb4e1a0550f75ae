import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { AUTH_SCHEMES, authConfigs } from './auth-configs.ts';
import { timestamps, tstz } from './columns.ts';
import type { Identity, Site } from '../../providers/types.ts';
import { tenants } from './tenants.ts';

export const ACCOUNT_STATUSES = ['INITIATED', 'ACTIVE', 'EXPIRED', 'FAILED', 'DISABLED'] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

export const connectedAccounts = pgTable(
  'connected_accounts',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    authConfigId: text('auth_config_id')
      .notNull()
      .references(() => authConfigs.id, { onDelete: 'cascade' }),
    userId: text('user_id').notNull(),
    /** the scheme of its auth config when the account was created (a config's scheme never changes) */
    authScheme: text('auth_scheme', { enum: AUTH_SCHEMES }).notNull().default('oauth2_3lo'),
    status: text('status', { enum: ACCOUNT_STATUSES }).notNull(),
    statusReason: text('status_reason'),
    /** where the initiator asked to pin the site (URL), if anywhere */
    pinnedSiteUrl: text('pinned_site_url'),
    sites: jsonb('sites').$type<Site[]>().notNull().default([]),
    selectedCloudId: text('selected_cloud_id'),
    identity: jsonb('identity').$type<Identity>(),
    grantedScopes: text('granted_scopes').array().notNull().default([]),
    /** envelope-encrypted; AAD binds tenant/connected_accounts/id/<column> */
    accessTokenEnc: text('access_token_enc'),
    refreshTokenEnc: text('refresh_token_enc'),
    tokenType: text('token_type'),
    expiresAt: tstz('expires_at'),
    /** the lifetime the provider gave the stored access token (its expires_in), in seconds */
    tokenLifetimeSeconds: integer('token_lifetime_seconds'),
    /** bumped on every token write: compare-and-swap for concurrent refreshers */
    generation: integer('generation').notNull().default(0),
    connectedAt: tstz('connected_at'),
    /** the refresh family's absolute expiry (Atlassian: 365 days from consent) */
    familyExpiresAt: tstz('family_expires_at'),
    // Refresh bookkeeping (SPEC §6).
    nextRefreshAt: tstz('next_refresh_at'),
    lastRefreshedAt: tstz('last_refreshed_at'),
    refreshFailures: integer('refresh_failures').notNull().default(0),
    lastErrorCode: text('last_error_code'),
    lastErrorAt: tstz('last_error_at'),
    /** a refresher holds the account until lease_expires_at (shorter than the provider's reuse leeway) */
    leaseOwner: text('lease_owner'),
    leaseExpiresAt: tstz('lease_expires_at'),
    /**
     * when a provider's 401 to a proxied call last caused a refresh: at most one such refresh per
     * cool-down, across replicas (bookkeeping: no change announcement, no new generation)
     */
    rejectionRefreshAt: tstz('rejection_refresh_at'),
    /** when connected_account.consent_expiring was emitted for the current family */
    consentExpiringNotifiedAt: tstz('consent_expiring_notified_at'),
    // API tokens (auth_scheme api_token): the sealed {email, api_token} pair, where it is used (a
    // classic token's site URL; a scoped token's cloud id is selected_cloud_id), and the daily check.
    apiTokenEnc: text('api_token_enc'),
    apiSiteUrl: text('api_site_url'),
    /** when connected_account.credential_expiring was emitted for the current API token */
    credentialExpiringNotifiedAt: tstz('credential_expiring_notified_at'),
    /** when the worker next verifies the API token (and looks at its expiry); null: never */
    nextCheckAt: tstz('next_check_at'),
    lastCheckedAt: tstz('last_checked_at'),
    ...timestamps,
  },
  (t) => [
    index('connected_accounts_tenant_idx').on(t.tenantId, t.id),
    index('connected_accounts_config_user_idx').on(t.tenantId, t.authConfigId, t.userId),
    // The worker's claim query: only ACTIVE rows, ordered by due time — an idle tick is an index probe.
    index('connected_accounts_due_idx')
      .on(t.nextRefreshAt)
      .where(sql`status = 'ACTIVE'`),
    // The API-token check: only ACTIVE rows with a check scheduled (API-token accounts).
    index('connected_accounts_check_due_idx')
      .on(t.nextCheckAt)
      .where(sql`status = 'ACTIVE' and next_check_at is not null`),
    // The consent-expiring notice: families not yet told, by expiry.
    index('connected_accounts_consent_expiring_idx')
      .on(t.familyExpiresAt)
      .where(sql`status = 'ACTIVE' and consent_expiring_notified_at is null`),
  ],
);

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

export type AccountRow = typeof connectedAccounts.$inferSelect;
export type AccountInsert = typeof connectedAccounts.$inferInsert;
export type SessionRow = typeof connectSessions.$inferSelect;
