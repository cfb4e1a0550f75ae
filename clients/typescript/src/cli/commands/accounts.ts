// `accounts`: connect end users (the link to open, or an API token for api_token configs) and
// manage their connected accounts.
import type {
  ConnectedAccount,
  ConnectedAccountWithLink,
  CreateConnectedAccount,
} from '../../types.js';
import { choiceFlag, intFlag } from '../args.js';
import { command, group, type Options } from '../command.js';
import {
  confirmOrYes,
  fetchList,
  PAGE_OPTIONS,
  printPage,
  schemeTraits,
  until,
  YES_OPTION,
} from '../common.js';
import type { Context } from '../context.js';
import { CliError, EXIT, UsageError } from '../exit.js';
import { details } from '../output.js';
import { bulkCommand } from './accounts-bulk.js';
import { decryptExportCommand, exportCommand, importCommand } from './accounts-transfer.js';

const STATUSES = ['INITIATED', 'ACTIVE', 'EXPIRED', 'FAILED', 'DISABLED'] as const;
const ID_ARG = [{ name: 'id', help: 'the connected account id (ca_…)', required: true }] as const;

const WAIT_OPTIONS = {
  wait: {
    type: 'boolean',
    help: 'wait until the user has finished in the browser; exit 0 when the account is ACTIVE, 5 when the flow failed',
  },
  'wait-timeout': {
    type: 'string',
    value: '<seconds>',
    help: 'give up waiting after this long (default: when the link expires)',
  },
} as const satisfies Options;

const who = (a: ConnectedAccount) =>
  a.identity
    ? `${a.identity.name ?? a.identity.account_id}${a.identity.login ? ` (${a.identity.login})` : ''}${a.identity.email ? ` <${a.identity.email}>` : ''}`
    : undefined;

const statusOf = (a: ConnectedAccount) =>
  `${a.status}${a.status_reason ? ` (${a.status_reason})` : ''}`;

function showAccount(ctx: Context, a: ConnectedAccount): void {
  if (ctx.json) return ctx.printJson(a);
  ctx.print(
    details([
      ['id', a.id],
      ['user id', a.user_id],
      ['auth config', a.auth_config_id],
      ['auth scheme', a.auth_scheme],
      ['status', statusOf(a)],
      ['identity', who(a)],
      [
        'site',
        a.selected_site
          ? `${a.selected_site.name} ${a.selected_site.url} (${a.selected_site.cloud_id})`
          : undefined,
      ],
      ['sites', a.sites.length ? a.sites.map((s) => s.url) : undefined],
      ['scopes', a.granted_scopes],
      ['connected', a.connected_at],
      ['token expires', a.expires_at],
      ['grant expires', a.family_expires_at],
      ['last refreshed', a.last_refreshed_at],
      ['next refresh', a.next_refresh_at],
      ['refresh failures', a.refresh_failures || undefined],
      ['last error', a.last_error_code],
      ['created', a.created_at],
    ]),
  );
}

/** Polls the account until it leaves INITIATED (the user finished in the browser) or time is up. */
async function waitForUser(
  ctx: Context,
  a: ConnectedAccountWithLink,
  timeoutSeconds: number | undefined,
): Promise<ConnectedAccount> {
  const linkEnds = a.redirect_url_expires_at ? Date.parse(a.redirect_url_expires_at) : NaN;
  const deadline =
    timeoutSeconds !== undefined
      ? Date.now() + timeoutSeconds * 1000
      : Number.isFinite(linkEnds)
        ? linkEnds + 60_000 // the user may still be on the consent page when the link expires
        : Date.now() + 600_000;
  ctx.io.err('Waiting for the user to finish in the browser (Ctrl-C stops waiting)…\n');
  for (;;) {
    const cur = await ctx.vault().connectedAccounts.get(a.id);
    // A reconnect of a live account stays ACTIVE meanwhile: wait for a newer connection.
    const done =
      cur.status !== 'INITIATED' &&
      !(cur.status === 'ACTIVE' && a.status === 'ACTIVE' && cur.connected_at === a.connected_at);
    if (done) return cur;
    if (Date.now() >= deadline) {
      throw new CliError(
        'connect_timeout',
        `the user did not finish in time; account ${a.id} is still ${cur.status}`,
      );
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** What connect and reconnect print: the link first, alone on its line. */
async function showLink(
  ctx: Context,
  a: ConnectedAccountWithLink,
  wait: { wait?: boolean; 'wait-timeout'?: string },
): Promise<void> {
  const timeout = intFlag(wait['wait-timeout'], 'wait-timeout', { min: 1, max: 86_400 });
  if (!a.redirect_url) {
    // Connected by the API alone (client credentials, API token): nothing to open.
    if (ctx.json) return ctx.printJson(a);
    ctx.print(a.id);
    ctx.note(`account ${a.id} for user "${a.user_id}" is ${statusOf(a)}`);
    return;
  }
  if (!wait.wait) {
    if (ctx.json) return ctx.printJson(a);
    ctx.print(a.redirect_url);
    ctx.print(a.id);
    ctx.note(
      `\nOpen the link (first line) in the user's browser: it starts the consent for user ` +
        `"${a.user_id}", works once and expires in ${until(a.redirect_url_expires_at) ?? '10 min'}.\n` +
        `Then: credential-vault accounts get ${a.id}`,
    );
    return;
  }
  // Waiting: the link must reach a person whatever the output mode, so it goes to stderr too.
  if (ctx.json) ctx.io.err(`${a.redirect_url}\n`);
  else {
    ctx.print(a.redirect_url);
    ctx.print(a.id);
  }
  const done = await waitForUser(ctx, a, timeout);
  if (ctx.json) ctx.printJson(done);
  else ctx.note(`account ${done.id} is ${statusOf(done)}${who(done) ? `: ${who(done)}` : ''}`);
  if (done.status !== 'ACTIVE') {
    throw new CliError('connect_failed', `account ${done.id} is ${statusOf(done)}`, EXIT.conflict);
  }
}

const connect = command({
  summary: 'Connect a user: prints the link to open (3LO), or verifies an API token',
  description: [
    'For user-consent configs the first line printed is the single-use link that starts the',
    "consent in the user's browser, the second the account id. For api_token configs the API",
    'token is asked for without echo (or read from stdin) and verified before anything is stored.',
  ].join('\n'),
  options: {
    'auth-config': { type: 'string', required: true, value: '<ac_…>', help: 'the auth config' },
    user: { type: 'string', required: true, value: '<user id>', help: 'your id for the user' },
    'return-url': {
      type: 'string',
      value: '<url>',
      help: "where the browser goes after the flow (on the config's allow-list)",
    },
    'site-url': { type: 'string', value: '<url>', help: 'pin the Atlassian site' },
    'cloud-id': { type: 'string', value: '<id>', help: 'api_token: the site of a scoped token' },
    email: { type: 'string', value: '<email>', help: "api_token: the account's email" },
    'expires-at': {
      type: 'string',
      value: '<date>',
      help: "api_token: the token's expiry date (ISO 8601), if it has one",
    },
    'api-token-stdin': {
      type: 'boolean',
      help: 'api_token: read the API token from stdin (default: asked without echo on a terminal)',
    },
    ...WAIT_OPTIONS,
  },
  examples: [
    'credential-vault accounts connect --auth-config ac_… --user ada',
    'credential-vault accounts connect --auth-config ac_… --user ada --wait',
  ],
  async run(ctx, { values: v }) {
    const vault = ctx.vault();
    const cfg = await vault.authConfigs.get(v['auth-config']!);
    const body: CreateConnectedAccount = { auth_config_id: cfg.id, user_id: v.user! };
    if (v['return-url'] !== undefined) body.return_url = v['return-url'];
    if (v['site-url'] !== undefined) body.site_url = v['site-url'];
    if (v['cloud-id'] !== undefined) body.cloud_id = v['cloud-id'];
    if (schemeTraits(cfg.auth_scheme).accountToken) {
      if (v.email === undefined)
        throw new UsageError(`missing --email (${cfg.auth_scheme} config)`);
      const apiToken = await ctx.secret({
        what: 'API token',
        stdinFlag: '--api-token-stdin',
        fromStdin: v['api-token-stdin'] === true,
      });
      body.credentials = { email: v.email, api_token: apiToken };
      if (v['expires-at'] !== undefined) body.credentials.expires_at = v['expires-at'];
    } else if (v.email !== undefined || v['api-token-stdin'] || v['expires-at'] !== undefined) {
      throw new UsageError(
        `--email, --expires-at and --api-token-stdin are for api_token configs; ${cfg.id} is ${cfg.auth_scheme}`,
      );
    }
    await showLink(ctx, await vault.connectedAccounts.create(body), v);
  },
});

const reconnect = command({
  summary: 'A new connect link for the same account id (the account keeps working meanwhile)',
  args: ID_ARG,
  options: {
    'return-url': { type: 'string', value: '<url>', help: 'where the browser goes after the flow' },
    ...WAIT_OPTIONS,
  },
  async run(ctx, { args, values: v }) {
    const body = v['return-url'] !== undefined ? { return_url: v['return-url'] } : {};
    await showLink(ctx, await ctx.vault().connectedAccounts.reconnect(args.id!, body), v);
  },
});

const list = command({
  summary: 'List connected accounts',
  options: {
    'auth-config': { type: 'string', value: '<ac_…>', help: "only this config's" },
    user: { type: 'string', value: '<user id>', help: "only this user's" },
    status: { type: 'string', value: STATUSES.join('|'), help: 'only these' },
    tag: {
      type: 'string',
      multiple: true,
      value: '<tag>',
      help: 'only those with this tag; repeatable',
    },
    ...PAGE_OPTIONS,
  },
  async run(ctx, { values: v }) {
    const page = await fetchList(
      ctx.vault().connectedAccounts,
      {
        auth_config_id: v['auth-config'],
        user_id: v.user,
        status: choiceFlag(v.status, 'status', STATUSES),
        tags: v.tag?.length ? v.tag : undefined,
      },
      v,
    );
    printPage(
      ctx,
      page,
      [
        { header: 'ID', value: (a) => a.id },
        { header: 'USER', value: (a) => a.user_id },
        { header: 'STATUS', value: (a) => a.status },
        { header: 'REASON', value: (a) => a.status_reason },
        { header: 'AUTH CONFIG', value: (a) => a.auth_config_id },
        { header: 'SITE', value: (a) => a.selected_site?.url },
        { header: 'TOKEN EXPIRES', value: (a) => a.expires_at },
      ],
      'connected accounts',
    );
  },
});

const get = command({
  summary: 'Show a connected account (status, identity, sites, refresh state)',
  args: ID_ARG,
  options: {},
  async run(ctx, { args }) {
    showAccount(ctx, await ctx.vault().connectedAccounts.get(args.id!));
  },
});

const toggle = (enable: boolean) =>
  command({
    summary: enable
      ? 'Enable a disabled account'
      : 'Disable an account (its tokens stop being handed out)',
    args: ID_ARG,
    options: {},
    async run(ctx, { args }) {
      const c = ctx.vault().connectedAccounts;
      const a = await (enable ? c.enable(args.id!) : c.disable(args.id!));
      if (ctx.json) return ctx.printJson(a);
      ctx.print(`account ${a.id} ${statusOf(a)}`);
    },
  });

const remove = command({
  summary: 'Delete a connected account and its tokens (asks first; --yes does not)',
  args: ID_ARG,
  options: { ...YES_OPTION },
  async run(ctx, { args, values: v }) {
    const vault = ctx.vault();
    await confirmOrYes(ctx, v.yes, `Delete connected account ${args.id} and its tokens?`);
    await vault.connectedAccounts.delete(args.id!);
    if (ctx.json) return ctx.printJson({ id: args.id, deleted: true });
    ctx.print(`account ${args.id} deleted`);
  },
});

export const accounts = group({
  summary: "Connect users' accounts and manage them",
  children: {
    connect,
    list,
    get,
    reconnect,
    disable: toggle(false),
    enable: toggle(true),
    delete: remove,
    import: importCommand,
    export: exportCommand,
    'decrypt-export': decryptExportCommand,
    bulk: bulkCommand,
  },
});
