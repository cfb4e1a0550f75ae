import type { Change } from '../../db/changes.ts';
import type { Db } from '../../db/client.ts';
import type { AccountInsert, AccountRow, AuthConfigRow } from '../../db/schema/index.ts';
import type { Clock } from '../../lib/clock.ts';
import { AppError, badRequest, conflict, unlessFound } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { tenantUrl, type TenantUrlPolicy } from '../../lib/tenant-urls.ts';
import type { ApiTokenCredential, ApiTokenSite } from '../../providers/atlassian-api-tokens.ts';
import type { Providers } from '../../providers/index.ts';
import { ProviderError, type Identity, type Site } from '../../providers/types.ts';
import type { AuthConfigService } from '../auth-configs/service.ts';
import type { DataKeyService } from '../data-keys/service.ts';
import type { Outbox } from '../events/outbox.ts';
import * as repo from './repo.ts';
import { normalizeSiteUrl } from './return-url.ts';
import { nextCredentialCheckAt } from './schedule.ts';
import type { ApiTokenCredentialsT, CreateAccountInput, UpdateAccountInput } from './schemas.ts';
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

const badGateway = (detail: string) =>
  new AppError('provider_unavailable', 502, 'Bad gateway', detail, {}, true);

/**
 * Connected accounts that need no browser (SPEC §3 "Atlassian credentials other than 3LO"): a
 * client_credentials account is ACTIVE once the vault holds a token for it; an api_token account
 * once Jira has accepted its token. Every provider call is made before anything is written, so a
 * refusal leaves nothing behind. oauth2_3lo accounts go to the connect flow as before.
 */
export function createCredentialAccountService(deps: {
  db: Db;
  clock: Clock;
  accounts: Pick<ConnectedAccountService, 'create' | 'get' | 'grantColumns' | 'selectSite'>;
  authConfigs: Pick<AuthConfigService, 'get' | 'providerApp' | 'withClientSecret'>;
  providers: Providers;
  dataKeys: Pick<DataKeyService, 'encrypt'>;
  outbox: Outbox;
  announce: (c: Change) => void;
  /** the egress policy for URLs the vault will call (throws a 400 when refused) */
  checkUrl: (url: string) => Promise<unknown>;
  urlPolicy: TenantUrlPolicy;
}) {
  const { db, clock } = deps;

  const announced = (row: AccountRow) => {
    deps.announce({ kind: 'ca', tenantId: row.tenantId, id: row.id, configId: row.authConfigId });
    return row;
  };

  async function configOf(tenantId: string, id: string) {
    const config = await unlessFound(deps.authConfigs.get(tenantId, id), 'auth_config_not_found');
    if (!config) {
      throw badRequest(
        'auth_config_not_found',
        `body.auth_config_id: auth config ${id} was not found`,
      );
    }
    if (config.status !== 'enabled')
      throw conflict('auth_config_disabled', `auth config ${config.id} is disabled`);
    return config;
  }

  function refuseFields(
    input: CreateAccountInput,
    fields: (keyof CreateAccountInput)[],
    why: string,
  ) {
    for (const f of fields) {
      if (input[f] !== undefined)
        throw badRequest('invalid_request', `body.${f} ${why}`, { field: `body.${f}` });
    }
  }

  /** POST /v1/connected-accounts, for every scheme: `link` is null when no browser is needed. */
  async function create(tenantId: string, input: CreateAccountInput) {
    const config = await configOf(tenantId, input.auth_config_id);
    if (config.authScheme === 'oauth2_3lo') {
      refuseFields(input, ['credentials', 'cloud_id'], 'applies to api_token auth configs only');
      return deps.accounts.create(tenantId, input);
    }
    refuseFields(input, ['return_url'], 'applies to oauth2_3lo auth configs only (no redirect)');
    const account =
      config.authScheme === 'client_credentials'
        ? await createClientCredentials(tenantId, config, input)
        : await createApiToken(tenantId, config, input);
    return { account, link: null };
  }

  // ---- client credentials ----

  async function createClientCredentials(
    tenantId: string,
    config: AuthConfigRow,
    input: CreateAccountInput,
  ) {
    refuseFields(input, ['credentials', 'cloud_id'], 'applies to api_token auth configs only');
    const pinned = normalizeSiteUrl(input.site_url);
    if (pinned && config.provider !== 'atlassian')
      throw badRequest('invalid_request', 'body.site_url applies to Atlassian auth configs only');
    const provider = deps.providers.get(config.provider);
    const sentAt = clock.now();
    let tokens;
    try {
      tokens = await deps.authConfigs.withClientSecret(config, (secret) =>
        provider.clientCredentials(deps.authConfigs.providerApp(config, secret)),
      );
    } catch (err) {
      throw providerRefusal(
        err,
        'client_credentials_invalid',
        'the provider refused the client credentials',
      );
    }
    let discovery;
    try {
      discovery = await provider.discover(
        deps.authConfigs.providerApp(config),
        tokens.accessToken,
        {
          identityOptional: true,
        },
      );
    } catch (err) {
      if (!(err instanceof ProviderError)) throw err;
      throw badGateway(`site discovery failed: ${err.message}`);
    }
    const selected = selectSite(discovery.sites, pinned);
    if (selected === 'not_granted') {
      throw badRequest(
        'pinned_site_not_granted',
        `body.site_url: the service account has no access to ${pinned}`,
        { field: 'body.site_url' },
      );
    }
    const now = clock.now();
    const id = newId('ca', now);
    const grant = await deps.accounts.grantColumns(
      { tenantId, id, generation: 0 },
      {
        accessToken: tokens.accessToken,
        tokenType: tokens.tokenType,
        expiresAt: tokens.expiresIn ? new Date(sentAt.getTime() + tokens.expiresIn * 1000) : null,
        lifetimeSeconds: tokens.expiresIn ?? null,
      },
      now,
    );
    return insertActive({
      ...grant,
      id,
      tenantId,
      authConfigId: config.id,
      userId: input.user_id,
      authScheme: 'client_credentials',
      pinnedSiteUrl: pinned,
      grantedScopes: tokens.scopes ?? config.scopes,
      sites: discovery.sites,
      identity: discovery.identity,
      selectedCloudId: selected,
      createdAt: now,
    });
  }

  /** The account and its connected_account.active event, in one transaction. */
  function insertActive(row: Omit<AccountInsert, 'status' | 'connectedAt' | 'updatedAt'>) {
    const now = clock.now();
    return db.transaction(async (tx) => {
      const account = await repo.insertAccount(tx, {
        ...row,
        status: 'ACTIVE',
        connectedAt: now,
        updatedAt: now,
      });
      await deps.outbox.emit(tx, 'connected_account.active', account);
      return announced(account);
    });
  }

  // ---- API tokens ----

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
  async function verified(site: ApiTokenSite, cred: ApiTokenCredential): Promise<Identity> {
    try {
      return await deps.providers.apiTokens.verify(site, cred);
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

  async function createApiToken(
    tenantId: string,
    config: AuthConfigRow,
    input: CreateAccountInput,
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
    const identity = await verified(site, { email: cred.email, apiToken: cred.api_token });
    const id = newId('ca', now);
    const at = clock.now();
    return insertActive({
      id,
      tenantId,
      authConfigId: config.id,
      userId: input.user_id,
      authScheme: 'api_token',
      apiTokenEnc: await sealedCredential(tenantId, id, cred),
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
    });
  }

  /** PATCH with credentials: the same account id, a token Jira accepted, ACTIVE again. */
  async function replaceApiToken(tenantId: string, id: string, cred: ApiTokenCredentialsT) {
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
    const identity = await verified(apiTokenSite(row), {
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
    return db.transaction(async (tx) => {
      const written = await repo.updateAccount(
        tx,
        tenantId,
        id,
        {
          apiTokenEnc: await sealedCredential(tenantId, id, cred),
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
      if (row.status !== 'ACTIVE') await deps.outbox.emit(tx, 'connected_account.active', written);
      return announced(written);
    });
  }

  /** PATCH /v1/connected-accounts/{id}: select a site, or replace an API token. */
  async function update(tenantId: string, id: string, input: UpdateAccountInput) {
    if (input.credentials) return replaceApiToken(tenantId, id, input.credentials);
    const row = await deps.accounts.get(tenantId, id);
    if (row.authScheme === 'api_token') {
      throw badRequest(
        'invalid_request',
        'body.selected_cloud_id: an api_token account’s site is fixed when it is created',
        { field: 'body.selected_cloud_id' },
      );
    }
    return deps.accounts.selectSite(tenantId, id, input.selected_cloud_id!);
  }

  /** The config's secret changed: its refused client-credentials accounts get another attempt. */
  async function reviveClientCredentials(tenantId: string, configId: string) {
    const rows = await repo.reviveClientCredentialAccounts(db, tenantId, configId, clock.now());
    rows.forEach(announced);
  }

  return { create, update, reviveClientCredentials };
}

export type CredentialAccountService = ReturnType<typeof createCredentialAccountService>;

/** A provider's refusal as the caller's 400 (`code`), an outage as a 502; anything else as is. */
function providerRefusal(err: unknown, code: string, detail: string): unknown {
  if (!(err instanceof ProviderError)) return err;
  if (err.oauthError === 'egress_denied') return badRequest('egress_denied', err.message);
  if (err.kind === 'transient') return badGateway(`the provider did not answer: ${err.message}`);
  const why = err.oauthError ?? (err.status ? `HTTP ${err.status}` : undefined);
  return badRequest(code, why ? `${detail} (${why})` : detail);
}

/** The pinned site if granted; the only site when there is one; none guessed among several. */
function selectSite(sites: Site[], pinned: string | null): string | null | 'not_granted' {
  if (pinned) return sites.find((s) => new URL(s.url).origin === pinned)?.cloud_id ?? 'not_granted';
  return sites.length === 1 ? sites[0]!.cloud_id : null;
}
