import type { AuthConfigRow } from '../../db/schema/index.ts';
import type { Clock } from '../../lib/clock.ts';
import { conflict } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import type { TenantUrlPolicy } from '../../lib/tenant-urls.ts';
import type { Providers } from '../../providers/index.ts';
import { providerAccess } from '../../schemes/access.ts';
import type { CreateContext, ReplaceContext } from '../../schemes/types.ts';
import type { CommitChange } from '../audit/commit.ts';
import type { ChangeContext } from '../audit/context.ts';
import type { AuthConfigService } from '../auth-configs/service.ts';
import type { DataKeyService } from '../data-keys/service.ts';
import type { Outbox } from '../events/outbox.ts';
import type { GrantWriter } from './grants.ts';
import * as repo from './repo.ts';
import type { IssueLink } from './service.ts';

/**
 * What the schemes' creation and replacement code may use (schemes/types.ts): the provider side,
 * sealing, the egress policy, and the account writes, bound to one admin change so that each is
 * one short transaction with its audit row and its lifecycle event.
 */
export function createSchemeContexts(deps: {
  clock: Clock;
  commitChange: CommitChange;
  authConfigs: Pick<AuthConfigService, 'get' | 'providerApp' | 'withClientApp'>;
  providers: Providers;
  grants: Pick<GrantWriter, 'grantColumns'>;
  issueLink: IssueLink;
  dataKeys: Pick<DataKeyService, 'encrypt'>;
  outbox: Outbox;
  checkUrl: (url: string) => Promise<unknown>;
  urlPolicy: TenantUrlPolicy;
}) {
  const { clock } = deps;
  const access = providerAccess(deps.providers, deps.authConfigs);

  /** What creating or replacing a credential may use, whatever the account. */
  const common = {
    ...access,
    clock,
    seal: deps.dataKeys.encrypt,
    checkUrl: deps.checkUrl,
    urlPolicy: deps.urlPolicy,
    grantColumns: deps.grants.grantColumns,
  };

  /** What creating an account of `config` may use, its inserts bound to this `change` (and tags). */
  const creation = (
    config: AuthConfigRow,
    change: ChangeContext,
    tags: string[] = [],
  ): CreateContext => ({
    ...common,
    insertInitiated: (row, returnUrl) =>
      deps.commitChange(
        change,
        async (scope) => {
          const now = clock.now();
          const account = await repo.insertAccount(scope, {
            id: newId('ca', now),
            tenantId: config.tenantId,
            authConfigId: config.id,
            authScheme: config.authScheme,
            userId: row.userId,
            status: 'INITIATED',
            pinnedSiteUrl: row.pinnedSiteUrl,
            tags,
            createdAt: now,
            updatedAt: now,
          });
          const link = await deps.issueLink(
            { tenantId: config.tenantId, accountId: account.id, returnUrl },
            scope.tx,
          );
          return { account, link };
        },
        (r) => r.account.id,
      ),
    insertActive: (row) =>
      deps.commitChange(
        change,
        async (scope) => {
          const now = clock.now();
          const account = await repo.insertAccount(scope, {
            ...row,
            tenantId: config.tenantId,
            authConfigId: config.id,
            authScheme: config.authScheme,
            status: 'ACTIVE',
            tags,
            connectedAt: now,
            createdAt: now,
            updatedAt: now,
          });
          await deps.outbox.emit(scope.tx, 'connected_account.active', account);
          return account;
        },
        (account) => account.id,
      ),
  });

  /** What replacing an account's credential may use, its write bound to this `change`. */
  const replacement = (change: ChangeContext): ReplaceContext => {
    return {
      ...common,
      config: (row) => deps.authConfigs.get(row.tenantId, row.authConfigId),
      writeReplaced: (row, set) =>
        deps.commitChange(change, async (scope) => {
          const written = await repo.updateAccount(
            scope,
            row.tenantId,
            row.id,
            {
              ...set,
              status: 'ACTIVE',
              statusReason: null,
              generation: row.generation + 1,
              updatedAt: clock.now(),
            },
            ['ACTIVE', 'EXPIRED'],
            row.generation,
          );
          if (!written) {
            throw conflict(
              'connected_account_changed',
              `connected account ${row.id} changed meanwhile; retry`,
            );
          }
          if (row.status !== 'ACTIVE')
            await deps.outbox.emit(scope.tx, 'connected_account.active', written);
          return written;
        }),
    };
  };

  return { creation, replacement };
}
