import type { Db, DbOrTx } from '../../db/client.ts';
import { transact, type TxScope } from '../../db/transact.ts';
import type { AccountInsert, AccountRow, AccountStatus } from '../../db/schema/index.ts';
import type { PageRequest } from '../../http/pagination.ts';
import type { Change, ChangeFeed } from '../../db/changes.ts';
import type { Clock } from '../../lib/clock.ts';
import { badRequest, conflict, notFound, unlessFound } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import type { Identity, Site } from '../../providers/types.ts';
import type { CommitChange } from '../audit/commit.ts';
import type { ChangeContext } from '../audit/context.ts';
import type { AuthConfigService } from '../auth-configs/service.ts';
import type { DataKeyService } from '../data-keys/service.ts';
import type { Outbox } from '../events/outbox.ts';
import * as repo from './repo.ts';

export type { TokenCandidate, TokenRow } from './repo.ts';
import { checkReturnUrl, normalizeSiteUrl } from './return-url.ts';
import { nextRefreshAt } from './schedule.ts';
import { createTokenReads } from './token-reads.ts';

/** The sealed token fields of an account. */
export const tokenField = (
  tenantId: string,
  rowId: string,
  field: 'access_token' | 'refresh_token',
) => ({ tenantId, field, rowId }) as const;

/** What a provider answered with: the token columns every grant write stores. */
export interface TokenGrant {
  accessToken: string;
  /** absent: keep the stored one (a refresh token is never replaced with nothing) */
  refreshToken?: string;
  tokenType: string;
  expiresAt: Date | null;
  /** the provider's expires_in for this token (L of the min_ttl contract) */
  lifetimeSeconds: number | null;
}

/** A grant from the connect flow: the tokens, and what discovery learnt. */
export interface Grant extends TokenGrant {
  grantedScopes: string[];
  sites: Site[];
  identity: Identity | null;
  selectedCloudId: string | null;
  familyExpiresAt: Date | null;
}

/** Issues a connect link for an account, in the caller's transaction (the connect feature's). */
export type IssueLink = (
  p: { tenantId: string; accountId: string; returnUrl: string | null },
  tx: DbOrTx,
) => Promise<{ url: string; expiresAt: Date }>;

export function createConnectedAccountService(deps: {
  db: Db;
  clock: Clock;
  /** an admin change and its audit row, in one transaction */
  commitChange: CommitChange;
  /** announced changes: the token reads' cache follows them (off: every read goes to the db) */
  changes: Pick<ChangeFeed, 'live' | 'subscribe'>;
  /** tells this process's caches of a change it made (call it after the commit) */
  announce: (c: Change) => void;
  cache: { enabled: boolean; maxEntries: number; maxAgeMs: number };
  authConfigs: Pick<AuthConfigService, 'get'>;
  issueLink: IssueLink;
  dataKeys: Pick<DataKeyService, 'encrypt'>;
  refreshAheadSeconds: number;
  outbox: Outbox;
}) {
  const { db, clock } = deps;

  const { tokenCandidate, tokenCandidates } = createTokenReads(db, deps.changes, deps.cache);

  /** A write of ours that has committed: this process's caches learn of it now. */
  function announced<T extends Pick<AccountRow, 'tenantId' | 'id' | 'authConfigId'> | undefined>(
    row: T,
  ): T {
    if (row) {
      deps.announce({ kind: 'ca', tenantId: row.tenantId, id: row.id, configId: row.authConfigId });
    }
    return row;
  }

  /** A write in `scope`'s transaction: announced once it commits. */
  function announcedAfter<T extends Pick<AccountRow, 'tenantId' | 'id' | 'authConfigId'>>(
    scope: TxScope,
    row: T,
  ): T {
    scope.afterCommit(() => announced(row));
    return row;
  }

  /**
   * The columns of every write that stores a new token (connect, reconnect, refresh): sealed
   * tokens, expiry and lifetime, the next refresh, a bumped generation, a clean failure record.
   */
  async function grantColumns(
    row: Pick<AccountRow, 'tenantId' | 'id' | 'generation'>,
    grant: TokenGrant,
    now: Date,
  ): Promise<Partial<AccountInsert>> {
    const set: Partial<AccountInsert> = {
      accessTokenEnc: await deps.dataKeys.encrypt(
        tokenField(row.tenantId, row.id, 'access_token'),
        grant.accessToken,
      ),
      tokenType: grant.tokenType,
      expiresAt: grant.expiresAt,
      tokenLifetimeSeconds: grant.lifetimeSeconds,
      generation: row.generation + 1,
      nextRefreshAt: nextRefreshAt(now, grant.expiresAt, deps.refreshAheadSeconds),
      refreshFailures: 0,
      lastErrorCode: null,
      lastErrorAt: null,
      updatedAt: now,
    };
    if (grant.refreshToken) {
      set.refreshTokenEnc = await deps.dataKeys.encrypt(
        tokenField(row.tenantId, row.id, 'refresh_token'),
        grant.refreshToken,
      );
    }
    return set;
  }

  async function get(tenantId: string, id: string, tx: DbOrTx = db) {
    const row = await repo.getAccount(tx, tenantId, id);
    if (!row) throw notFound('connected_account', id);
    return row;
  }

  async function create(
    tenantId: string,
    input: { auth_config_id: string; user_id: string; return_url?: string; site_url?: string },
    change: ChangeContext,
  ) {
    const config = await unlessFound(
      deps.authConfigs.get(tenantId, input.auth_config_id),
      'auth_config_not_found',
    );
    if (!config) {
      throw badRequest(
        'auth_config_not_found',
        `body.auth_config_id: auth config ${input.auth_config_id} was not found`,
      );
    }
    if (config.status !== 'enabled')
      throw conflict('auth_config_disabled', `auth config ${config.id} is disabled`);
    const returnUrl = checkReturnUrl(config.allowedReturnUrls, input.return_url);
    const pinned = normalizeSiteUrl(input.site_url);
    if (pinned && config.provider !== 'atlassian')
      throw badRequest('invalid_request', 'body.site_url applies to Atlassian auth configs only');
    const now = clock.now();
    return deps.commitChange(
      change,
      async (scope) => {
        const account = await repo.insertAccount(scope.tx, {
          id: newId('ca', now),
          tenantId,
          authConfigId: config.id,
          userId: input.user_id,
          status: 'INITIATED',
          pinnedSiteUrl: pinned,
          createdAt: now,
          updatedAt: now,
        });
        const link = await deps.issueLink({ tenantId, accountId: account.id, returnUrl }, scope.tx);
        return { account: announcedAfter(scope, account), link };
      },
      (r) => r.account.id,
    );
  }

  const list = (tenantId: string, filter: repo.AccountFilter, page: PageRequest) =>
    repo.listAccounts(db, tenantId, filter, page.limit, page.cursor);

  const remove = (tenantId: string, id: string, change: ChangeContext) =>
    deps.commitChange(change, async (scope) => {
      const row = await repo.getAccount(scope.tx, tenantId, id);
      if (!row || !(await repo.deleteAccount(scope.tx, tenantId, id)))
        throw notFound('connected_account', id);
      announcedAfter(scope, row);
      await deps.outbox.emit(scope.tx, 'connected_account.deleted', row);
    });

  const disable = (tenantId: string, id: string, change: ChangeContext) =>
    deps.commitChange(change, async (scope) => {
      const row = await repo.updateAccount(scope.tx, tenantId, id, {
        status: 'DISABLED',
        statusReason: 'disabled_by_admin',
        updatedAt: clock.now(),
      });
      if (!row) throw notFound('connected_account', id);
      return announcedAfter(scope, row);
    });

  const enable = (tenantId: string, id: string, change: ChangeContext) =>
    deps.commitChange(change, async (scope) => {
      const row = await get(tenantId, id, scope.tx);
      if (row.status !== 'DISABLED') return row;
      // Back to work if it holds a grant; otherwise it needs a (re)connect.
      const status: AccountStatus =
        row.refreshTokenEnc || row.accessTokenEnc || row.apiTokenEnc ? 'ACTIVE' : 'INITIATED';
      const written = await repo.updateAccount(
        scope.tx,
        tenantId,
        id,
        { status, statusReason: null, updatedAt: clock.now() },
        ['DISABLED'],
      );
      // Not DISABLED any more: someone else enabled it meanwhile.
      return written ? announcedAfter(scope, written) : get(tenantId, id, scope.tx);
    });

  /** A new link for the same account id. A live account keeps working until the new grant arrives. */
  async function reconnect(
    tenantId: string,
    id: string,
    input: { return_url?: string },
    change: ChangeContext,
  ) {
    const row = await get(tenantId, id);
    if (row.authScheme !== 'oauth2_3lo') {
      throw conflict(
        'reconnect_not_applicable',
        row.authScheme === 'api_token'
          ? `connected account ${id} holds an API token: replace it with PATCH {credentials}`
          : `connected account ${id} uses client credentials: fix the auth config's client_secret instead`,
      );
    }
    if (row.status === 'DISABLED')
      throw conflict('account_disabled', `connected account ${id} is disabled; enable it first`);
    const config = await deps.authConfigs.get(tenantId, row.authConfigId);
    if (config.status !== 'enabled')
      throw conflict('auth_config_disabled', `auth config ${config.id} is disabled`);
    const returnUrl = checkReturnUrl(config.allowedReturnUrls, input.return_url);
    return deps.commitChange(change, async (scope) => {
      let account = row;
      if (row.status !== 'ACTIVE') {
        const written = await repo.updateAccount(scope.tx, tenantId, id, {
          status: 'INITIATED',
          statusReason: null,
          updatedAt: clock.now(),
        });
        if (!written) throw notFound('connected_account', id);
        account = announcedAfter(scope, written);
      }
      const link = await deps.issueLink({ tenantId, accountId: id, returnUrl }, scope.tx);
      return { account, link };
    });
  }

  async function selectSite(tenantId: string, id: string, cloudId: string, change: ChangeContext) {
    const row = await get(tenantId, id);
    if (!row.sites.some((s) => s.cloud_id === cloudId)) {
      throw badRequest(
        'site_not_granted',
        `body.cloud_id: site ${cloudId} is not among the account's sites`,
      );
    }
    return deps.commitChange(change, async (scope) => {
      const written = await repo.updateAccount(scope.tx, tenantId, id, {
        selectedCloudId: cloudId,
        updatedAt: clock.now(),
      });
      if (!written) throw notFound('connected_account', id);
      return announcedAfter(scope, written);
    });
  }

  /** The flow failed: only an account still INITIATED turns FAILED (a live account never breaks). */
  const markFailed = async (tenantId: string, id: string, reason: string) =>
    announced(
      await repo.updateAccount(
        db,
        tenantId,
        id,
        { status: 'FAILED', statusReason: reason, updatedAt: clock.now() },
        ['INITIATED'],
      ),
    );

  /** Stores a fresh grant from the connect flow and makes the account ACTIVE, in one write. */
  async function activate(tenantId: string, id: string, grant: Grant) {
    const now = clock.now();
    const row = await get(tenantId, id);
    if (row.status === 'DISABLED') return undefined;
    const set: Partial<AccountInsert> = {
      ...(await grantColumns(row, grant, now)),
      status: 'ACTIVE',
      statusReason: null,
      grantedScopes: grant.grantedScopes,
      sites: grant.sites,
      identity: grant.identity,
      selectedCloudId: grant.selectedCloudId,
      familyExpiresAt: grant.familyExpiresAt,
      connectedAt: now,
      lastRefreshedAt: null,
    };
    return transact(db, async (scope) => {
      const written = await repo.updateAccount(
        scope.tx,
        tenantId,
        id,
        set,
        ['INITIATED', 'ACTIVE', 'FAILED', 'EXPIRED'],
        row.generation,
      );
      if (!written) return undefined;
      if (row.status !== 'ACTIVE') {
        await deps.outbox.emit(scope.tx, 'connected_account.active', written);
      }
      return announcedAfter(scope, written);
    });
  }

  return {
    grantColumns,
    announcedAfter,
    create,
    get,
    /** the row, or undefined (no error): for callers that decide themselves what absence means */
    find: (tenantId: string, id: string, tx: DbOrTx = db) => repo.getAccount(tx, tenantId, id),
    tokenCandidates,
    tokenCandidate,
    /** for the metrics gauges, across tenants */
    countByStatus: () => repo.accountsByStatus(db),
    oldestDue: (now: Date) => repo.oldestDue(db, now),
    list,
    remove,
    disable,
    enable,
    reconnect,
    selectSite,
    markFailed,
    activate,
  };
}

export type ConnectedAccountService = ReturnType<typeof createConnectedAccountService>;
