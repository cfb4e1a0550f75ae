import type { AccountRow } from '../../db/schema/index.ts';
import { Type } from 'typebox';
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
        description: 'pin the Atlassian site, e.g. https://acme.atlassian.net',
      }),
    ),
  },
  { additionalProperties: false },
);

export const ReconnectBody = Type.Object(
  { return_url: Type.Optional(ReturnUrl) },
  { additionalProperties: false },
);

export const UpdateAccountBody = Type.Object(
  { selected_cloud_id: Type.String({ minLength: 1, maxLength: 128 }) },
  { additionalProperties: false },
);

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
    redirect_url: Type.String({ description: 'single-use link that starts the connect flow' }),
    redirect_url_expires_at: Timestamp,
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
