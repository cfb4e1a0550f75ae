// `issuers`: identity providers whose tokens the token exchange accepts — `user` issuers (the
// company's IdP: its tokens name the user) and `workload` issuers (a Kubernetes cluster, SPIFFE, a
// CI system: their tokens name the service acting for the user).
import { readFileSync } from 'node:fs';
import type { CreateTrustedIssuer, TrustedIssuer, UpdateTrustedIssuer } from '../../types.js';
import { choiceFlag, intFlag, listFlag } from '../args.js';
import { command, group, type Options } from '../command.js';
import { confirmOrYes, fetchList, PAGE_OPTIONS, printPage, YES_OPTION } from '../common.js';
import type { Context } from '../context.js';
import { UsageError } from '../exit.js';
import { details } from '../output.js';
import { POLICY_OPTIONS, describePolicy, policyFrom } from './policies.js';

const ID_ARG = [{ name: 'id', help: 'the trusted issuer id (ti_…)', required: true }] as const;

const SETTINGS = {
  name: { type: 'string', value: '<name>', help: 'what it is, for people' },
  'jwks-uri': { type: 'string', value: '<url>', help: 'where its public keys are published' },
  'jwks-file': {
    type: 'string',
    value: '<file.json>',
    help: 'its public keys (a JWK Set), when it publishes none at a URL',
  },
  audience: {
    type: 'string',
    multiple: true,
    value: '<aud>',
    help: "a token's aud must name one of these (repeatable)",
  },
  alg: {
    type: 'string',
    multiple: true,
    value: '<alg>',
    help: 'allowed algorithms (RS256, PS256, ES256, EdDSA …; never HMAC or none); default RS256,ES256',
  },
  'clock-skew': {
    type: 'string',
    value: '<seconds>',
    help: 'leeway on exp/nbf (0–300; default 60)',
  },
  'user-claim': {
    type: 'string',
    value: '<claim>',
    help: 'the claim naming the user or workload (default sub; email, oid …)',
  },
  'user-id-template': {
    type: 'string',
    value: '<template>',
    help: 'how the claim becomes a user_id: {claim} is replaced (default {claim})',
  },
  require: {
    type: 'string',
    multiple: true,
    value: '<claim>=<value>',
    help: 'a claim tokens must carry with this value (repeat for several values or claims)',
  },
  'auth-config': {
    type: 'string',
    multiple: true,
    value: '<ac_…>',
    help: "the auth configs its tokens may reach (default: all of the tenant's)",
  },
  ...POLICY_OPTIONS,
} as const satisfies Options;

type SettingFlags = {
  [K in keyof typeof SETTINGS]?: (typeof SETTINGS)[K] extends { multiple: true }
    ? string[]
    : (typeof SETTINGS)[K] extends { type: 'boolean' }
      ? boolean
      : string;
};

function jwksFile(path: string) {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as CreateTrustedIssuer['jwks'];
  } catch (err) {
    throw new UsageError(`--jwks-file: ${(err as Error).message}`);
  }
}

/** The settings the flags give (for create and update alike). */
function settingsFrom(v: SettingFlags): UpdateTrustedIssuer {
  const out: UpdateTrustedIssuer = {};
  if (v.name !== undefined) out.name = v.name;
  if (v['jwks-uri'] !== undefined) out.jwks_uri = v['jwks-uri'];
  if (v['jwks-file'] !== undefined) out.jwks = jwksFile(v['jwks-file']);
  if (v.audience) out.audience = listFlag(v.audience);
  if (v.alg) out.algorithms = listFlag(v.alg) as UpdateTrustedIssuer['algorithms'];
  const skew = intFlag(v['clock-skew'], 'clock-skew', { min: 0, max: 300 });
  if (skew !== undefined) out.clock_skew_seconds = skew;
  if (v['user-claim'] !== undefined) out.user_claim = v['user-claim'];
  if (v['user-id-template'] !== undefined) out.user_id_template = v['user-id-template'];
  if (v.require) {
    const claims: Record<string, string[]> = {};
    for (const r of v.require) {
      const eq = r.indexOf('=');
      if (eq <= 0) throw new UsageError('--require takes <claim>=<value>');
      (claims[r.slice(0, eq)] ??= []).push(r.slice(eq + 1));
    }
    out.required_claims = claims;
  }
  if (v['auth-config']) out.auth_config_ids = listFlag(v['auth-config']);
  const policy = policyFrom(v);
  if (policy) out.policy = policy;
  return out;
}

function show(ctx: Context, i: TrustedIssuer) {
  if (ctx.json) return ctx.printJson(i);
  ctx.print(
    details([
      ['id', i.id],
      ['name', i.name],
      ['kind', i.kind],
      ['status', i.status],
      ['issuer', i.issuer],
      ['keys', i.jwks_uri ?? `${i.jwks?.keys.length ?? 0} inline`],
      ['audience', i.audience.join(', ')],
      ['algorithms', i.algorithms.join(', ')],
      ['user id', `${i.user_id_template.replace('{claim}', `{${i.user_claim}}`)}`],
      ['required claims', JSON.stringify(i.required_claims)],
      ['auth configs', i.auth_config_ids?.join(', ') ?? 'all'],
      ...describePolicy(i),
    ]),
  );
}

const create = command({
  summary: 'Trust an identity provider (user) or a workload platform (workload)',
  options: {
    kind: { type: 'string', required: true, value: 'user|workload', help: 'whose tokens it signs' },
    issuer: { type: 'string', required: true, value: '<iss>', help: 'the iss its tokens carry' },
    ...SETTINGS,
  },
  examples: [
    'credential-vault issuers create --kind user --name okta --issuer https://acme.okta.com --jwks-uri https://acme.okta.com/oauth2/v1/keys --audience 0oa…',
    'credential-vault issuers create --kind workload --name cluster --issuer https://kubernetes.default.svc --jwks-uri https://k8s.internal/openid/v1/jwks --audience credential-vault --require sub=system:serviceaccount:agents:jira-bot --preset jira:read',
  ],
  async run(ctx, { values: v }) {
    const kind = choiceFlag(v.kind, 'kind', ['user', 'workload'] as const)!;
    const s = settingsFrom(v);
    if (!s.audience) throw new UsageError('missing --audience');
    const body = {
      ...s,
      name: s.name ?? v.issuer!,
      kind,
      issuer: v.issuer!,
    } as CreateTrustedIssuer;
    const created = await ctx.vault().trustedIssuers.create(body);
    if (ctx.json) return ctx.printJson(created);
    ctx.print(created.id);
    ctx.note(`${kind} issuer ${created.id} trusted (${created.issuer}).`);
  },
});

const update = command({
  summary: 'Change a trusted issuer (the flags given replace what it had)',
  args: ID_ARG,
  options: { ...SETTINGS, 'no-policy': { type: 'boolean', help: 'remove its policy' } },
  async run(ctx, { args, values: v }) {
    const body = settingsFrom(v);
    if (v['no-policy']) {
      if (body.policy) throw new UsageError('--no-policy and policy flags contradict each other');
      body.policy = null;
    }
    if (Object.keys(body).length === 0) throw new UsageError('nothing to change: give a flag');
    show(ctx, await ctx.vault().trustedIssuers.update(args.id!, body));
  },
});

const columns = [
  { header: 'ID', value: (i: TrustedIssuer) => i.id },
  { header: 'KIND', value: (i: TrustedIssuer) => i.kind },
  { header: 'NAME', value: (i: TrustedIssuer) => i.name },
  { header: 'ISSUER', value: (i: TrustedIssuer) => i.issuer },
  { header: 'STATUS', value: (i: TrustedIssuer) => i.status },
  { header: 'POLICY', value: (i: TrustedIssuer) => (i.policy ? 'yes' : 'none') },
];

const list = command({
  summary: 'List trusted issuers',
  options: {
    kind: { type: 'string', value: 'user|workload', help: 'only this kind' },
    ...PAGE_OPTIONS,
  },
  async run(ctx, { values: v }) {
    const kind = choiceFlag(v.kind, 'kind', ['user', 'workload'] as const);
    const page = await fetchList(ctx.vault().trustedIssuers, kind ? { kind } : {}, v);
    printPage(ctx, page, columns, 'trusted issuers');
  },
});

const get = command({
  summary: 'Show a trusted issuer',
  args: ID_ARG,
  options: {},
  async run(ctx, { args }) {
    show(ctx, await ctx.vault().trustedIssuers.get(args.id!));
  },
});

const toggle = (status: 'enabled' | 'disabled') =>
  command({
    summary:
      status === 'disabled'
        ? 'Stop accepting its tokens: its exchanges and proxy tokens stop within a second'
        : 'Accept its tokens again',
    args: ID_ARG,
    options: {},
    async run(ctx, { args }) {
      const i = await ctx.vault().trustedIssuers.update(args.id!, { status });
      if (ctx.json) return ctx.printJson(i);
      ctx.print(`trusted issuer ${i.id} ${i.status}`);
    },
  });

const remove = command({
  summary: 'Stop trusting an issuer for good (asks first; --yes does not)',
  args: ID_ARG,
  options: { ...YES_OPTION },
  async run(ctx, { args, values: v }) {
    await confirmOrYes(
      ctx,
      v.yes,
      `Delete trusted issuer ${args.id}? Its proxy tokens stop working.`,
    );
    await ctx.vault().trustedIssuers.delete(args.id!);
    if (ctx.json) return ctx.printJson({ id: args.id, deleted: true });
    ctx.print(`trusted issuer ${args.id} deleted`);
  },
});

export const issuers = group({
  summary: 'Trusted issuers: whose identity tokens the token exchange accepts',
  children: {
    create,
    list,
    get,
    update,
    disable: toggle('disabled'),
    enable: toggle('enabled'),
    delete: remove,
  },
});
