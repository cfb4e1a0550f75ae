// `token`: a fresh access token, printed alone so that `$(credential-vault token …)` is the token.
import type { Selector } from '../../selectors.js';
import { intFlag } from '../args.js';
import { command } from '../command.js';
import { until } from '../common.js';
import { UsageError } from '../exit.js';

export const token = command({
  summary: 'Print a fresh access token for a connected account',
  description: [
    'Select the account by its id, or by auth config and user id (or the config alone when it has',
    'one account). Prints the token alone (--header: the Authorization value, "Bearer …" or',
    '"Basic …"); --json prints the whole answer (expiry, scopes, site, api_base_url).',
  ].join('\n'),
  args: [{ name: 'account', help: 'the connected account id (ca_…)' }],
  options: {
    'auth-config': { type: 'string', value: '<ac_…>', help: 'select through this auth config' },
    user: { type: 'string', value: '<user id>', help: "with --auth-config: this user's account" },
    account: { type: 'string', value: '<ca_…>', help: 'the account (same as the argument)' },
    'min-ttl': {
      type: 'string',
      value: '<seconds>',
      help: 'the token must live at least this long (default 60, at most 3300)',
    },
    header: {
      type: 'boolean',
      help: 'print "<token_type> <access_token>" for an Authorization header',
    },
  },
  examples: [
    'credential-vault token ca_…',
    'credential-vault token --auth-config ac_… --user ada --min-ttl 300',
    'curl -H "Authorization: $(credential-vault token ca_… --header)" "$API/rest/api/3/myself"',
  ],
  async run(ctx, { args, values: v }) {
    if (args.account !== undefined && v.account !== undefined && args.account !== v.account) {
      throw new UsageError('two different accounts given (argument and --account)');
    }
    const accountId = args.account ?? v.account;
    const authConfigId = v['auth-config'];
    if (v.user !== undefined && authConfigId === undefined) {
      throw new UsageError('--user selects within an auth config: add --auth-config');
    }
    if (v.user !== undefined && accountId !== undefined) {
      throw new UsageError('give either the account or --user, not both');
    }
    let selector: Selector;
    if (authConfigId !== undefined) {
      selector =
        v.user !== undefined
          ? { authConfigId, userId: v.user }
          : accountId !== undefined
            ? { authConfigId, connectedAccountId: accountId }
            : { authConfigId };
    } else if (accountId !== undefined) {
      selector = { connectedAccountId: accountId };
    } else {
      throw new UsageError('which account? give <account>, or --auth-config (and --user)');
    }
    const minTtl = intFlag(v['min-ttl'], 'min-ttl', { min: 0, max: 3300 });
    const t = await ctx.vault().token(selector, minTtl === undefined ? {} : { minTtl });
    if (ctx.json) return ctx.printJson(t);
    ctx.print(v.header ? `${t.token_type} ${t.access_token}` : t.access_token);
    if (ctx.io.errIsTTY) {
      const life = t.expires_at
        ? `expires in ${until(t.expires_at)} (${t.expires_at})`
        : 'no expiry';
      ctx.note(
        `${t.token_type} token of ${t.connected_account_id}; ${life}` +
          `${t.api_base_url ? `; API ${t.api_base_url}` : ''}`,
      );
    }
  },
});
