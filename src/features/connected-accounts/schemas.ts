import type { AccountRow } from '../../db/schema/index.ts';
import { Type, type Static, type TSchema } from 'typebox';
import { ListQuery, Literals, Nullable, Timestamp } from '../../http/schemas.ts';
import { ID_PATTERN } from '../../lib/ids.ts';
import { Tags } from './import-readers.ts';
import { ACCOUNT_STATUSES } from '../../db/schema/index.ts';
import {
  SCHEME_CREATE_FIELDS,
  SCHEME_NAMES,
  SCHEMES_REPLACING,
  schemeOf,
} from '../../schemes/index.ts';

const Status = Literals(ACCOUNT_STATUSES);
const UserId = Type.String({ minLength: 1, maxLength: 256 });
const AuthScheme = Literals(SCHEME_NAMES);

/** The create body's scheme fields (each scheme declares the ones it takes), all optional. */
const schemeFields = Object.fromEntries(
  Object.entries(SCHEME_CREATE_FIELDS).map(([name, schema]) => [name, Type.Optional(schema)]),
) as Record<string, ReturnType<typeof Type.Optional<TSchema>>>;

/** The new credential of PATCH, as the schemes replacing one in place take it. */
const replacedCredential = (() => {
  const inputs = SCHEMES_REPLACING.map((s) => schemeOf(s).replaceCredential!.input);
  return inputs.length === 1 ? inputs[0]! : Type.Union(inputs);
})();

export const CreateAccountBody = Type.Object(
  {
    auth_config_id: Type.String({ pattern: ID_PATTERN('ac') }),
    user_id: UserId,
    tags: Type.Optional({ ...Tags, description: 'labels for list and bulk filters' }),
    ...schemeFields,
  },
  { additionalProperties: false },
);

export const ReconnectBody = Type.Object(
  { return_url: Type.Optional(Type.String({ maxLength: 2048 })) },
  { additionalProperties: false },
);

export const UpdateAccountBody = Type.Object(
  {
    selected_cloud_id: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    tags: Type.Optional({ ...Tags, description: 'replace the account’s tags' }),
    credentials: Type.Optional({
      ...replacedCredential,
      description:
        'api_token accounts: replace the API token in place (verified first; the account becomes ACTIVE)',
    }),
  },
  { additionalProperties: false, minProperties: 1, maxProperties: 1 },
);
export type UpdateAccountInput = Omit<Static<typeof UpdateAccountBody>, 'credentials'> & {
  credentials?: unknown;
};

export const AccountListQuery = ListQuery({
  auth_config_id: Type.Optional(Type.String({ pattern: ID_PATTERN('ac') })),
  user_id: Type.Optional(UserId),
  status: Type.Optional(Status),
  tags: Type.Optional({ ...Tags, description: 'accounts carrying every one of these tags' }),
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
          login: Nullable(
            Type.String({
              description: 'the user’s handle where the provider has one (GitHub’s login)',
            }),
          ),
          email: Nullable(Type.String()),
          name: Nullable(Type.String()),
          picture: Nullable(Type.String()),
        },
        { additionalProperties: false },
      ),
    ),
    granted_scopes: Type.Array(Type.String()),
    tags: Type.Array(Type.String()),
    external_id: Nullable(Type.String({ description: 'the source’s id of an imported grant' })),
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
    last_used_at: Nullable({
      ...Timestamp,
      description:
        'when a token read or a proxied call last used the account (recorded within seconds, off the request path); an account used within REFRESH_WARM_HOURS is refreshed ahead of expiry',
    }),
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
          login: r.identity.login ?? null,
          email: r.identity.email,
          name: r.identity.name,
          picture: r.identity.picture,
        }
      : null,
    granted_scopes: r.grantedScopes,
    tags: r.tags,
    external_id: r.externalId,
    api_token: (schemeOf(r.authScheme).credentialView?.(r) ?? null) as Static<
      typeof ConnectedAccount
    >['api_token'],
    connected_at: iso(r.connectedAt),
    expires_at: iso(r.expiresAt),
    family_expires_at: iso(r.familyExpiresAt),
    last_refreshed_at: iso(r.lastRefreshedAt),
    next_refresh_at: iso(r.nextRefreshAt),
    last_used_at: iso(r.lastUsedAt),
    refresh_failures: r.refreshFailures,
    last_error_code: r.lastErrorCode,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
  };
}
