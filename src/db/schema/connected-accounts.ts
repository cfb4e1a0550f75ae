import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import type { Identity, Site } from '../../providers/types.ts';
import { DEFAULT_SCHEME, SCHEME_NAMES } from '../../schemes/index.ts';
import { authConfigs } from './auth-configs.ts';
import { timestamps, tstz } from './columns.ts';
import { oneOfNames } from './names.ts';
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
    authScheme: text('auth_scheme', { enum: SCHEME_NAMES }).notNull().default(DEFAULT_SCHEME),
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
    // Refresh bookkeeping: when the worker renews the token next, and how the last attempts went.
    /**
     * when the worker refreshes next: ahead of expiry for a warm account, at its keep-alive time
     * for an idle one (docs/contracts.md#use-driven-refresh), after a backoff for a failing one
     */
    nextRefreshAt: tstz('next_refresh_at'),
    /**
     * when a token read or a proxied call last used the account, written by the audit flush (never
     * on a request's path); null: not used since it was connected
     */
    lastUsedAt: tstz('last_used_at'),
    lastRefreshedAt: tstz('last_refreshed_at'),
    /** consecutive failed refreshes (renewals of a token; checks count apart, check_failures) */
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
    /**
     * when a new client secret made this EXPIRED account ACTIVE again without a token to prove
     * it; the next token obtained clears it and emits connected_account.active
     */
    revivedAt: tstz('revived_at'),
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
    /** consecutive failed checks (an outage, not a refusal: those expire the account) */
    checkFailures: integer('check_failures').notNull().default(0),
    /** an admin's labels, usable in list and bulk filters (docs/moving.md#tags) */
    tags: text('tags').array().notNull().default([]),
    /** the source system's id of an imported grant: imports are idempotent by (config, external id) */
    externalId: text('external_id'),
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
    // An import's idempotency: one account per (config, external id).
    uniqueIndex('connected_accounts_external_id_idx')
      .on(t.tenantId, t.authConfigId, t.externalId)
      .where(sql`external_id is not null`),
    check('connected_accounts_auth_scheme_check', oneOfNames(t.authScheme, SCHEME_NAMES)),
  ],
);

export type AccountRow = typeof connectedAccounts.$inferSelect;
export type AccountInsert = typeof connectedAccounts.$inferInsert;
