import type { AccountRow } from '../../db/schema/index.ts';
import { Type, type Static } from 'typebox';
import { ListQuery, Nullable, Timestamp } from '../../http/schemas.ts';
import { ID_PATTERN } from '../../lib/ids.ts';

const Status = Type.Union([
  Type.Literal('INITIATED'),
  Type.Literal('ACTIVE'),
  Type.Literal('EXPIRED'),
  Type.Literal('FAILED'),
  Type.Literal('DISABLED'),
]);
const UserId = Type.String({ minLength: 1, maxLength: 256 });
const AuthScheme = Type.Union([
  Type.Literal('oauth2_3lo'),
  Type.Literal('client_credentials'),
  Type.Literal('api_token'),
]);
const CloudId = Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9-]+$' });

/** An Atlassian API token (write-only: stored encrypted, never in any response). */
export const ApiTokenCredentials = Type.Object(
  {
    email: Type.String({ minLength: 3, maxLength: 320, pattern: '^[^\\s:]+@[^\\s:]+$' }),
    api_token: Type.String({
      minLength: 1,
      maxLength: 2048,
      pattern: '^[\\x21-\\x7e]+$',
      description: 'write-only',
    }),
    expires_at: Type.Optional(
      Type.String({
        format: 'date-time',
        description: 'the expiry chosen when the token was created (1–365 days); omit if none',
      }),
    ),
  },
  { additionalProperties: false, description: 'write-only' },
);
export type ApiTokenCredentialsT = Static<typeof ApiTokenCredentials>;
const ReturnUrl = Type.String({ maxLength: 2048 });

export const CreateAccountBody = Type.Object(
  {
    auth_config_id: Type.String({ pattern: ID_PATTERN('ac') }),
    user_id: UserId,
    return_url: Type.Optional(ReturnUrl),
    site_url: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 512,
        description:
          'oauth2_3lo and client_credentials: pin the Atlassian site, e.g. https://acme.atlassian.net; api_token: the site a classic API token calls',
      }),
    ),
    cloud_id: Type.Optional({
      ...CloudId,
      description:
        'api_token: the cloud id of the site a scoped API token calls through the gateway',
    }),
    credentials: Type.Optional(ApiTokenCredentials),
  },
  { additionalProperties: false },
);
export type CreateAccountInput = Static<typeof CreateAccountBody>;

export const ReconnectBody = Type.Object(
  { return_url: Type.Optional(ReturnUrl) },
  { additionalProperties: false },
);

export const UpdateAccountBody = Type.Object(
  {
    selected_cloud_id: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    credentials: Type.Optional({
      ...ApiTokenCredentials,
      description:
        'api_token accounts: replace the API token in place (verified first; the account becomes ACTIVE)',
    }),
  },
  { additionalProperties: false, minProperties: 1, maxProperties: 1 },
);
export type UpdateAccountInput = Static<typeof UpdateAccountBody>;

export const AccountListQuery = ListQuery({
  auth_config_id: Type.Optional(Type.String({ pattern: ID_PATTERN('ac') })),
  user_id: Type.Optional(UserId),
  status: Type.Optional(Status),
});

const SiteSchema = Type.Object(
  {
    cloud_id: Type.String(),
    name: Type.String(),
    url: Type.String(),
    scopes: Type.Array(Type.String()),
  },
  { additionalProperties: false },
);

export const ConnectedAccount = Type.Object(
  {
    id: Type.String(),
    auth_config_id: Type.String(),
    user_id: Type.String(),
    auth_scheme: AuthScheme,
    status: Status,
    status_reason: Nullable(Type.String()),
    sites: Type.Array(SiteSchema),
    selected_site: Nullable(
      Type.Object(
        { cloud_id: Type.String(), name: Type.String(), url: Type.String() },
        { additionalProperties: false },
      ),
    ),
    pinned_site_url: Nullable(Type.String()),
    identity: Nullable(
      Type.Object(
        {
          account_id: Type.String(),
          email: Nullable(Type.String()),
          name: Nullable(Type.String()),
          picture: Nullable(Type.String()),
        },
        { additionalProperties: false },
      ),
    ),
    granted_scopes: Type.Array(Type.String()),
    api_token: Nullable(
      Type.Object(
        {
          site_url: Nullable(Type.String({ description: 'classic token: the site it calls' })),
          cloud_id: Nullable(
            Type.String({ description: 'scoped token: the site it calls through the gateway' }),
          ),
          last_checked_at: Nullable(Timestamp),
          next_check_at: Nullable(Timestamp),
          expiring_notified_at: Nullable(Timestamp),
        },
        {
          additionalProperties: false,
          description:
            'api_token accounts: where the token is used (the token itself is write-only); its expiry is expires_at',
        },
      ),
    ),
    connected_at: Nullable(Timestamp),
    expires_at: Nullable(Timestamp),
    family_expires_at: Nullable(Timestamp),
    last_refreshed_at: Nullable(Timestamp),
    next_refresh_at: Nullable(Timestamp),
    refresh_failures: Type.Integer({ description: 'consecutive failed refreshes' }),
    last_error_code: Nullable(Type.String()),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { additionalProperties: false, description: 'never carries tokens' },
);

export const CreatedAccount = Type.Object(
  {
    ...ConnectedAccount.properties,
    redirect_url: Nullable(
      Type.String({
        description:
          'single-use link that starts the connect flow; null for client_credentials and api_token accounts (ACTIVE at once)',
      }),
    ),
    redirect_url_expires_at: Nullable(Timestamp),
  },
  { additionalProperties: false },
);

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function accountView(r: AccountRow) {
  const sel = r.sites.find((s) => s.cloud_id === r.selectedCloudId);
  return {
    id: r.id,
    auth_config_id: r.authConfigId,
    user_id: r.userId,
    auth_scheme: r.authScheme,
    status: r.status,
    status_reason: r.statusReason,
    sites: r.sites,
    selected_site: sel ? { cloud_id: sel.cloud_id, name: sel.name, url: sel.url } : null,
    pinned_site_url: r.pinnedSiteUrl,
    identity: r.identity
      ? {
          account_id: r.identity.account_id,
          email: r.identity.email,
          name: r.identity.name,
          picture: r.identity.picture,
        }
      : null,
    granted_scopes: r.grantedScopes,
    api_token:
      r.authScheme === 'api_token'
        ? {
            site_url: r.apiSiteUrl,
            cloud_id: r.apiSiteUrl ? null : r.selectedCloudId,
            last_checked_at: iso(r.lastCheckedAt),
            next_check_at: iso(r.nextCheckAt),
            expiring_notified_at: iso(r.credentialExpiringNotifiedAt),
          }
        : null,
    connected_at: iso(r.connectedAt),
    expires_at: iso(r.expiresAt),
    family_expires_at: iso(r.familyExpiresAt),
    last_refreshed_at: iso(r.lastRefreshedAt),
    next_refresh_at: iso(r.nextRefreshAt),
    refresh_failures: r.refreshFailures,
    last_error_code: r.lastErrorCode,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
  };
}
