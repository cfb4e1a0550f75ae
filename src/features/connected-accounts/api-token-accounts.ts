import type { AccountInsert, AccountRow, AuthConfigRow } from '../../db/schema/index.ts';
import type { Clock } from '../../lib/clock.ts';
import { badRequest, conflict } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { tenantUrl, type TenantUrlPolicy } from '../../lib/tenant-urls.ts';
import type { ApiTokenCredential, ApiTokenSite } from '../../providers/atlassian-api-tokens.ts';
import type { Providers } from '../../providers/index.ts';
import type { Identity } from '../../providers/types.ts';
import type { DataKeyService } from '../data-keys/service.ts';
import type { Outbox } from '../events/outbox.ts';
import type { CommitChange } from '../audit/commit.ts';
import type { ChangeContext } from '../audit/context.ts';
import { providerRefusal } from './provider-refusal.ts';
import * as repo from './repo.ts';
import { nextCredentialCheckAt } from './schedule.ts';
import type { ApiTokenCredentialsT, CreateAccountInput } from './schemas.ts';
import type { ConnectedAccountService } from './service.ts';

/** The sealed credential of an API-token account: JSON {email, api_token}. */
export const apiTokenField = (tenantId: string, rowId: string) =>
  ({ tenantId, field: 'api_token', rowId }) as const;

export async function openApiToken(
  dataKeys: Pick<DataKeyService, 'decrypt'>,
  row: Pick<AccountRow, 'tenantId' | 'id'> & { apiTokenEnc: string | null },
): Promise<ApiTokenCredential> {
  const plain = await dataKeys.decrypt(apiTokenField(row.tenantId, row.id), row.apiTokenEnc!);
  const v = JSON.parse(plain) as { email: string; api_token: string };
  return { email: v.email, apiToken: v.api_token };
}

/** Where an API-token account's token is used: its classic site, or its scoped cloud id. */
export const apiTokenSite = (
  row: Pick<AccountRow, 'apiSiteUrl' | 'selectedCloudId'>,
): ApiTokenSite => ({
  siteUrl: row.apiSiteUrl,
  cloudId: row.apiSiteUrl ? null : row.selectedCloudId,
});

const MAX_TOKEN_DAYS = 366;

/**
 * API-token accounts (auth_scheme api_token): an email + Atlassian API token, verified at Jira
 * `/rest/api/3/myself` before anything is stored or replaced, sealed as one value, used at a classic
 * token's site URL (a tenant URL: https, egress-checked) or a scoped token's gateway cloud id.
 */
export function createApiTokenAccounts(deps: {
  clock: Clock;
  commitChange: CommitChange;
  accounts: Pick<ConnectedAccountService, 'get' | 'announcedAfter'>;
  providers: Pick<Providers, 'apiTokens'>;
  dataKeys: Pick<DataKeyService, 'encrypt'>;
  outbox: Outbox;
  insertActive: (
    row: Omit<AccountInsert, 'status' | 'connectedAt' | 'updatedAt'>,
    change: ChangeContext,
  ) => Promise<AccountRow>;
  /** the egress policy for URLs the vault will call (throws a 400 when refused) */
  checkUrl: (url: string) => Promise<unknown>;
  urlPolicy: TenantUrlPolicy;
}) {
  const { clock } = deps;

  function expiryOf(cred: ApiTokenCredentialsT, now: Date): Date | null {
    if (cred.expires_at === undefined) return null;
    const at = new Date(cred.expires_at);
    const field = { field: 'body.credentials.expires_at' };
    if (at <= now)
      throw badRequest('credential_expired', 'body.credentials.expires_at has passed', field);
    if (at.getTime() - now.getTime() > MAX_TOKEN_DAYS * 86_400_000) {
      throw badRequest(
        'invalid_request',
        'body.credentials.expires_at: Atlassian API tokens live at most 365 days',
        field,
      );
    }
    return at;
  }

  /** A classic token's site base (https://acme.atlassian.net): a tenant URL, egress-checked. */
  async function siteBase(raw: string): Promise<string> {
    const u = tenantUrl('body.site_url', raw, deps.urlPolicy);
    if (u.search || u.hash || u.username || u.password) {
      throw badRequest(
        'invalid_request',
        'body.site_url must be a site URL such as https://acme.atlassian.net (no query, fragment or user info)',
        { field: 'body.site_url' },
      );
    }
    const base = `${u.origin}${u.pathname.replace(/\/+$/, '')}`;
    await deps.checkUrl(base);
    return base;
  }

  /** Jira's answer to `GET /rest/api/3/myself` with this credential, or the 400/502 saying why not. */
  async function verified(
    tenantId: string,
    site: ApiTokenSite,
    cred: ApiTokenCredential,
  ): Promise<Identity> {
    try {
      return await deps.providers.apiTokens.verify(tenantId, site, cred);
    } catch (err) {
      throw providerRefusal(err, 'credential_invalid', 'the site refused the API token');
    }
  }

  async function sealedCredential(tenantId: string, id: string, cred: ApiTokenCredentialsT) {
    return deps.dataKeys.encrypt(
      apiTokenField(tenantId, id),
      JSON.stringify({ email: cred.email, api_token: cred.api_token }),
    );
  }

  async function create(
    tenantId: string,
    config: AuthConfigRow,
    input: CreateAccountInput,
    change: ChangeContext,
  ) {
    const cred = input.credentials;
    if (!cred) {
      throw badRequest(
        'invalid_request',
        'body.credentials ({email, api_token}) is required for api_token auth configs',
        {
          field: 'body.credentials',
        },
      );
    }
    if ((input.site_url === undefined) === (input.cloud_id === undefined)) {
      throw badRequest(
        'invalid_request',
        'exactly one of body.site_url (classic token) and body.cloud_id (scoped token) is required',
        { field: 'body.site_url' },
      );
    }
    const now = clock.now();
    const expiresAt = expiryOf(cred, now);
    const site: ApiTokenSite = {
      siteUrl: input.site_url !== undefined ? await siteBase(input.site_url) : null,
      cloudId: input.cloud_id ?? null,
    };
    const identity = await verified(tenantId, site, {
      email: cred.email,
      apiToken: cred.api_token,
    });
    const id = newId('ca', now);
    const at = clock.now();
    const apiTokenEnc = await sealedCredential(tenantId, id, cred);
    return deps.insertActive(
      {
        id,
        tenantId,
        authConfigId: config.id,
        userId: input.user_id,
        authScheme: 'api_token',
        apiTokenEnc,
        apiSiteUrl: site.siteUrl,
        selectedCloudId: site.cloudId,
        tokenType: 'Basic',
        expiresAt,
        grantedScopes: config.scopes,
        identity,
        generation: 1,
        lastCheckedAt: at,
        nextCheckAt: nextCredentialCheckAt(at, expiresAt, false),
        createdAt: now,
      },
      change,
    );
  }

  /** PATCH with credentials: the same account id, a token Jira accepted, ACTIVE again. */
  async function replace(
    tenantId: string,
    id: string,
    cred: ApiTokenCredentialsT,
    change: ChangeContext,
  ) {
    const row = await deps.accounts.get(tenantId, id);
    if (row.authScheme !== 'api_token') {
      throw badRequest('invalid_request', 'body.credentials applies to api_token accounts only', {
        field: 'body.credentials',
      });
    }
    if (row.status === 'DISABLED')
      throw conflict('account_disabled', `connected account ${id} is disabled; enable it first`);
    const now = clock.now();
    const expiresAt = expiryOf(cred, now);
    const identity = await verified(tenantId, apiTokenSite(row), {
      email: cred.email,
      apiToken: cred.api_token,
    });
    // Replacing a token must not quietly hand the account to someone else.
    if (row.identity && identity.account_id !== row.identity.account_id) {
      throw badRequest(
        'credential_identity_mismatch',
        `body.credentials: the token belongs to another Atlassian account than ${id}'s; create a new connected account for it`,
        { field: 'body.credentials' },
      );
    }
    const at = clock.now();
    const apiTokenEnc = await sealedCredential(tenantId, id, cred);
    return deps.commitChange(change, async (scope) => {
      const written = await repo.updateAccount(
        scope.tx,
        tenantId,
        id,
        {
          apiTokenEnc,
          expiresAt,
          identity,
          status: 'ACTIVE',
          statusReason: null,
          generation: row.generation + 1,
          credentialExpiringNotifiedAt: null,
          lastCheckedAt: at,
          nextCheckAt: nextCredentialCheckAt(at, expiresAt, false),
          refreshFailures: 0,
          lastErrorCode: null,
          lastErrorAt: null,
          updatedAt: at,
        },
        ['ACTIVE', 'EXPIRED'],
        row.generation,
      );
      if (!written) {
        throw conflict(
          'connected_account_changed',
          `connected account ${id} changed meanwhile; retry`,
        );
      }
      if (row.status !== 'ACTIVE')
        await deps.outbox.emit(scope.tx, 'connected_account.active', written);
      return deps.accounts.announcedAfter(scope, written);
    });
  }

  return { create, replace };
}
