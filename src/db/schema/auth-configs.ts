import { index, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { timestamps, tstz } from './columns.ts';
import type { Oauth2Settings } from '../../providers/types.ts';
import { tenants } from './tenants.ts';

/** oauth2_3lo: user consent (connect flow); client_credentials: a service account's client id and
 * secret; api_token: an email + API token per connected account (HTTP Basic). */
export const AUTH_SCHEMES = ['oauth2_3lo', 'client_credentials', 'api_token'] as const;
export type AuthScheme = (typeof AUTH_SCHEMES)[number];

export const authConfigs = pgTable(
  'auth_configs',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    provider: text('provider', { enum: ['atlassian', 'oauth2'] }).notNull(),
    /** how accounts of this config hold credentials (SPEC §3 "Atlassian credentials other than 3LO") */
    authScheme: text('auth_scheme', { enum: AUTH_SCHEMES }).notNull().default('oauth2_3lo'),
    /** null only for api_token configs, which hold no client */
    clientId: text('client_id'),
    /** envelope-encrypted (AAD: tenant/auth_configs/id/client_secret); null for api_token configs */
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
    oauth2: jsonb('oauth2').$type<Oauth2Settings>(),
    ...timestamps,
  },
  (t) => [index('auth_configs_tenant_idx').on(t.tenantId, t.id)],
);

export type AuthConfigRow = typeof authConfigs.$inferSelect;
export type AuthConfigInsert = typeof authConfigs.$inferInsert;
