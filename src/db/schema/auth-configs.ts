import { sql } from 'drizzle-orm';
import { check, index, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { PROVIDER_NAMES } from '../../providers/index.ts';
import { DEFAULT_SCHEME, SCHEMES_WITHOUT_CLIENT, SCHEME_NAMES } from '../../schemes/index.ts';
import { timestamps, tstz } from './columns.ts';
import { oneOfNames } from './names.ts';
import { tenants } from './tenants.ts';

export const REFRESH_POLICIES = ['on_use', 'always'] as const;
export type RefreshPolicy = (typeof REFRESH_POLICIES)[number];

export const authConfigs = pgTable(
  'auth_configs',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** a name of the provider registry (src/providers/index.ts) */
    provider: text('provider', { enum: PROVIDER_NAMES }).notNull(),
    /** how accounts of this config hold credentials: a name of the scheme registry (src/schemes/) */
    authScheme: text('auth_scheme', { enum: SCHEME_NAMES }).notNull().default(DEFAULT_SCHEME),
    /** null only for configs of schemes that hold no client (API tokens) */
    clientId: text('client_id'),
    /** envelope-encrypted (AAD: tenant/auth_configs/id/client_secret); null where clientId is */
    clientSecretEnc: text('client_secret_enc'),
    /** the secret's last 4 characters, kept only for secrets of 16 or more (else null) */
    clientSecretLast4: text('client_secret_last4'),
    clientSecretUpdatedAt: tstz('client_secret_updated_at').notNull(),
    /** after a rotation, the previous secret stays usable as a fallback until it expires */
    previousClientSecretEnc: text('previous_client_secret_enc'),
    previousClientSecretLast4: text('previous_client_secret_last4'),
    previousClientSecretExpiresAt: tstz('previous_client_secret_expires_at'),
    /** which secret the provider last accepted: current | previous */
    clientSecretWorking: text('client_secret_working'),
    scopes: text('scopes').array().notNull(),
    status: text('status', { enum: ['enabled', 'disabled'] })
      .notNull()
      .default('enabled'),
    allowedReturnUrls: text('allowed_return_urls').array().notNull(),
    /**
     * on_use: the worker keeps only recently used accounts warm and idle ones alive; always: it
     * refreshes every account ahead of expiry (docs/contracts.md#use-driven-refresh)
     */
    refreshPolicy: text('refresh_policy', { enum: REFRESH_POLICIES }).notNull().default('on_use'),
    /**
     * the provider's token endpoint rate-limited this app: no refresh of its accounts is sent
     * before then, by any worker or request (docs/contracts.md#rate-limit-pause)
     */
    refreshPausedUntil: tstz('refresh_paused_until'),
    /**
     * The provider's own settings of this config (its `configFields`: the generic provider's
     * knobs), null for providers that have none. The column keeps the name it was born with.
     */
    settings: jsonb('oauth2').$type<unknown>(),
    ...timestamps,
  },
  (t) => [
    index('auth_configs_tenant_idx').on(t.tenantId, t.id),
    check('auth_configs_provider_check', oneOfNames(t.provider, PROVIDER_NAMES)),
    check('auth_configs_auth_scheme_check', oneOfNames(t.authScheme, SCHEME_NAMES)),
    check('auth_configs_refresh_policy_check', oneOfNames(t.refreshPolicy, REFRESH_POLICIES)),
    // Only a config of a scheme without a client may lack one, whatever the code does.
    check(
      'auth_configs_client_check',
      SCHEMES_WITHOUT_CLIENT.length
        ? sql`${oneOfNames(t.authScheme, SCHEMES_WITHOUT_CLIENT)} or (${t.clientId} is not null and ${t.clientSecretEnc} is not null)`
        : sql`${t.clientId} is not null and ${t.clientSecretEnc} is not null`,
    ),
  ],
);

export type AuthConfigRow = typeof authConfigs.$inferSelect;
export type AuthConfigInsert = typeof authConfigs.$inferInsert;
