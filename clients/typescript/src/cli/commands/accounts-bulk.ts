// `accounts bulk <action>`: reconnect links, disable, enable or delete for every account a filter
// matches. The count comes first (a dry run); delete asks before it acts, unless --yes.
import type { BulkRequest } from '../../types.js';
import { choiceFlag } from '../args.js';
import { command } from '../command.js';
import { confirmOrYes, YES_OPTION } from '../common.js';
import { CliError, EXIT, UsageError } from '../exit.js';
import { table } from '../output.js';

const ACTIONS = ['reconnect-links', 'disable', 'enable', 'delete'] as const;
const STATUSES = ['INITIATED', 'ACTIVE', 'EXPIRED', 'FAILED', 'DISABLED'] as const;

export const bulkCommand = command({
  summary: 'Reconnect links, disable, enable or delete every account a filter matches',
  description:
    'At least one filter is required. --dry-run prints the count only. reconnect-links prints one line per account: the account id, the user id and the link to send them (tab-separated).',
  args: [{ name: 'action', help: ACTIONS.join(' | '), required: true }],
  options: {
    status: { type: 'string', value: STATUSES.join('|'), help: 'accounts with this status' },
    reason: { type: 'string', value: '<status reason>', help: 'e.g. refresh_token_invalid' },
    'auth-config': { type: 'string', value: '<ac_…>', help: "this config's accounts" },
    user: { type: 'string', value: '<user id>', help: "this user's accounts" },
    tag: {
      type: 'string',
      multiple: true,
      value: '<tag>',
      help: 'accounts with this tag; repeatable',
    },
    'return-url': { type: 'string', value: '<url>', help: 'reconnect-links: where users return' },
    'dry-run': { type: 'boolean', help: 'count the accounts; change nothing' },
    ...YES_OPTION,
  },
  examples: [
    'credential-vault accounts bulk reconnect-links --auth-config ac_… --status EXPIRED --reason refresh_token_invalid',
    'credential-vault accounts bulk delete --user ada --dry-run',
  ],
  async run(ctx, { args, values: v }) {
    const action = choiceFlag(args.action, 'action', ACTIONS)!;
    const filter: BulkRequest['filter'] = {
      status: choiceFlag(v.status, 'status', STATUSES),
      status_reason: v.reason,
      auth_config_id: v['auth-config'],
      user_id: v.user,
      tags: v.tag?.length ? v.tag : undefined,
    };
    if (Object.values(filter).every((x) => x === undefined))
      throw new UsageError(
        'name at least one filter (--status, --reason, --auth-config, --user, --tag)',
      );
    const body = {
      action: action.replace('-', '_') as BulkRequest['action'],
      filter,
      return_url: v['return-url'],
    };
    const accounts = ctx.vault().connectedAccounts;
    const count = await accounts.bulk({ ...body, dry_run: true });
    if (v['dry-run']) {
      if (ctx.json) return ctx.printJson(count);
      ctx.print(`${count.matched}${count.more ? '+' : ''} accounts match`);
      return;
    }
    if (action === 'delete')
      await confirmOrYes(ctx, v.yes, `Delete ${count.matched} accounts and their tokens?`);
    const answer = await accounts.bulk(body);
    if (ctx.json) ctx.printJson(answer);
    else if (action === 'reconnect-links') {
      for (const l of answer.links)
        ctx.print(`${l.connected_account_id}\t${l.user_id}\t${l.redirect_url}`);
    } else ctx.print(`${answer.succeeded} of ${answer.matched} accounts: ${action} done`);
    if (answer.failed.length) {
      ctx.io.err(
        table(answer.failed, [
          { header: 'ACCOUNT', value: (f) => f.connected_account_id },
          { header: 'CODE', value: (f) => f.code },
          { header: 'DETAIL', value: (f) => f.detail },
        ]),
      );
      throw new CliError(
        'bulk_incomplete',
        `${answer.failed.length} accounts failed`,
        EXIT.conflict,
      );
    }
    if (answer.more) ctx.note('more accounts match: run the command again');
  },
});
