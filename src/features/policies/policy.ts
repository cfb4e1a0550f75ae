import { badRequest } from '../../lib/errors.ts';

/**
 * What a holder (a service key, a trusted issuer's tokens) may do with the accounts it reaches:
 * read raw tokens or not, which proxied calls it may make, and how many requests per window.
 * Policies only ever take away: a holder without one keeps everything its role allows, and where
 * several apply (a key and a workload issuer, a user issuer, a proxy token) a call must pass each.
 */
export interface Policy {
  /** may read raw tokens (the token routes, a token exchange for an access token); default true */
  token?: boolean;
  /** the proxied calls allowed: rules and preset names; absent or null: any call */
  proxy?: ProxyRuleInput[] | null;
  /** at most `requests` token reads and proxied calls per holder per `window_seconds` */
  budget?: Budget | null;
}

export interface ProxyRule {
  methods: string[];
  paths: string[];
}
export type ProxyRuleInput = string | ProxyRule;

export interface Budget {
  requests: number;
  window_seconds: number;
}

/** The proxied path's methods a rule may name; GET allows HEAD too (it cannot change anything). */
export const RULE_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', '*'];

/**
 * Read-only sets, by name. Jira's and Confluence's reads are GETs, plus Jira's few POSTs that only
 * search or fetch (a JQL query or a list of issues too long for a URL). `github:read` covers every GET, since GitHub's
 * paths carry no product prefix: give it to holders limited to GitHub configs.
 */
export const PRESETS: Record<string, ProxyRule[]> = {
  'jira:read': [
    { methods: ['GET'], paths: ['jira/**'] },
    {
      methods: ['POST'],
      paths: [
        'jira/rest/api/3/search',
        'jira/rest/api/3/search/jql',
        'jira/rest/api/3/search/approximate-count',
        'jira/rest/api/3/issue/bulkfetch',
        'jira/rest/api/2/search',
      ],
    },
  ],
  'confluence:read': [{ methods: ['GET'], paths: ['confluence/**'] }],
  'github:read': [{ methods: ['GET'], paths: ['**'] }],
};

// A literal segment: what the proxy lets through unencoded (see proxy/paths.ts), without '*'.
const LITERAL = /^(?:[A-Za-z0-9\-._~!$&'()+,=:@]|%[0-9A-Fa-f]{2})+$/;

const invalid = (field: string, detail: string) =>
  badRequest('invalid_policy', `${field} ${detail}`, { field });

function checkPath(field: string, path: string) {
  if (path.startsWith('/'))
    throw invalid(field, 'starts with "/": write the proxied path (jira/…)');
  const segments = path.split('/');
  segments.forEach((seg, i) => {
    if (seg === '*' || seg === '**') return;
    if (seg === '' && i === segments.length - 1 && i > 0) return;
    if (seg === '') throw invalid(field, 'has an empty segment');
    if (seg.includes('*'))
      throw invalid(field, `segment "${seg}": * and ** stand for whole segments only`);
    if (seg === '.' || seg === '..') throw invalid(field, 'has a . or .. segment');
    if (!LITERAL.test(seg)) throw invalid(field, `segment "${seg}" has a character not allowed`);
  });
}

/** Checks a policy as an admin sent it; throws 400 `invalid_policy` naming the field. */
export function validatePolicy(policy: Policy, field = 'body.policy'): Policy {
  const rules = policy.proxy;
  if (rules) {
    rules.forEach((r, i) => {
      const at = `${field}.proxy[${i}]`;
      if (typeof r === 'string') {
        if (!PRESETS[r])
          throw invalid(at, `"${r}" is not a preset (${Object.keys(PRESETS).join(', ')})`);
        return;
      }
      r.methods.forEach((m, j) => {
        if (!RULE_METHODS.includes(m))
          throw invalid(`${at}.methods[${j}]`, `must be one of ${RULE_METHODS.join(', ')}`);
      });
      r.paths.forEach((p, j) => checkPath(`${at}.paths[${j}]`, p));
    });
  }
  return {
    token: policy.token ?? true,
    proxy: rules ?? null,
    budget: policy.budget ?? null,
  };
}

/** The policy in full: defaults applied, presets expanded; no policy reads as "everything". */
export function effectivePolicy(policy: Policy | null | undefined) {
  return {
    token: policy?.token ?? true,
    proxy: policy?.proxy
      ? policy.proxy.flatMap((r) => (typeof r === 'string' ? PRESETS[r]! : [r]))
      : [{ methods: ['*'], paths: ['**'] }],
    budget: policy?.budget ?? null,
  };
}

interface CompiledRule {
  methods: Set<string>;
  paths: string[][];
}

const compiled = new WeakMap<Policy, CompiledRule[] | null>();

/** The proxy rules as matchers, once per policy object (key records and issuers are cached). */
function rulesOf(policy: Policy): CompiledRule[] | null {
  let c = compiled.get(policy);
  if (c !== undefined) return c;
  c = policy.proxy
    ? effectivePolicy(policy).proxy.map((r) => ({
        methods: new Set(r.methods.flatMap((m) => (m === 'GET' ? ['GET', 'HEAD'] : [m]))),
        paths: r.paths.map((p) => p.split('/')),
      }))
    : null;
  compiled.set(policy, c);
  return c;
}

/** Whether the pattern's segments match the path's: `*` one segment, `**` any number of them. */
export function pathMatches(pattern: string[], path: string[]): boolean {
  // reach[j]: the first i pattern segments can match the first j path segments.
  let reach = new Array<boolean>(path.length + 1).fill(false);
  reach[0] = true;
  for (const seg of pattern) {
    const next = new Array<boolean>(path.length + 1).fill(false);
    if (seg === '**') {
      let any = false;
      for (let j = 0; j <= path.length; j++) {
        any ||= reach[j]!;
        next[j] = any;
      }
    } else {
      for (let j = 1; j <= path.length; j++) {
        const p = path[j - 1]!;
        next[j] = reach[j - 1]! && (seg === '*' ? p !== '' : seg === p);
      }
    }
    reach = next;
  }
  return reach[path.length]!;
}

/** Whether `policy` allows the call: every method given (the request's and any override). */
export function allowsCall(policy: Policy, methods: string[], segments: string[]): boolean {
  const rules = rulesOf(policy);
  if (!rules) return true;
  return methods.every((m) =>
    rules.some(
      (r) =>
        (r.methods.has('*') || r.methods.has(m)) && r.paths.some((p) => pathMatches(p, segments)),
    ),
  );
}

/** One policy a call must pass, and whose it is (a denial names it; a budget counts per holder). */
export interface PolicyLayer {
  source: 'key' | 'user_issuer' | 'workload_issuer' | 'proxy_token';
  /** the key's or the trusted issuer's id */
  id: string;
  /** whose requests a budget counts: the key, or an issuer's subject (`ti_…:<subject>`) */
  holder: string;
  policy: Policy;
}
