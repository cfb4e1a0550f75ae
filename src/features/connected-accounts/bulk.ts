import type { Db } from '../../db/client.ts';
import type { AccountStatus } from '../../db/schema/index.ts';
import { AppError } from '../../lib/errors.ts';
import type { ChangeContext } from '../audit/context.ts';
import type { ConnectedAccountService } from './service.ts';
import { selectedAccountIds, type AccountSelection } from './transfer-repo.ts';

/** The most accounts one bulk request acts on; `more` says the filter matched further ones. */
export const BULK_MAX_ACCOUNTS = 10_000;

export const BULK_ACTIONS = ['reconnect_links', 'disable', 'enable', 'delete'] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];

export interface BulkInput {
  action: BulkAction;
  filter: {
    status?: AccountStatus;
    status_reason?: string;
    auth_config_id?: string;
    user_id?: string;
    tags?: string[];
  };
  dry_run?: boolean;
  return_url?: string;
}

/**
 * Bulk actions (docs/moving.md#bulk-actions): the accounts a filter matches, each acted on through
 * the same service call as the single-account route — its own short transaction and audit row —
 * so a bulk action behaves exactly like that many single ones. `dry_run` counts only.
 */
export function createBulkActions(deps: {
  db: Db;
  accounts: Pick<ConnectedAccountService, 'disable' | 'enable' | 'remove' | 'reconnect'>;
}) {
  async function run(tenantId: string, input: BulkInput, change: ChangeContext) {
    const f = input.filter;
    const selection: AccountSelection = {
      status: f.status,
      statusReason: f.status_reason,
      authConfigIds: f.auth_config_id ? [f.auth_config_id] : undefined,
      userId: f.user_id,
      tags: f.tags,
    };
    const ids = await selectedAccountIds(deps.db, tenantId, selection, BULK_MAX_ACCOUNTS + 1);
    const more = ids.length > BULK_MAX_ACCOUNTS;
    const matched = ids.slice(0, BULK_MAX_ACCOUNTS);
    const answer = {
      action: input.action,
      dry_run: input.dry_run ?? false,
      matched: matched.length,
      more,
      succeeded: 0,
      failed: [] as { connected_account_id: string; code: string; detail: string }[],
      links: [] as {
        connected_account_id: string;
        user_id: string;
        redirect_url: string;
        expires_at: string;
      }[],
    };
    if (answer.dry_run) return answer;
    for (const id of matched) {
      // Each account's change is one audit row of its own, naming the account.
      const one: ChangeContext = { ...change, resourceId: id, recorded: false };
      try {
        if (input.action === 'disable') await deps.accounts.disable(tenantId, id, one);
        else if (input.action === 'enable') await deps.accounts.enable(tenantId, id, one);
        else if (input.action === 'delete') await deps.accounts.remove(tenantId, id, one);
        else {
          const { account, link } = await deps.accounts.reconnect(
            tenantId,
            id,
            { return_url: input.return_url },
            one,
          );
          answer.links.push({
            connected_account_id: account.id,
            user_id: account.userId,
            redirect_url: link.url,
            expires_at: link.expiresAt.toISOString(),
          });
        }
        answer.succeeded++;
      } catch (err) {
        // The account changed meanwhile (deleted, disabled, …): said per account, the rest go on.
        if (!(err instanceof AppError) || err.status >= 500) throw err;
        answer.failed.push({ connected_account_id: id, code: err.code, detail: err.detail });
      }
    }
    return answer;
  }

  return { run };
}

export type BulkActions = ReturnType<typeof createBulkActions>;
