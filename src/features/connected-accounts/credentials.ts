import type { Change } from '../../db/changes.ts';
import type { TxScope } from '../../db/transact.ts';
import type { AccountInsert, AccountRow, AuthConfigRow } from '../../db/schema/index.ts';
import type { Clock } from '../../lib/clock.ts';
import { badRequest, conflict, unlessFound } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import type { TenantUrlPolicy } from '../../lib/tenant-urls.ts';
import type { Providers } from '../../providers/index.ts';
import { ProviderError, type Site } from '../../providers/types.ts';
import type { CommitChange } from '../audit/commit.ts';
import type { ChangeContext } from '../audit/context.ts';
import type { AuthConfigService } from '../auth-configs/service.ts';
import type { DataKeyService } from '../data-keys/service.ts';
import type { Outbox } from '../events/outbox.ts';
import { createApiTokenAccounts } from './api-token-accounts.ts';
import { badGateway, outboundFailure, providerRefusal } from './provider-refusal.ts';
import * as repo from './repo.ts';
import { normalizeSiteUrl } from './return-url.ts';
import type { CreateAccountInput, UpdateAccountInput } from './schemas.ts';
import type { ConnectedAccountService } from './service.ts';

/**
 * Connected accounts that need no browser (SPEC §3 "Atlassian credentials other than 3LO"): a
 * client_credentials account is ACTIVE once the vault holds a token for it; an api_token account
 * once Jira has accepted its token. Every provider call is made before the transaction that writes
 * the account opens, so a refusal leaves nothing behind and a slow provider holds no connection.
 * oauth2_3lo accounts go to the connect flow as before.
 */
export function createCredentialAccountService(deps: {
  clock: Clock;
  /** an admin change and its audit row, in one transaction */
  commitChange: CommitChange;
  accounts: Pick<
    ConnectedAccountService,
    'create' | 'get' | 'grantColumns' | 'selectSite' | 'announcedAfter'
  >;
  authConfigs: Pick<AuthConfigService, 'get' | 'providerApp' | 'withClientSecret'>;
  providers: Providers;
  dataKeys: Pick<DataKeyService, 'encrypt'>;
  outbox: Outbox;
  announce: (c: Change) => void;
  /** the egress policy for URLs the vault will call (throws a 400 when refused) */
  checkUrl: (url: string) => Promise<unknown>;
  urlPolicy: TenantUrlPolicy;
}) {
  const { clock } = deps;

  const apiTokens = createApiTokenAccounts({
    ...deps,
    insertActive: (row, change) => insertActive(row, change),
  });

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
  async function create(tenantId: string, input: CreateAccountInput, change: ChangeContext) {
    const config = await configOf(tenantId, input.auth_config_id);
    if (config.authScheme === 'oauth2_3lo') {
      refuseFields(input, ['credentials', 'cloud_id'], 'applies to api_token auth configs only');
      return deps.accounts.create(tenantId, input, change);
    }
    refuseFields(input, ['return_url'], 'applies to oauth2_3lo auth configs only (no redirect)');
    const account =
      config.authScheme === 'client_credentials'
        ? await createClientCredentials(tenantId, config, input, change)
        : await apiTokens.create(tenantId, config, input, change);
    return { account, link: null };
  }

  // ---- client credentials ----

  async function createClientCredentials(
    tenantId: string,
    config: AuthConfigRow,
    input: CreateAccountInput,
    change: ChangeContext,
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
      throw (
        outboundFailure(err, 'site discovery failed: ') ??
        badGateway(`site discovery failed: ${err.message}`)
      );
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
    return insertActive(
      {
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
      },
      change,
    );
  }

  /**
   * The account (tokens already sealed), its connected_account.active event and the audit row,
   * in one transaction.
   */
  function insertActive(
    row: Omit<AccountInsert, 'status' | 'connectedAt' | 'updatedAt'>,
    change: ChangeContext,
  ) {
    const now = clock.now();
    return deps.commitChange(
      change,
      async (scope) => {
        const account = await repo.insertAccount(scope.tx, {
          ...row,
          status: 'ACTIVE',
          connectedAt: now,
          updatedAt: now,
        });
        await deps.outbox.emit(scope.tx, 'connected_account.active', account);
        return deps.accounts.announcedAfter(scope, account);
      },
      (account) => account.id,
    );
  }

  /** PATCH /v1/connected-accounts/{id}: select a site, or replace an API token. */
  async function update(
    tenantId: string,
    id: string,
    input: UpdateAccountInput,
    change: ChangeContext,
  ) {
    if (input.credentials) return apiTokens.replace(tenantId, id, input.credentials, change);
    const row = await deps.accounts.get(tenantId, id);
    if (row.authScheme === 'api_token') {
      throw badRequest(
        'invalid_request',
        'body.selected_cloud_id: an api_token account’s site is fixed when it is created',
        { field: 'body.selected_cloud_id' },
      );
    }
    return deps.accounts.selectSite(tenantId, id, input.selected_cloud_id!, change);
  }

  /**
   * The config's secret changed (in `scope`, the change's transaction): its refused
   * client-credentials accounts get another attempt.
   */
  async function reviveClientCredentials(tenantId: string, configId: string, scope: TxScope) {
    const rows = await repo.reviveClientCredentialAccounts(
      scope.tx,
      tenantId,
      configId,
      clock.now(),
    );
    scope.afterCommit(() => rows.forEach(announced));
  }

  return { create, update, reviveClientCredentials };
}

export type CredentialAccountService = ReturnType<typeof createCredentialAccountService>;

/** The pinned site if granted; the only site when there is one; none guessed among several. */
function selectSite(sites: Site[], pinned: string | null): string | null | 'not_granted' {
  if (pinned) return sites.find((s) => new URL(s.url).origin === pinned)?.cloud_id ?? 'not_granted';
  return sites.length === 1 ? sites[0]!.cloud_id : null;
}
