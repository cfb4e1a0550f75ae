// `policies`: what a service key may do with the accounts it reaches — raw tokens or proxy only,
// which proxied calls, how many requests per window. Set from flags or a JSON file; `get` shows
// the policy as set and as it applies (presets expanded).
import { readFileSync } from 'node:fs';
import type { ApiKey, Policy } from '../../types.js';
import { intFlag, listFlag } from '../args.js';
import { command, group, type Options } from '../command.js';
import type { Context } from '../context.js';
import { UsageError } from '../exit.js';
import { details } from '../output.js';

const KEY_ARG = [{ name: 'id', help: 'the service key id (key_…)', required: true }] as const;

/** Policy flags, shared with `issuers create|update` (a trusted issuer has a policy too). */
export const POLICY_OPTIONS = {
  'proxy-only': {
    type: 'boolean',
    help: 'no raw tokens: the token routes (and exchanges for access tokens) are refused',
  },
  allow: {
    type: 'string',
    multiple: true,
    value: '"<METHODS> <path>"',
    help: 'a proxied call it may make, e.g. "GET,HEAD jira/rest/api/3/issue/*" (* one segment, ** any depth); repeatable',
  },
  preset: {
    type: 'string',
    multiple: true,
    value: '<name>',
    help: 'a read-only preset: jira:read, confluence:read, github:read; repeatable',
  },
  budget: {
    type: 'string',
    value: '<requests>/<seconds>',
    help: 'at most this many token reads and proxied calls per window, e.g. 1000/3600',
  },
  'policy-file': {
    type: 'string',
    value: '<file.json>',
    help: 'the whole policy as JSON ({"token": false, "proxy": [...], "budget": {...}}) instead of the flags',
  },
} as const satisfies Options;

type PolicyFlags = {
  'proxy-only'?: boolean;
  allow?: string[];
  preset?: string[];
  budget?: string;
  'policy-file'?: string;
};

/** The policy the flags describe; undefined when none of them was given. */
export function policyFrom(v: PolicyFlags): Policy | undefined {
  const flags = v['proxy-only'] || v.allow || v.preset || v.budget;
  if (v['policy-file'] !== undefined) {
    if (flags) throw new UsageError('--policy-file replaces the other policy flags');
    try {
      return JSON.parse(readFileSync(v['policy-file'], 'utf8')) as Policy;
    } catch (err) {
      throw new UsageError(`--policy-file: ${(err as Error).message}`);
    }
  }
  if (!flags) return undefined;
  const policy: Policy = {};
  if (v['proxy-only']) policy.token = false;
  type Rule = NonNullable<Policy['proxy']>[number];
  // Preset names and methods are checked by the vault, which names the bad one.
  const rules: Rule[] = [...((listFlag(v.preset) ?? []) as Rule[])];
  for (const rule of v.allow ?? []) {
    const m = /^\s*([A-Za-z*,]+)\s+(\S+(?:\s+\S+)*)\s*$/.exec(rule);
    if (!m)
      throw new UsageError(`--allow takes "<METHODS> <path>", e.g. "GET jira/**" (got ${rule})`);
    const methods = m[1]!.toUpperCase().split(',') as Exclude<Rule, string>['methods'];
    rules.push({ methods, paths: m[2]!.split(/\s+/) });
  }
  if (rules.length) policy.proxy = rules;
  if (v.budget !== undefined) {
    const [requests, seconds] = v.budget.split('/');
    policy.budget = {
      requests: intFlag(requests, 'budget', { min: 1, max: 1_000_000_000 })!,
      window_seconds: intFlag(seconds ?? '', 'budget', { min: 60, max: 31 * 86_400 })!,
    };
  }
  return policy;
}

/** The policy as a person reads it: as set, and what applies. */
export function describePolicy(
  p: Pick<ApiKey, 'policy' | 'effective_policy'>,
): [string, unknown][] {
  const e = p.effective_policy;
  return [
    ['policy', p.policy === null ? 'none (everything its role allows)' : JSON.stringify(p.policy)],
    ['raw tokens', e.token ? 'allowed' : 'refused (proxy only)'],
    ['proxied calls', e.proxy.map((r) => `${r.methods.join(',')} ${r.paths.join(' ')}`).join('; ')],
    ['budget', e.budget ? `${e.budget.requests} per ${e.budget.window_seconds} s` : 'none'],
  ];
}

const show = (ctx: Context, k: ApiKey) => {
  if (ctx.json)
    return ctx.printJson({ id: k.id, policy: k.policy, effective_policy: k.effective_policy });
  ctx.print(details([['key', `${k.id} (${k.name}, ${k.role})`], ...describePolicy(k)]));
};

const get = command({
  summary: "Show a key's policy, as set and as it applies",
  args: KEY_ARG,
  options: {},
  async run(ctx, { args }) {
    show(ctx, await ctx.vault().apiKeys.get(args.id!));
  },
});

const set = command({
  summary: "Set a service key's policy (replaces the one it had; every replica within a second)",
  args: KEY_ARG,
  options: { ...POLICY_OPTIONS },
  examples: [
    'credential-vault policies set key_… --proxy-only --preset jira:read',
    'credential-vault policies set key_… --allow "GET jira/rest/api/3/issue/*" --budget 1000/3600',
  ],
  async run(ctx, { args, values: v }) {
    const policy = policyFrom(v);
    if (!policy)
      throw new UsageError(
        'say what it may do: --proxy-only, --allow, --preset, --budget or --policy-file',
      );
    show(ctx, await ctx.vault().apiKeys.setPolicy(args.id!, policy));
  },
});

const clear = command({
  summary: "Remove a key's policy: it may do everything its role allows again",
  args: KEY_ARG,
  options: {},
  async run(ctx, { args }) {
    show(ctx, await ctx.vault().apiKeys.setPolicy(args.id!, null));
  },
});

export const policies = group({
  summary: 'What service keys may do: proxy only, which calls, a request budget',
  children: { get, set, clear },
});
