// Property-based API fuzzing (issue: "property-based tests generated from the OpenAPI schemas"): for
// every route of the live OpenAPI document, fast-check derives requests from the route's body, path
// and query schemas (valid-ish values and malformed, oversized, unicode-heavy mutations) and sends
// them through the real app. Every response must be < 500, leak no recorded secret, and be
// problem+json when it is an error; a 4xx must leave every table exactly as it was.
// FC_SEED=<n> replays a run, FC_RUNS=<n> changes the runs per route.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { atlassianConfig } from '../helpers/fixtures.ts';
import { startTestVault, type Res } from '../helpers/vault.ts';
import {
  bodyArb,
  pathSegment,
  queryArb,
  requestIdArb,
  type IdPools,
  type JsonSchema,
  type Param,
  type Payload,
} from './arbitraries.ts';

const RUNS = Number(process.env.FC_RUNS ?? 100);
const SEED = process.env.FC_SEED ? Number(process.env.FC_SEED) : undefined;

const vault = await startTestVault();
after(() => vault.close());

const ok = (r: Res, what: string) => {
  if (r.status >= 300) throw new Error(`setup: ${what}: ${r.status} ${r.text}`);
  return r.body;
};
const tokenOf = (redirectUrl: string) => new URL(redirectUrl).pathname.split('/').pop()!;

/** A tenant with two auth configs, a service and a spare admin key, an account and a webhook. */
async function seedTenant() {
  const t = await vault.newTenant();
  const call = (path: string, body: object, what: string) =>
    vault.call('POST', path, t.adminKey, body).then((r) => ok(r, what));
  const cfgBody = atlassianConfig();
  const spareBody = atlassianConfig();
  const cfg = await call('/v1/auth-configs', cfgBody, 'config');
  const spare = await call('/v1/auth-configs', spareBody, 'spare config');
  const svc = await call('/v1/api-keys', { name: 'svc', role: 'service' }, 'service key');
  const spareKey = await call('/v1/api-keys', { name: 'spare', role: 'admin' }, 'spare key');
  const acct = await call(
    '/v1/connected-accounts',
    {
      auth_config_id: cfg.id,
      user_id: 'fuzz-user',
      return_url: 'https://app.example.com/connected',
    },
    'account',
  );
  const hook = await call('/v1/webhook-endpoints', { url: 'https://hooks.example.com/f' }, 'hook');
  const adminKeyId = `key_${t.adminKey.slice(4, 30)}`;
  return {
    ...t,
    svcKey: svc.key as string,
    token: tokenOf(acct.redirect_url),
    ids: {
      tn: [t.tenantId],
      ac: [cfg.id, spare.id],
      key: [adminKeyId, svc.id, spareKey.id],
      ca: [acct.id],
      we: [hook.id],
    } as Record<string, string[]>,
    secrets: [
      cfgBody.client_secret,
      spareBody.client_secret,
      hook.secret,
      hook.secret.slice(6),
    ].concat([t.adminKey, svc.key, spareKey.key].flatMap((k: string) => [k, k.slice(31)])),
  };
}
const A = await seedTenant();
const B = await seedTenant();
const adminKeyIdA = A.ids.key![0]!;
const secrets = [...A.secrets, ...B.secrets, vault.operatorKey, vault.operatorKey.slice(31)];
const pools: IdPools = {
  own: A.ids,
  foreign: B.ids,
  tokens: [A.token, B.token],
  sentSecrets: new Set(),
};
/** DELETE routes may revoke any of A's keys but the one the fuzzer drives with. */
const deletePools = (): IdPools => ({
  ...pools,
  own: { ...pools.own, key: pools.own.key!.filter((id) => id !== adminKeyIdA) },
});

// The routes, from the OpenAPI document the app serves.
interface Operation {
  security?: unknown[];
  parameters?: { name: string; in: string; schema: JsonSchema }[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
}
interface Route {
  key: string;
  method: string;
  path: string;
  public: boolean;
  body?: JsonSchema;
  path_params: Param[];
  query: Param[];
}
const doc = vault.app.swagger() as {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, JsonSchema> };
};
const resolve = (s: JsonSchema): JsonSchema =>
  s.$ref ? resolve(doc.components?.schemas?.[s.$ref.split('/').pop()!] ?? {}) : s;
const routes: Route[] = Object.entries(doc.paths)
  .flatMap(([path, ops]) =>
    Object.entries(ops).map(([m, op]) => ({
      key: `${m.toUpperCase()} ${path}`,
      method: m.toUpperCase(),
      path,
      public: !op.security?.length,
      body: op.requestBody?.content['application/json']?.schema,
      path_params: (op.parameters ?? []).filter((p) => p.in === 'path'),
      query: (op.parameters ?? []).filter((p) => p.in === 'query'),
    })),
  )
  // Destructive routes last (they may delete the real ids the others aim at), key revocation last of all.
  .sort((x, y) => rank(x) - rank(y));
function rank(r: Route) {
  return r.method !== 'DELETE' ? 0 : r.path.startsWith('/v1/api-keys') ? 2 : 1;
}

// Who calls: mostly A's admin key, sometimes A's service key, B's admin key, the operator, nobody,
// or a malformed header.
const authArb = (r: Route) => {
  const bearer = (name: string, key: string) => ({ name, header: `Bearer ${key}` });
  const k = A.adminKey;
  return fc.oneof(
    { weight: 14, arbitrary: fc.constant(bearer('admin A', k)) },
    { weight: 2, arbitrary: fc.constant(bearer('service A', A.svcKey)) },
    { weight: 2, arbitrary: fc.constant(bearer('admin B', B.adminKey)) },
    {
      weight: r.path.startsWith('/v1/tenants') ? 6 : 1,
      arbitrary: fc.constant(bearer('operator', vault.operatorKey)),
    },
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
  `${m} ${cut(r.url)} [${r.auth.name}] ${r.body.kind} ct=${r.body.contentType ?? '-'} body=${cut(String(r.body.payload ?? ''))}`;

function requestArb(route: Route) {
  const ctx = { resolve, pools: route.method === 'DELETE' ? deletePools() : pools };
  return fc
    .record({
      auth: authArb(route),
      segments: fc.tuple(
        ...route.path_params.map((p) => pathSegment(resolve(p.schema), ctx.pools)),
      ),
      query: fc.oneof(
        { weight: 3, arbitrary: fc.constant('') },
        { weight: 2, arbitrary: queryArb(route.query, ctx) },
      ),
      body: bodyArb(route.body && resolve(route.body), ctx),
      requestId: fc.option(requestIdArb, { freq: 4 }),
    })
    .map(({ segments, query, ...rest }): Req => {
      let i = 0;
      const req = { ...rest, url: route.path.replace(/\{[^}]+\}/g, () => segments[i++]!) + query };
      return Object.assign(req, { [fc.toStringMethod]: () => show(route.method, req) });
    });
}

// Every table's content (all tenants), hashed: a 4xx must not change any of it. The audit trail is
// left out (it records successful changes only, from a buffer).
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
];
const snapshotQuery = sql.raw(
  `select ${TABLES.map((t) => `(select md5(coalesce(string_agg(x::text, '|' order by x.id), '')) from ${t} x) as ${t}`).join(', ')}`,
);
const snapshot = async () =>
  (
    (await vault.deps.database.db.execute(snapshotQuery)) as unknown as {
      rows: Record<string, string>[];
    }
  ).rows[0]!;
let baseline = await snapshot();

const counts = new Map<string, Map<number, number>>();
const allSecrets = () => [...secrets, ...pools.sentSecrets];

function check(route: Route, r: Req, res: LightMyRequestResponse, before: object, after: object) {
  const where = `${show(route.method, r)}\n  -> ${res.statusCode} ${res.headers['content-type']} ${cut(res.body, 600)}`;
  assert.ok(res.statusCode < 500, `5xx: ${where}`);
  const seen = `${res.body}\n${JSON.stringify(res.headers)}`;
  for (const s of allSecrets())
    assert.ok(!seen.includes(s), `secret ${s.slice(0, 10)}… leaked: ${where}`);
  assert.ok(!/"refresh_token"\s*:/.test(res.body), `refresh_token in a response: ${where}`);
  if (/"access_token"\s*:/.test(res.body))
    assert.ok(
      route.path.endsWith('/token') && res.statusCode === 200,
      `access_token outside a token response: ${where}`,
    );
  if (res.statusCode >= 400) {
    const ct = String(res.headers['content-type'] ?? '');
    // The browser-facing connect routes answer their own failures with an HTML page.
    if (!(route.public && ct.startsWith('text/html'))) {
      assert.match(ct, /^application\/problem\+json/, `error is not problem+json: ${where}`);
      const p = JSON.parse(res.body) as Record<string, unknown>;
      assert.equal(typeof p.code, 'string', `no code: ${where}`);
      assert.equal(typeof p.request_id, 'string', `no request_id: ${where}`);
      assert.equal(p.status, res.statusCode, `status mismatch: ${where}`);
    }
    if (res.statusCode < 500)
      assert.deepEqual(after, before, `a ${res.statusCode} changed the database: ${where}`);
  }
}

for (const route of routes) {
  test(`fuzz ${route.key}`, async () => {
    const tally = counts.get(route.key) ?? new Map<number, number>();
    counts.set(route.key, tally);
    await fc.assert(
      fc.asyncProperty(requestArb(route), async (r) => {
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
        tally.set(res.statusCode, (tally.get(res.statusCode) ?? 0) + 1);
        // Fresh connect links (account creation, reconnect) feed the connect route's token pool.
        const link = /"redirect_url":"([^"]+)"/.exec(res.body)?.[1];
        if (res.statusCode < 300 && link) pools.tokens.push(tokenOf(link));
        check(route, r, res, before, baseline);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });
}

test('no recorded secret reached the logs; requests sent per route', (t) => {
  const logs = vault.logs.join('');
  assert.ok(vault.logs.length > 100, 'the vault logged the requests');
  for (const s of allSecrets())
    assert.ok(!logs.includes(s), `secret ${s.slice(0, 10)}… found in the logs`);
  let total = 0;
  for (const [route, tally] of counts) {
    const n = [...tally.values()].reduce((a, b) => a + b, 0);
    total += n;
    const statuses = [...tally].sort(([a], [b]) => a - b).map(([s, c]) => `${s}×${c}`);
    t.diagnostic(`${String(n).padStart(5)}  ${route}  (${statuses.join(' ')})`);
  }
  t.diagnostic(
    `${total} generated requests over ${counts.size} routes (${RUNS} runs each, plus shrinking)`,
  );
  assert.equal(counts.size, routes.length, 'every route was fuzzed');
});
