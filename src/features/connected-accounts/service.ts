import type { Db, DbOrTx } from '../../db/client.ts';
import type { AccountRow, AccountStatus, AuthConfigRow } from '../../db/schema/index.ts';
import type { TxScope } from '../../db/transact.ts';
import type { PageRequest } from '../../http/pagination.ts';
import type { Clock } from '../../lib/clock.ts';
import { badRequest, conflict, notFound, unlessFound } from '../../lib/errors.ts';
import { checkReturnUrl } from '../../lib/return-url.ts';
import type { TenantUrlPolicy } from '../../lib/tenant-urls.ts';
import type { Providers } from '../../providers/index.ts';
import {
  SCHEME_CREATE_FIELDS,
  SCHEMES_REPLACING,
  schemeOf,
  schemesTaking,
} from '../../schemes/index.ts';
import { holdsAny } from '../../schemes/sealed.ts';
import type { CreateInput } from '../../schemes/types.ts';
import type { CommitChange } from '../audit/commit.ts';
import type { ChangeContext } from '../audit/context.ts';
import type { SchemePolicy } from '../auth-configs/scheme-policy.ts';
import type { AuthConfigService } from '../auth-configs/service.ts';
import type { DataKeyService } from '../data-keys/service.ts';
import type { Outbox } from '../events/outbox.ts';
import type { GrantWriter } from './grants.ts';
import { createSchemeContexts } from './scheme-contexts.ts';
import * as repo from './repo.ts';
import type { UpdateAccountInput } from './schemas.ts';

/** Issues a connect link for an account, in the caller's transaction (the connect feature's). */
export type IssueLink = (
  p: { tenantId: string; accountId: string; returnUrl: string | null },
  tx: DbOrTx,
) => Promise<{ url: string; expiresAt: Date }>;

/**
 * The lifecycle of connected accounts: created (each scheme its own way, schemes/), listed, read,
 * disabled and enabled, reconnected, pointed at a site, given a new credential, deleted. Every
 * change is one short transaction with its audit row; every provider call comes before it.
 */
export function createConnectedAccountService(deps: {
  db: Db;
  clock: Clock;
  /** an admin change and its audit row, in one transaction */
  commitChange: CommitChange;
  authConfigs: Pick<AuthConfigService, 'get' | 'providerApp' | 'withClientApp'>;
  providers: Providers;
  grants: Pick<GrantWriter, 'grantColumns'>;
  issueLink: IssueLink;
  dataKeys: Pick<DataKeyService, 'encrypt'>;
  outbox: Outbox;
  /** the egress policy for URLs the vault will call (throws a 400 when refused) */
  checkUrl: (url: string) => Promise<unknown>;
  urlPolicy: TenantUrlPolicy;
  /** ALLOWED_AUTH_SCHEMES: new accounts use an allowed scheme (existing ones keep working) */
  schemePolicy: Pick<SchemePolicy, 'assertAllowed'>;
}) {
  const { db, clock } = deps;
  const { creation, replacement } = createSchemeContexts(deps);

  async function get(tenantId: string, id: string, tx: DbOrTx = db) {
    const row = await repo.getAccount(tx, tenantId, id);
    if (!row) throw notFound('connected_account', id);
    return row;
  }

  /** The config an account is created for: a 400 when it does not exist, 409 when disabled. */
  async function configFor(tenantId: string, id: string) {
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

  /** POST /v1/connected-accounts: the config's scheme creates it; `link` null without a browser. */
  async function create(tenantId: string, input: CreateInput, change: ChangeContext) {
    const config = await configFor(tenantId, input.auth_config_id);
    deps.schemePolicy.assertAllowed(config.authScheme, 'accounts');
    const scheme = schemeOf(config.authScheme);
    for (const field of Object.keys(SCHEME_CREATE_FIELDS)) {
      if (input[field] !== undefined && !Object.hasOwn(scheme.createFields, field)) {
        throw badRequest(
          'invalid_request',
          `body.${field} applies to ${schemesTaking(field).join(' and ')} auth configs only`,
          { field: `body.${field}` },
        );
      }
    }
    return scheme.create(creation(config, change), config, input);
  }

  /** PATCH /v1/connected-accounts/{id}: select a site, or give the account a new credential. */
  async function update(
    tenantId: string,
    id: string,
    input: UpdateAccountInput,
    change: ChangeContext,
  ) {
    const row = await get(tenantId, id);
    const scheme = schemeOf(row.authScheme);
    if (input.credentials !== undefined) {
      if (!scheme.replaceCredential) {
        throw badRequest(
          'invalid_request',
          `body.credentials applies to ${SCHEMES_REPLACING.join(' and ')} accounts only`,
          { field: 'body.credentials' },
        );
      }
      return scheme.replaceCredential.replace(replacement(change), row, input.credentials);
    }
    if (scheme.fixedSite) {
      throw badRequest(
        'invalid_request',
        `body.selected_cloud_id: an ${row.authScheme} account’s site is fixed when it is created`,
        { field: 'body.selected_cloud_id' },
      );
    }
    return selectSite(row, input.selected_cloud_id!, change);
  }

  async function selectSite(row: AccountRow, cloudId: string, change: ChangeContext) {
    if (!row.sites.some((s) => s.cloud_id === cloudId)) {
      throw badRequest(
        'site_not_granted',
        `body.cloud_id: site ${cloudId} is not among the account's sites`,
      );
    }
    return deps.commitChange(change, async (scope) => {
      const written = await repo.updateAccount(scope, row.tenantId, row.id, {
        selectedCloudId: cloudId,
        updatedAt: clock.now(),
      });
      if (!written) throw notFound('connected_account', row.id);
      return written;
    });
  }

  const list = (tenantId: string, filter: repo.AccountFilter, page: PageRequest) =>
    repo.listAccounts(db, tenantId, filter, page.limit, page.cursor);

  const remove = (tenantId: string, id: string, change: ChangeContext) =>
    deps.commitChange(change, async (scope) => {
      const row = await repo.deleteAccount(scope, tenantId, id);
      if (!row) throw notFound('connected_account', id);
      await deps.outbox.emit(scope.tx, 'connected_account.deleted', row);
    });

  const disable = (tenantId: string, id: string, change: ChangeContext) =>
    deps.commitChange(change, async (scope) => {
      const row = await repo.updateAccount(scope, tenantId, id, {
        status: 'DISABLED',
        statusReason: 'disabled_by_admin',
        updatedAt: clock.now(),
      });
      if (!row) throw notFound('connected_account', id);
      return row;
    });

  const enable = (tenantId: string, id: string, change: ChangeContext) =>
    deps.commitChange(change, async (scope) => {
      const row = await get(tenantId, id, scope.tx);
      if (row.status !== 'DISABLED') return row;
      // Back to work if it holds a grant or credential of its scheme; else it needs a (re)connect.
      const status: AccountStatus = holdsAny(row, schemeOf(row.authScheme).sealedFields)
        ? 'ACTIVE'
        : 'INITIATED';
      const written = await repo.updateAccount(
        scope,
        tenantId,
        id,
        { status, statusReason: null, updatedAt: clock.now() },
        ['DISABLED'],
      );
      // Not DISABLED any more: someone else enabled it meanwhile.
      return written ?? get(tenantId, id, scope.tx);
    });

  /** A new link for the same account id. A live account keeps working until the new grant arrives. */
  async function reconnect(
    tenantId: string,
    id: string,
    input: { return_url?: string },
    change: ChangeContext,
  ) {
    const row = await get(tenantId, id);
    const refusal = schemeOf(row.authScheme).reconnectRefusal?.(id);
    if (refusal) throw conflict('reconnect_not_applicable', refusal);
    if (row.status === 'DISABLED')
      throw conflict('account_disabled', `connected account ${id} is disabled; enable it first`);
    const config = await deps.authConfigs.get(tenantId, row.authConfigId);
    if (config.status !== 'enabled')
      throw conflict('auth_config_disabled', `auth config ${config.id} is disabled`);
    const returnUrl = checkReturnUrl(config.allowedReturnUrls, input.return_url);
    return deps.commitChange(change, async (scope) => {
      let account = row;
      if (row.status !== 'ACTIVE') {
        const written = await repo.updateAccount(scope, tenantId, id, {
          status: 'INITIATED',
          statusReason: null,
          updatedAt: clock.now(),
        });
        if (!written) throw notFound('connected_account', id);
        account = written;
      }
      const link = await deps.issueLink({ tenantId, accountId: id, returnUrl }, scope.tx);
      return { account, link };
    });
  }

  /**
   * A config's client secret changed (in `scope`, the change's transaction): where its scheme
   * says a refused secret is what expired them, its accounts get another attempt.
   */
  async function reviveAfterSecretChange(config: AuthConfigRow, scope: TxScope) {
    const renewal = schemeOf(config.authScheme).renewal;
    if (renewal.kind !== 'renew' || !renewal.revivedBySecretChange) return;
    await repo.reviveAccounts(
      scope,
      config.tenantId,
      config.id,
      renewal.revivedBySecretChange,
      clock.now(),
    );
  }

  return {
    create,
    get,
    list,
    update,
    remove,
    disable,
    enable,
    reconnect,
    reviveAfterSecretChange,
  };
}

export type ConnectedAccountService = ReturnType<typeof createConnectedAccountService>;
