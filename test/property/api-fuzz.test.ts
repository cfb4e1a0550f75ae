// Property-based API fuzzing: for every operation of the OpenAPI document the app serves, fast-check
// derives requests from its body, path and query schemas (valid-ish values plus malformed,
// oversized and unicode-heavy mutations) and sends them through the real app with A's admin key
// (sometimes A's service key, B's admin key, the operator key, none or a malformed one). Every
// response must be < 500, leak no recorded secret, and be problem+json with a code and request_id
// when it is an error; a 4xx must leave every table exactly as it was.
// FC_SEED=<n> replays a run, FC_RUNS=<n> sets the runs per route, FC_ROUTE=<regexp> picks routes.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { atlassianConfig } from '../helpers/fixtures.ts';
import { startTestVault } from '../helpers/vault.ts';
import {
  ROUTER_REJECTED,
  bodyArb,
  pathSegment,
  queryArb,
  readRoutes,
  requestIdArb,
  type IdPools,
  type Payload,
  type Route,
} from './arbitraries.ts';
import { knownBugs, seedTenant, tokenOf } from './setup.ts';

const RUNS = Number(process.env.FC_RUNS ?? 150);
const SEED = process.env.FC_SEED ? Number(process.env.FC_SEED) : undefined;

const vault = await startTestVault();
after(() => vault.close());

const A = await seedTenant(vault);
const B = await seedTenant(vault);
/** The only tenant DELETE /v1/tenants/{id} may aim at: A and B hold the keys the fuzzer drives with. */
const C = await vault.newTenant();
const adminKeyIdA = A.ids.key![0]!;
const secrets = [...A.secrets, ...B.secrets, vault.operatorKey, vault.operatorKey.slice(31)];
const pools: IdPools = {
  own: A.ids,
  foreign: B.ids,
  tokens: [...A.tokens, ...B.tokens],
  sentSecrets: new Set(),
};
/** DELETE may revoke any of A's keys but the fuzzer's own, and delete tenant C only. */
const deletePools = (): IdPools => ({
  ...pools,
  own: { ...pools.own, key: pools.own.key!.filter((id) => id !== adminKeyIdA), tn: [C.tenantId] },
  foreign: { ...pools.foreign, tn: [] },
});

const { routes: all, resolve } = readRoutes(
  vault.app.swagger() as Parameters<typeof readRoutes>[0],
);
// Destructive routes last (they may delete the real ids the others aim at): key revocation and
// tenant deletion last of all.
const rank = (r: Route) =>
  r.method === 'DELETE'
    ? 2 + ['/v1/api-keys', '/v1/tenants'].findIndex((p) => r.path.startsWith(p))
    : 0;
const routes = all.sort((x, y) => rank(x) - rank(y));
/** A route of the document by its key; a test aimed at a route the document lacks fails. */
const routeOf = (key: string) => {
  const route = routes.find((r) => r.key === key);
  assert.ok(route, `${key} is not in the OpenAPI document`);
  return route;
};

const operatorRoute = (r: Route) => /^\/v1\/(tenants|master-keys)/.test(r.path);
const authArb = (r: Route) => {
  const bearer = (name: string, key: string) => fc.constant({ name, header: `Bearer ${key}` });
  const k = A.adminKey;
  return fc.oneof(
    { weight: 14, arbitrary: bearer('admin A', k) },
    { weight: 2, arbitrary: bearer('service A', A.svcKey) },
    { weight: 2, arbitrary: bearer('admin B', B.adminKey) },
    { weight: operatorRoute(r) ? 6 : 1, arbitrary: bearer('operator', vault.operatorKey) },
    { weight: 1, arbitrary: fc.constant({ name: 'none', header: undefined }) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(
          'Bearer',
          `bearer ${k}`,
          'Basic Zm9vOmJhcg==',
          k,
          `Bearer ${k} `,
          `Bearer ${k.slice(0, -1)}A`,
          `Bearer cvk_${'x'.repeat(300)}`,
        )
        .map((header) => ({ name: 'malformed', header })),
    },
  );
};

interface Req {
  auth: { name: string; header?: string };
  url: string;
  body: Payload;
  requestId: string | null;
}
const cut = (s: string, n = 200) =>
  JSON.stringify(s.length > n ? `${s.slice(0, n)}…(${s.length} chars)` : s);
const show = (m: string, r: Req) =>
  `${m} ${cut(r.url)} [${r.auth.name}] ${r.body.kind} ct=${r.body.contentType ?? '-'} body=${cut(String(r.body.payload ?? ''), 1500)}`;
const printable = (m: string, r: Req) =>
  Object.assign(r, { [fc.toStringMethod]: () => show(m, r) });

function requestArb(route: Route) {
  const ctx = { resolve, pools: route.method === 'DELETE' ? deletePools() : pools };
  return fc
    .record({
      auth: authArb(route),
      segments: fc.tuple(...route.pathParams.map((p) => pathSegment(resolve(p.schema), ctx.pools))),
      query: fc.oneof(
        { weight: 3, arbitrary: fc.constant('') },
        { weight: 2, arbitrary: queryArb(route.query, ctx) },
      ),
      body: bodyArb(route.body && resolve(route.body), ctx),
      requestId: fc.option(requestIdArb, { freq: 4 }),
    })
    .map(({ segments, query, ...rest }): Req => {
      let i = 0;
      const url = route.path.replace(/\{[^}]+\}/g, () => segments[i++]!) + query;
      return printable(route.method, { ...rest, url });
    });
}

// Every table's content (all tenants) hashed in one query; the audit trail is left out (it records
// successful changes only).
const TABLES = [
  'tenants',
  'data_keys',
  'api_keys',
  'auth_configs',
  'connected_accounts',
  'connect_sessions',
  'events',
  'webhook_endpoints',
  'webhook_deliveries',
  'trusted_issuers',
];
const snapshotQuery = sql.raw(
  `select ${TABLES.map((t) => `(select md5(coalesce(string_agg(x::text, '|' order by x.id), '')) from ${t} x) as ${t}`).join(', ')}`,
);
type Snapshot = Record<string, string>;
const snapshot = async () =>
  ((await vault.deps.database.db.execute(snapshotQuery)) as unknown as { rows: Snapshot[] })
    .rows[0]!;
let baseline = await snapshot();

const counts = new Map<string, Map<number, number>>();
const allSecrets = () => [...secrets, ...pools.sentSecrets];

function check(
  route: Route,
  r: Req,
  res: LightMyRequestResponse,
  before: Snapshot,
  after: Snapshot,
) {
  const where = `${show(route.method, r)}\n  -> ${res.statusCode} ${res.headers['content-type']} ${cut(res.body, 600)}`;
  const rid = String(res.headers['x-request-id']);
  const logged = () =>
    vault.logs
      .filter((l) => l.includes(rid) && l.includes('"err"'))
      .map((l) => (JSON.parse(l) as { err: { message: string } }).err.message.slice(-400));
  const changed = Object.keys(after).filter((t) => after[t] !== before[t]);
  assert.ok(
    res.statusCode < 500,
    `5xx (tables changed: ${changed.join(', ') || 'none'}): ${where}\n  log: ${logged().join('\n')}`,
  );
  const seen = `${res.body}\n${JSON.stringify(res.headers)}`;
  for (const s of allSecrets())
    assert.ok(!seen.includes(s), `secret ${s.slice(0, 10)}… leaked: ${where}`);
  assert.ok(!/"refresh_token"\s*:/.test(res.body), `refresh_token in a response: ${where}`);
  if (/"access_token"\s*:/.test(res.body))
    assert.ok(
      /\/(proxy-)?token$/.test(route.path) && res.statusCode === 200,
      `access_token outside a token response: ${where}`,
    );
  const ct = String(res.headers['content-type'] ?? '');
  if (res.statusCode < 400) {
    // A success needs no problem document, but it is still a well-formed answer of its kind.
    assert.ok(res.statusCode >= 200, `informational answer: ${where}`);
    if (res.statusCode === 204) assert.equal(res.body, '', `a 204 with a body: ${where}`);
    else if (res.statusCode >= 300)
      assert.ok(res.headers.location, `a redirect without a location: ${where}`);
    else if (route.public && ct.startsWith('text/html'))
      assert.ok(res.body, `empty page: ${where}`);
    else {
      assert.match(ct, /^application\/json/, `a success that is not JSON: ${where}`);
      assert.doesNotThrow(() => JSON.parse(res.body), `a success that does not parse: ${where}`);
    }
    return;
  }
  // The token exchange answers as OAuth clients expect: RFC 6749 §5.2 JSON, with our code.
  if (route.key === 'POST /v1/oauth/token') {
    assert.match(ct, /^application\/json/, `exchange error is not JSON: ${where}`);
    const e = JSON.parse(res.body) as Record<string, unknown>;
    assert.equal(typeof e.error, 'string', `no error: ${where}`);
    assert.equal(typeof e.error_description, 'string', `no error_description: ${where}`);
    assert.equal(typeof e.code, 'string', `no code: ${where}`);
    assert.equal(e.request_id, res.headers['x-request-id'], `request_id: ${where}`);
  }
  // The browser-facing connect routes answer their own failures with an HTML page.
  else if (!(route.public && ct.startsWith('text/html'))) {
    assert.match(ct, /^application\/problem\+json/, `error is not problem+json: ${where}`);
    const p = JSON.parse(res.body) as Record<string, unknown>;
    assert.equal(typeof p.code, 'string', `no code: ${where}`);
    assert.equal(p.request_id, res.headers['x-request-id'], `request_id: ${where}`);
    assert.equal(p.status, res.statusCode, `status mismatch: ${where}`);
  }
  if (res.statusCode < 500)
    assert.deepEqual(after, before, `a ${res.statusCode} changed the database: ${where}`);
}

/** Sends one request and checks the answer and the database against it; returns the answer. */
async function exchange(route: Route, r: Req, count = true) {
  const payload = typeof r.body.payload === 'string' ? r.body.payload : '';
  for (const m of payload.matchAll(/fz-secret-[0-9a-f]{24,32}/g)) pools.sentSecrets.add(m[0]);
  const headers: Record<string, string> = {};
  if (r.auth.header !== undefined) headers.authorization = r.auth.header;
  if (r.body.contentType !== undefined) headers['content-type'] = r.body.contentType;
  if (r.requestId !== null) headers['x-request-id'] = r.requestId;
  const before = baseline;
  const res = await vault.app.inject({
    method: route.method as 'GET',
    url: r.url,
    headers,
    payload: r.body.payload,
  });
  baseline = await snapshot();
  const tally = counts.get(route.key) ?? new Map<number, number>();
  if (count) counts.set(route.key, tally.set(res.statusCode, (tally.get(res.statusCode) ?? 0) + 1));
  // Fresh connect links (account creation, reconnect) join the connect route's token pool.
  const link = /"redirect_url":"([^"]+)"/.exec(res.body)?.[1];
  if (res.statusCode < 300 && link) pools.tokens.push(tokenOf(link));
  check(route, r, res, before, baseline);
  return res;
}

// Minimal reproductions of the 5xx the fuzzer found (shrunk by fast-check, then reduced by hand), run
// first, while the resources they name exist.
for (const k of knownBugs({ configId: A.ids.ac![0]!, tenantId: A.tenantId })) {
  const method = k.route.split(' ')[0]!;
  test(`known bug: ${method} ${k.url.slice(0, 60)} ${k.body ? cut(JSON.stringify(k.body), 80) : ''}`, async () => {
    const header = `Bearer ${k.who === 'operator' ? vault.operatorKey : A.adminKey}`;
    const payload = k.body === undefined ? undefined : JSON.stringify(k.body);
    const body = { kind: 'json', payload, contentType: payload && 'application/json' };
    const route = routeOf(k.route);
    await exchange(
      route,
      { auth: { name: k.who, header }, url: k.url, requestId: null, body },
      false,
    );
  });
}

// FIXED (found by this test): creating an oauth2 config parsed (egress-checked) token_url only, patching one parsed
// neither URL: an authorization_url that fits the schema pattern but is no URL was stored, and opening
// a connect link for it spent the link, then threw in new URL() (src/providers/oauth2.ts
// authorizationUrl): 500, and the link was gone (410 after). Both doors are checked shut: create and
// update refuse the URL with a 400 that writes nothing, and the config's connect link still opens.
test('known bug: an oauth2 authorization_url that does not parse is refused on create and update', async () => {
  const admin = { name: 'admin A', header: `Bearer ${A.adminKey}` };
  const json = (v: unknown): Payload => ({
    kind: 'json',
    payload: JSON.stringify(v),
    contentType: 'application/json',
  });
  const oauth2 = {
    authorization_url: 'https://idp.example.com:99999/a',
    token_url: 'https://idp.example.com/t',
  };
  const refused = (res: LightMyRequestResponse) => {
    assert.equal(res.statusCode, 400, res.body);
    const p = JSON.parse(res.body) as { code: string; detail: string };
    assert.equal(p.code, 'invalid_request');
    assert.match(p.detail, /oauth2\.authorization_url is not a valid URL/);
  };
  baseline = await snapshot();
  const body = atlassianConfig({ provider: 'oauth2', scopes: ['x'], oauth2 });
  refused(
    await exchange(
      routeOf('POST /v1/auth-configs'),
      { auth: admin, url: '/v1/auth-configs', body: json(body), requestId: null },
      false,
    ),
  );
  const configId = A.ids.ac![2]!; // the seeded oauth2 config
  refused(
    await exchange(
      routeOf('PATCH /v1/auth-configs/{id}'),
      { auth: admin, url: `/v1/auth-configs/${configId}`, body: json({ oauth2 }), requestId: null },
      false,
    ),
  );
  const acct = await vault.call('POST', '/v1/connected-accounts', A.adminKey, {
    auth_config_id: configId,
    user_id: 'u',
  });
  assert.equal(acct.status, 201, acct.text);
  baseline = await snapshot();
  const opened = await exchange(
    routeOf('GET /v1/connect/{token}'),
    {
      auth: { name: 'none' },
      url: new URL(acct.body.redirect_url).pathname,
      body: { kind: 'none' },
      requestId: null,
    },
    false,
  );
  assert.equal(opened.statusCode, 302, opened.body);
  assert.equal(new URL(String(opened.headers.location)).origin, 'https://idp.example.com');
});

for (const route of routes.filter((r) => new RegExp(process.env.FC_ROUTE ?? '').test(r.key))) {
  test(`fuzz ${route.key}`, () =>
    fc.assert(
      fc.asyncProperty(requestArb(route), async (r) => void (await exchange(route, r))),
      { numRuns: RUNS, seed: SEED },
    ));
}

// FIXED (found by this test): the router refuses a segment that does not percent-decode (truncated or non-hex
// escapes, invalid UTF-8: FST_ERR_BAD_URL, 400) or is longer than maxParamLength (2048:
// FST_ERR_MAX_PARAM_LENGTH, 414) before any route runs, and src/app.ts has no `frameworkErrors`
// handler: the answer is Fastify's default application/json ({error, code: 'FST_ERR_…', message,
// statusCode}) with no request_id, not problem+json. Kept out of the per-route fuzz (it would stop
// every route with a path parameter at its first such segment) and checked here on every such route.
test('router refusals of malformed path segments are problem+json too', () =>
  fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...routes.filter((r) => r.pathParams.length)),
      fc.constantFrom(...ROUTER_REJECTED),
      async (route, seg) => {
        const url = route.path.replace(/\{[^}]+\}/, seg).replace(/\{[^}]+\}/g, 'x');
        const auth = { name: 'admin A', header: `Bearer ${A.adminKey}` };
        await exchange(
          route,
          printable(route.method, { auth, url, body: { kind: 'none' }, requestId: null }),
        );
      },
    ),
    { numRuns: Math.min(RUNS, 60), seed: SEED },
  ));

test('no recorded secret reached the logs; requests sent per route', (t) => {
  // Every route the filter picked was fuzzed: a property that sent nothing would assert nothing.
  const picked = routes.filter((r) => new RegExp(process.env.FC_ROUTE ?? '').test(r.key));
  assert.ok(picked.length > 0, `FC_ROUTE=${process.env.FC_ROUTE} picks no route`);
  for (const r of picked) {
    const n = [...(counts.get(r.key)?.values() ?? [])].reduce((a, b) => a + b, 0);
    assert.ok(n >= RUNS, `${r.key}: ${n} requests, fewer than the ${RUNS} runs asked for`);
  }
  let total = 0;
  for (const [route, tally] of counts) {
    const n = [...tally.values()].reduce((a, b) => a + b, 0);
    total += n;
    const statuses = [...tally].sort(([a], [b]) => a - b).map(([s, c]) => `${s}×${c}`);
    t.diagnostic(`${String(n).padStart(5)}  ${route}  (${statuses.join(' ')})`);
  }
  t.diagnostic(
    `${total} generated requests over ${counts.size} routes (${RUNS} runs per route, plus shrinking)`,
  );
  const logs = vault.logs.join('');
  assert.ok(vault.logs.length > 100, 'the vault logged the requests');
  for (const s of allSecrets())
    assert.ok(!logs.includes(s), `secret ${s.slice(0, 10)}… found in the logs`);
  // FIXED (found by this test): src/db/errors.ts loggableError() keys on err.name === 'DrizzleQueryError', but drizzle's
  // DrizzleQueryError never sets `name` ('Error'), so every failed query is logged whole: its message
  // and `params` carry the SQL parameters (user input, API key hashes, ciphertexts, secrets' last4).
  const leaky = vault.logs.find((l) => l.includes('\\nparams: ') || l.includes('"params":['));
  assert.equal(leaky, undefined, `a log line carries SQL parameters: ${leaky?.slice(0, 400)}`);
});
