// Traces (docs/operations.md#traces): the SDK registered in this test process, exporting OTLP/HTTP
// JSON to a real receiver of the test's own; a vault, the emulator and a webhook receiver. What
// arrives is decoded, its span tree checked, and every byte of it searched for secrets.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test, type TestContext } from 'node:test';
import { startTracing } from '../../src/lib/tracing-sdk.ts';
import { tracingSettings } from '../../src/lib/tracing-config.ts';
import { accountField } from '../../src/schemes/sealed.ts';
import { atlassianSetup, runFlow } from '../helpers/flow.ts';
import { startOtlpReceiver, type OtlpSpan } from '../helpers/otlp-receiver.ts';
import { ownFlowFixture } from '../helpers/own-fixture.ts';

let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
let tracing: Awaited<ReturnType<typeof startTracing>>;

before(async () => {
  receiver = await startOtlpReceiver();
  // As an operator sets it; the SDK reads the endpoint from the environment when it is loaded.
  const env = {
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_SERVICE_NAME: 'vault-under-test',
  };
  Object.assign(process.env, env);
  tracing = await startTracing(tracingSettings(env), 'test');
});
after(async () => {
  await tracing.shutdown();
  await receiver.close();
});

/** A webhook receiver that answers 204 and keeps the traceparent each delivery carried. */
async function traceparentReceiver(t: TestContext) {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      seen.push(String(req.headers.traceparent ?? ''));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => server.close(() => r())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, seen };
}

const parentOf = (spans: OtlpSpan[], s: OtlpSpan) =>
  spans.find((p) => p.spanId === s.parentSpanId && p.traceId === s.traceId);
const childrenOf = (spans: OtlpSpan[], s: OtlpSpan) =>
  spans.filter((c) => c.parentSpanId === s.spanId && c.traceId === s.traceId);
/** The one child of `s` named `name` (an HTTP client span is named by its method). */
function child(spans: OtlpSpan[], s: OtlpSpan, name: string): OtlpSpan {
  const found = childrenOf(spans, s).filter((c) => c.name === name);
  assert.equal(
    found.length,
    1,
    `${s.name} has one child ${name} (has ${childrenOf(spans, s).map((c) => c.name)})`,
  );
  return found[0]!;
}
const SERVER = 2;
const CLIENT = 3;

test('the token path, connect, refresh, the proxy and webhooks are traced, and no secret leaves', async (t) => {
  const fx = await ownFlowFixture(t, { env: { ALLOW_PRIVATE_EGRESS: 'true' } });
  const { vault, emu, clock } = fx;
  const s = await atlassianSetup(vault, emu);
  const hook = await traceparentReceiver(t);
  const ep = await vault.call('POST', '/v1/webhook-endpoints', s.adminKey, { url: hook.url });
  assert.equal(ep.status, 201, ep.text);

  // Connect through the emulator: link → consent → callback (code exchange, discovery).
  const run = await runFlow(vault, emu, s.adminKey, { auth_config_id: s.configId, user_id: 'u1' });
  assert.equal(run.final.status, 200, run.final.text);
  const callback = new URL(run.callbackUrl!);
  const code = callback.searchParams.get('code')!;
  const state = callback.searchParams.get('state')!;
  const linkToken = new URL(run.created.body.redirect_url).pathname.split('/').pop()!;
  const id = run.accountId;
  const stored = async () => {
    const row = await vault.deps.services.accounts.get(s.tenantId, id);
    const open = vault.deps.services.dataKeys.decrypt;
    return [
      await open(accountField(s.tenantId, id, 'access_token'), row.accessTokenEnc!),
      await open(accountField(s.tenantId, id, 'refresh_token'), row.refreshTokenEnc!),
    ];
  };
  const secrets = [
    s.clientSecret,
    s.adminKey,
    vault.operatorKey,
    code,
    state,
    linkToken,
    ep.body.secret,
  ];
  secrets.push(...(await stored()));

  // A cached token, then one that must be refreshed first (on demand), under a caller's trace.
  const tokenPath = `/v1/auth-configs/${s.configId}/token`;
  const cached = await vault.call('POST', tokenPath, s.adminKey, {});
  assert.equal(cached.status, 200, cached.text);
  clock.advance(600);
  const callerTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
  const callerSpan = '00f067aa0ba902b7';
  const refreshed = await vault.call(
    'POST',
    tokenPath,
    s.adminKey,
    { min_ttl: 3300 },
    { traceparent: `00-${callerTrace}-${callerSpan}-01` },
  );
  assert.equal(refreshed.status, 200, refreshed.text);
  assert.equal(refreshed.body.refreshed, true);
  secrets.push(...(await stored()));

  // The worker refreshes the account when it is due.
  clock.advance(3500);
  const tick = await vault.deps.services.worker.tick();
  assert.equal(tick.refreshed, 1);
  secrets.push(...(await stored()));

  // A proxied call (over real HTTP: the proxy streams the request as it arrives).
  const base = await vault.app.listen({ host: '127.0.0.1', port: 0 });
  const proxied = await fetch(
    `${base}/v1/connected-accounts/${id}/proxy/jira/rest/api/3/myself?expand=secret-in-query`,
    { headers: { authorization: `Bearer ${s.adminKey}` } },
  );
  assert.equal(proxied.status, 200, await proxied.text());
  const upstream = emu.requests(1)[0]!;

  // The lifecycle events go out to the endpoint.
  const delivered = await vault.deps.services.webhooks.tick();
  assert.ok(delivered.delivered >= 1, JSON.stringify(delivered));
  const missing = await vault.call(
    'POST',
    `/v1/connected-accounts/ca_00000000000000000000000000/token`,
    s.adminKey,
    {},
  );
  assert.equal(missing.status, 404);

  await tracing.flush();
  const spans = receiver.spans;
  const named = (name: string) => spans.filter((x) => x.name === name);

  // Connect: the link's redirect, then the callback with the code exchange and discovery.
  const authorize = named('connect.authorize').at(-1)!;
  assert.equal(parentOf(spans, authorize)?.name, 'GET /v1/connect/:token');
  assert.equal(authorize.attributes['cv.outcome'], 'redirect');
  assert.equal(authorize.attributes['cv.connected_account_id'], id);
  assert.equal(authorize.attributes['cv.auth_config_id'], s.configId);
  const cb = named('connect.callback').at(-1)!;
  const cbRoute = parentOf(spans, cb)!;
  assert.equal(cbRoute.name, 'GET /v1/oauth/callback/:auth_config_id');
  assert.equal(cbRoute.kind, SERVER);
  assert.equal(cbRoute.attributes['http.response.status_code'], 200);
  assert.deepEqual(
    [
      cb.attributes['cv.outcome'],
      cb.attributes['cv.tenant_id'],
      cb.attributes['cv.connected_account_id'],
    ],
    ['ok', s.tenantId, id],
  );
  const exchange = child(spans, cb, 'connect.code_exchange');
  assert.equal(child(spans, exchange, 'POST').kind, CLIENT);
  const discovery = child(spans, cb, 'connect.discovery');
  assert.equal(discovery.attributes['cv.sites'], 1);
  assert.ok(childrenOf(spans, discovery).every((c) => c.kind === CLIENT && c.name === 'GET'));

  // The token path: route span → token.read → token.refresh → refresh.account → provider call,
  // in the caller's trace.
  const routes = named(`POST /v1/auth-configs/:id/token`);
  assert.equal(routes.length, 2);
  const [first, second] = routes;
  assert.equal(child(spans, first!, 'token.read').attributes['cv.outcome'], 'ok');
  assert.equal(second!.traceId, callerTrace);
  assert.equal(second!.parentSpanId, callerSpan);
  assert.deepEqual(
    [
      second!.attributes['http.route'],
      second!.attributes['cv.tenant_id'],
      second!.attributes['cv.auth_config_id'],
    ],
    ['/v1/auth-configs/:id/token', s.tenantId, s.configId],
  );
  const read = child(spans, second!, 'token.read');
  assert.deepEqual(
    [
      read.attributes['cv.outcome'],
      read.attributes['cv.connected_account_id'],
      read.attributes['cv.auth_config_id'],
    ],
    ['refreshed', id, s.configId],
  );
  const onDemand = child(spans, child(spans, read, 'token.refresh'), 'refresh.account');
  assert.equal(onDemand.attributes['cv.outcome'], 'refreshed');
  const tokenCall = child(spans, onDemand, 'POST');
  assert.equal(tokenCall.attributes['url.full'], `${emu.url}/oauth/token`);
  assert.equal(tokenCall.attributes['http.response.status_code'], 200);

  // The worker: tick → refresh.account → provider call.
  const ticks = named('refresh.tick').filter((x) => x.attributes['cv.refreshed'] === 1);
  assert.equal(ticks.length, 1);
  const byWorker = child(spans, ticks[0]!, 'refresh.account');
  assert.deepEqual(
    [byWorker.attributes['cv.outcome'], byWorker.attributes['cv.connected_account_id']],
    ['refreshed', id],
  );
  child(spans, byWorker, 'POST');

  // The proxy: inbound route span → proxy.upstream → the provider call, whose traceparent the
  // provider received; the caller's query string is in no attribute.
  const inbound = named('GET /v1/connected-accounts/:id/proxy/*')[0]!;
  const up = child(spans, inbound, 'proxy.upstream');
  assert.deepEqual(
    [up.attributes['cv.outcome'], up.attributes['http.response.status_code']],
    ['ok', 200],
  );
  const upCall = child(spans, up, 'GET');
  assert.match(
    String(upstream.headers.traceparent),
    new RegExp(`^00-${upCall.traceId}-${upCall.spanId}-01$`),
  );
  assert.doesNotMatch(String(upCall.attributes['url.full']), /\?/);
  assert.equal(upCall.attributes['url.query'], '[redacted]');

  // Webhooks: one span per delivery, its POST a child, the receiver given the trace.
  const deliveries = named('webhook.deliver');
  assert.ok(deliveries.length >= 1);
  for (const d of deliveries) {
    assert.deepEqual(
      [d.attributes['cv.outcome'], d.attributes['cv.tenant_id']],
      ['delivered', s.tenantId],
    );
    const post = child(spans, d, 'POST');
    assert.ok(
      hook.seen.includes(`00-${post.traceId}-${post.spanId}-01`),
      'the receiver got the trace',
    );
  }

  // An error's outcome is its code, on the route span and the operation's.
  const notFound = named('POST /v1/connected-accounts/:id/token')[0]!;
  assert.deepEqual(
    [notFound.attributes['cv.outcome'], notFound.attributes['http.response.status_code']],
    ['connected_account_not_found', 404],
  );
  assert.equal(
    child(spans, notFound, 'token.read').attributes['cv.outcome'],
    'connected_account_not_found',
  );

  // The resource names the service as configured.
  assert.ok(receiver.resources.every((r) => r['service.name'] === 'vault-under-test'));

  // No secret in any attribute, event or resource of any span: every byte that arrived is searched.
  const text = receiver.allText();
  assert.ok(text.includes('token.read'));
  for (const secret of secrets) {
    assert.ok(secret && secret.length >= 8, 'a real secret is searched for');
    assert.ok(!text.includes(secret), `a secret (${secret.slice(0, 4)}…) was exported`);
  }
  assert.ok(!text.includes('secret-in-query'), 'a query string was exported');
  assert.ok(!/authorization|cookie/i.test(text), 'a header was exported');
});

test("a refresh the provider refuses is traced with the failure's code, on every span of the path", async (t) => {
  const fx = await ownFlowFixture(t);
  const s = await atlassianSetup(fx.vault, fx.emu);
  const run = await runFlow(fx.vault, fx.emu, s.adminKey, {
    auth_config_id: s.configId,
    user_id: 'u2',
  });
  assert.equal(run.final.status, 200, run.final.text);
  fx.clock.advance(3500);
  fx.emu.setFaults({ target: 'token', status: 503 });
  const res = await fx.vault.call(
    'POST',
    `/v1/connected-accounts/${run.accountId}/token`,
    s.adminKey,
    { min_ttl: 300 },
  );
  fx.emu.clearFaults();
  assert.equal(res.status, 503, res.text);
  assert.equal(res.body.code, 'provider_unavailable');

  await tracing.flush();
  const spans = receiver.spans;
  const route = spans.find(
    (x) =>
      x.name === 'POST /v1/connected-accounts/:id/token' &&
      x.attributes['cv.connected_account_id'] === run.accountId,
  )!;
  assert.deepEqual(
    [
      route.attributes['cv.outcome'],
      route.attributes['http.response.status_code'],
      route.status?.code,
    ],
    ['provider_unavailable', 503, 2],
  );
  const read = child(spans, route, 'token.read');
  const refresh = child(spans, read, 'token.refresh');
  const account = child(spans, refresh, 'refresh.account');
  assert.deepEqual(
    [read, refresh, account].map((x) => x.attributes['cv.outcome']),
    ['provider_unavailable', 'provider_unavailable', 'provider_unavailable'],
  );
  const call = child(spans, account, 'POST');
  assert.equal(call.attributes['http.response.status_code'], 503);
});
