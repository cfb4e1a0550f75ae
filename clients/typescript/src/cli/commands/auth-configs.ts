// `auth-configs`: register OAuth apps and manage them. `create` prints the callback URL to paste
// into the provider's console first, on a line of its own.
import type { AuthConfig, CreateAuthConfig, UpdateAuthConfig } from '../../types.js';
import { choiceFlag, intFlag, listFlag } from '../args.js';
import { command, group, type Options } from '../command.js';
import {
  callbackHint,
  confirmOrYes,
  fetchList,
  PAGE_OPTIONS,
  printPage,
  schemeTraits,
  YES_OPTION,
} from '../common.js';
import type { Context } from '../context.js';
import { UsageError } from '../exit.js';
import { details } from '../output.js';
import { OAUTH2_OPTIONS, oauth2From, pickOAuth2 } from './auth-configs-oauth2.js';

const SECRET_STDIN = {
  'client-secret-stdin': {
    type: 'boolean',
    help: 'read the client secret from stdin (default: asked without echo on a terminal, read from stdin otherwise)',
  },
} as const satisfies Options;

function secretSummary(s: AuthConfig['client_secret']): string {
  if (!s.set) return 'none';
  const parts = [`set${s.last4 ? ` (…${s.last4})` : ''}, changed ${s.updated_at}`];
  if (s.previous) {
    parts.push(
      `previous${s.previous.last4 ? ` …${s.previous.last4}` : ''} accepted until ${s.previous.expires_at}`,
    );
  }
  if (s.working) parts.push(`provider last accepted the ${s.working} one`);
  return parts.join('; ');
}

function showConfig(ctx: Context, c: AuthConfig): void {
  if (ctx.json) return ctx.printJson(c);
  const oauth2 = c.oauth2
    ? Object.entries(c.oauth2).map(([k, v]) => [`oauth2.${k}`, v] as const)
    : [];
  ctx.print(
    details([
      ['id', c.id],
      ['name', c.name],
      ['provider', c.provider],
      ['auth scheme', c.auth_scheme],
      ['status', c.status],
      ['refresh policy', c.refresh_policy],
      ['client id', c.client_id],
      ['client secret', secretSummary(c.client_secret)],
      ['scopes', c.scopes],
      ['return urls', c.allowed_return_urls],
      ['callback url', c.callback_url],
      ...oauth2,
      ['created', c.created_at],
      ['updated', c.updated_at],
    ]),
  );
}

const REFRESH_POLICY_OPTION = {
  'refresh-policy': {
    type: 'string',
    value: 'on_use|always',
    help: 'on_use (default): keep only recently used accounts warm; always: refresh every account ahead',
  },
} as const;
const refreshPolicy = (v: string | undefined) =>
  choiceFlag(v, 'refresh-policy', ['on_use', 'always'] as const);

const ID_ARG = [{ name: 'id', help: 'the auth config id (ac_…)', required: true }] as const;

const create = command({
  summary: 'Register an OAuth app; prints the callback URL to paste into the provider console',
  description: [
    'The client secret is asked for without echo (or read from stdin when piped); it is never a',
    "flag. The first line printed is the callback URL to register in the provider's console,",
    "the second the new config's id.",
  ].join('\n'),
  options: {
    name: { type: 'string', required: true, value: '<name>', help: 'a name for people' },
    provider: {
      type: 'string',
      value: '<provider>',
      help: 'atlassian (default) or oauth2 (generic), or another provider the vault knows',
    },
    'auth-scheme': {
      type: 'string',
      value: '<scheme>',
      help: 'oauth2_3lo (default: user consent), client_credentials or api_token',
    },
    'client-id': { type: 'string', value: '<id>', help: "the app's client id" },
    scopes: {
      type: 'string',
      multiple: true,
      value: '<scopes>',
      help: 'scopes, separated by commas or spaces (the provider says how many it needs: GitHub Apps have none)',
    },
    'return-url': {
      type: 'string',
      multiple: true,
      value: '<url>',
      help: 'a URL the connect flow may send users back to',
    },
    disabled: { type: 'boolean', help: 'create it disabled' },
    ...REFRESH_POLICY_OPTION,
    ...SECRET_STDIN,
    ...OAUTH2_OPTIONS,
  },
  examples: [
    'credential-vault auth-configs create --provider atlassian --name "Jira" \\',
    '    --client-id "$CLIENT_ID" --scopes read:jira-work,read:jira-user',
    'printf %s "$SECRET" | credential-vault auth-configs create --name Jira --client-id … \\',
    '    --scopes read:jira-work --client-secret-stdin',
  ],
  async run(ctx, { values: v }) {
    const provider = v.provider ?? 'atlassian';
    const scheme = v['auth-scheme'];
    const traits = schemeTraits(scheme);
    // How many scopes a config needs is the provider's rule, which the vault answers with a 400.
    const scopes = listFlag(v.scopes);
    if (traits.clientSecret && v['client-id'] === undefined) {
      throw new UsageError('missing --client-id');
    }
    const body: CreateAuthConfig = {
      name: v.name!,
      provider: provider as CreateAuthConfig['provider'],
    };
    if (scopes) body.scopes = scopes;
    if (scheme !== undefined) body.auth_scheme = scheme as CreateAuthConfig['auth_scheme'];
    if (v['client-id'] !== undefined) body.client_id = v['client-id'];
    const returnUrls = listFlag(v['return-url']);
    if (returnUrls) body.allowed_return_urls = returnUrls;
    if (v.disabled) body.status = 'disabled';
    const policy = refreshPolicy(v['refresh-policy']);
    if (policy) body.refresh_policy = policy;
    const oauth2 = oauth2From(pickOAuth2(v));
    if (oauth2) body.oauth2 = oauth2;
    const vault = ctx.vault(); // a missing CV_URL/CV_KEY is said before the secret is typed
    if (traits.clientSecret) {
      body.client_secret = await ctx.secret({
        what: 'client secret',
        stdinFlag: '--client-secret-stdin',
        fromStdin: v['client-secret-stdin'] === true,
      });
    }
    const c = await vault.authConfigs.create(body);
    if (ctx.json) return ctx.printJson(c);
    const summary = `auth config ${c.id} "${c.name}" created (${c.provider}, ${c.auth_scheme}; scopes ${c.scopes.join(' ') || 'none'})`;
    if (schemeTraits(c.auth_scheme).callback) {
      ctx.print(c.callback_url);
      ctx.print(c.id);
      ctx.note(`\n${summary}.`);
      ctx.note(`Paste the callback URL (first line) into ${callbackHint(c.provider)}.`);
    } else {
      ctx.print(c.id);
      ctx.note(`\n${summary}.`);
    }
    ctx.note(
      `Connect an account: credential-vault accounts connect --auth-config ${c.id} --user <user id>`,
    );
  },
});

const list = command({
  summary: 'List auth configs',
  options: {
    status: { type: 'string', value: 'enabled|disabled', help: 'only these' },
    provider: { type: 'string', value: '<provider>', help: "only this provider's" },
    'auth-scheme': { type: 'string', value: '<scheme>', help: "only this scheme's" },
    ...PAGE_OPTIONS,
  },
  async run(ctx, { values: v }) {
    const page = await fetchList(
      ctx.vault().authConfigs,
      {
        status: choiceFlag(v.status, 'status', ['enabled', 'disabled']),
        provider: v.provider,
        auth_scheme: v['auth-scheme'] as AuthConfig['auth_scheme'] | undefined,
      },
      v,
    );
    printPage(
      ctx,
      page,
      [
        { header: 'ID', value: (c) => c.id },
        { header: 'NAME', value: (c) => c.name },
        { header: 'PROVIDER', value: (c) => c.provider },
        { header: 'SCHEME', value: (c) => c.auth_scheme },
        { header: 'STATUS', value: (c) => c.status },
        { header: 'CLIENT ID', value: (c) => c.client_id },
        { header: 'SCOPES', value: (c) => c.scopes },
      ],
      'auth configs',
    );
  },
});

const get = command({
  summary: 'Show an auth config (the secret shows only as set, its last 4 characters and dates)',
  args: ID_ARG,
  options: {},
  async run(ctx, { args }) {
    showConfig(ctx, await ctx.vault().authConfigs.get(args.id!));
  },
});

const update = command({
  summary: 'Change an auth config (the secret: rotate-secret)',
  args: ID_ARG,
  options: {
    name: { type: 'string', value: '<name>', help: 'a new name' },
    'client-id': { type: 'string', value: '<id>', help: 'a new client id' },
    scopes: {
      type: 'string',
      multiple: true,
      value: '<scopes>',
      help: 'the new scope set (replaces it), separated by commas or spaces',
    },
    'return-url': {
      type: 'string',
      multiple: true,
      value: '<url>',
      help: "the allowed return URLs (replaces them; --return-url '' clears them)",
    },
    ...REFRESH_POLICY_OPTION,
    ...OAUTH2_OPTIONS,
  },
  async run(ctx, { args, values: v }) {
    const body: UpdateAuthConfig = {};
    if (v.name !== undefined) body.name = v.name;
    if (v['client-id'] !== undefined) body.client_id = v['client-id'];
    const scopes = listFlag(v.scopes);
    if (scopes) body.scopes = scopes;
    const returnUrls = listFlag(v['return-url']);
    if (returnUrls) body.allowed_return_urls = returnUrls;
    const policy = refreshPolicy(v['refresh-policy']);
    if (policy) body.refresh_policy = policy;
    const o = pickOAuth2(v);
    if (Object.values(o).some((x) => x !== undefined)) {
      // The API replaces the oauth2 object whole: start from what the config has.
      const current = await ctx.vault().authConfigs.get(args.id!);
      body.oauth2 = oauth2From(o, current.oauth2);
    }
    if (Object.keys(body).length === 0) throw new UsageError('nothing to change: give a flag');
    const c = await ctx.vault().authConfigs.update(args.id!, body);
    if (ctx.json) return ctx.printJson(c);
    ctx.print(`auth config ${c.id} updated`);
  },
});

const rotateSecret = command({
  summary: 'Replace the client secret (the old one keeps working for the overlap)',
  description: [
    'The new secret is asked for without echo (or read from stdin when piped). The previous one',
    "stays a fallback for --overlap seconds (the vault's default: one day), so a secret rotated",
    'in the provider console first keeps refreshes working meanwhile.',
  ].join('\n'),
  args: ID_ARG,
  options: {
    overlap: {
      type: 'string',
      value: '<seconds>',
      help: 'keep accepting the previous secret this long (0 drops it at once)',
    },
    ...SECRET_STDIN,
  },
  async run(ctx, { args, values: v }) {
    const overlap = intFlag(v.overlap, 'overlap', { min: 0, max: 2_592_000 });
    const vault = ctx.vault();
    const secret = await ctx.secret({
      what: 'new client secret',
      stdinFlag: '--client-secret-stdin',
      fromStdin: v['client-secret-stdin'] === true,
    });
    const body: UpdateAuthConfig = { client_secret: secret };
    if (overlap !== undefined) body.previous_secret_overlap_seconds = overlap;
    const c = await vault.authConfigs.update(args.id!, body);
    if (ctx.json) return ctx.printJson(c);
    ctx.print(`client secret of ${c.id} replaced: ${secretSummary(c.client_secret)}`);
  },
});

const toggle = (enable: boolean) =>
  command({
    summary: enable
      ? 'Enable an auth config'
      : 'Disable an auth config (its tokens and connect links stop working)',
    args: ID_ARG,
    options: {},
    async run(ctx, { args }) {
      const a = ctx.vault().authConfigs;
      const c = await (enable ? a.enable(args.id!) : a.disable(args.id!));
      if (ctx.json) return ctx.printJson(c);
      ctx.print(`auth config ${c.id} ${c.status}`);
    },
  });

const remove = command({
  summary: 'Delete an auth config and its connected accounts (asks first; --yes does not)',
  args: ID_ARG,
  options: { ...YES_OPTION },
  async run(ctx, { args, values: v }) {
    const vault = ctx.vault();
    await confirmOrYes(
      ctx,
      v.yes,
      `Delete auth config ${args.id} and every account connected through it?`,
    );
    await vault.authConfigs.delete(args.id!);
    if (ctx.json) return ctx.printJson({ id: args.id, deleted: true });
    ctx.print(`auth config ${args.id} deleted`);
  },
});

export const authConfigs = group({
  summary: 'Register OAuth apps (auth configs) and manage them',
  children: {
    create,
    list,
    get,
    update,
    'rotate-secret': rotateSecret,
    disable: toggle(false),
    enable: toggle(true),
    delete: remove,
  },
});
