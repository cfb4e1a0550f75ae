import { index, integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import type { JSONWebKeySet } from 'jose';
import type { Policy } from '../../features/policies/policy.ts';
import { timestamps } from './columns.ts';
import { tenants } from './tenants.ts';

/**
 * Identity providers a tenant trusts to sign JWTs the vault accepts in a token exchange: `user`
 * issuers name end users (their tokens select the user's connected account), `workload` issuers
 * name services (Kubernetes service accounts, SPIFFE ids, CI jobs) that act for them.
 */
export const trustedIssuers = pgTable(
  'trusted_issuers',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    kind: text('kind', { enum: ['user', 'workload'] }).notNull(),
    /** the `iss` its tokens carry, exactly */
    issuer: text('issuer').notNull(),
    /** where its public keys are fetched (through the egress policy); or `jwks`, inline */
    jwksUri: text('jwks_uri'),
    jwks: jsonb('jwks').$type<JSONWebKeySet>(),
    /** a token's `aud` must name one of these */
    audience: text('audience').array().notNull(),
    /** asymmetric signature algorithms only: never `none`, never HMAC */
    algorithms: text('algorithms').array().notNull(),
    clockSkewSeconds: integer('clock_skew_seconds').notNull().default(60),
    /** the claim naming the user (or the workload), and how it becomes a `user_id` */
    userClaim: text('user_claim').notNull().default('sub'),
    userIdTemplate: text('user_id_template').notNull().default('{claim}'),
    /** claims a token must carry with one of the listed values (e.g. the workload's `sub`) */
    requiredClaims: jsonb('required_claims')
      .$type<Record<string, string[]>>()
      .notNull()
      .default({}),
    /** the auth configs its tokens may reach; null = all of the tenant's */
    authConfigIds: text('auth_config_ids').array(),
    policy: jsonb('policy').$type<Policy>(),
    status: text('status', { enum: ['enabled', 'disabled'] })
      .notNull()
      .default('enabled'),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('trusted_issuers_tenant_kind_issuer_idx').on(t.tenantId, t.kind, t.issuer),
    index('trusted_issuers_tenant_idx').on(t.tenantId, t.id),
    // an exchange authenticated by a workload token alone finds its tenant from the issuer
    index('trusted_issuers_issuer_idx').on(t.issuer),
  ],
);

export type TrustedIssuerRow = typeof trustedIssuers.$inferSelect;
