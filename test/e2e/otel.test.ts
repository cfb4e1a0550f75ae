import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { newApiKey } from '../../src/features/api-keys/secrets.ts';
import { openTestDatabase } from '../helpers/database.ts';
import { atlassianConfig } from '../helpers/fixtures.ts';
import { startOtlpReceiver } from '../helpers/otlp-receiver.ts';
import { spawnVault } from '../helpers/process.ts';

/**
 * Traces from the compiled vault as `npm start` runs it (docs/operations.md#traces): the SDK loaded
 * from the bundle by its dynamic import, OTLP/HTTP protobuf (the default) to a real receiver, and
 * the batch flushed on SIGTERM; and no exporter at all when traces are not configured.
 */
async function vaultEnv(t: TestContext, otel: Record<string, string>) {
  const env: Record<string, string> = {
    DATA_DIR: mkdtempSync(join(tmpdir(), 'cv-otel-')),
    VAULT_BOOTSTRAP_ADMIN_KEY: newApiKey().token,
    ...otel,
  };
  if (process.env.TEST_DATABASE_URL) {
    const pg = await openTestDatabase();
    await pg.database.close();
    env.DATABASE_URL = pg.url!;
    t.after(() => pg.drop());
  }
  return env;
}

test('a vault process sends its spans as OTLP protobuf and flushes them on SIGTERM', async (t) => {
  const rx = await startOtlpReceiver();
  t.after(() => rx.close());
  const env = await vaultEnv(t, {
    OTEL_EXPORTER_OTLP_ENDPOINT: rx.url,
    OTEL_SERVICE_NAME: 'cv-e2e',
    // Nothing is sent on a timer during the test: what arrives, the shutdown flushed.
    OTEL_BSP_SCHEDULE_DELAY: '600000',
  });
  const vault = await spawnVault(env);
  t.after(() => vault.stop('SIGKILL'));
  const [ready] = await vault.waitFor(/.*credential-vault ready.*/);
  assert.equal(JSON.parse(ready).traces_url, `${rx.url}/v1/traces`);
  const key = env.VAULT_BOOTSTRAP_ADMIN_KEY!;
  const body = atlassianConfig();
  const trace = '0af7651916cd43dd8448eb211c80319c';
  const res = await fetch(`${vault.url}/v1/auth-configs`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${key}`,
      'content-type': 'application/json',
      traceparent: `00-${trace}-b7ad6b7169203331-01`,
    },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 201);
  assert.equal(rx.bodies.length, 0, 'nothing sent before the batch is due');
  assert.equal(await vault.stop('SIGTERM'), 0);

  assert.ok(rx.bodies.length >= 1, 'the shutdown flushed the batch');
  assert.ok(rx.bodies.every((b) => b.contentType === 'application/x-protobuf'));
  const raw = Buffer.concat(rx.bodies.map((b) => b.raw));
  const text = raw.toString('utf8');
  assert.ok(text.includes('POST /v1/auth-configs'), 'the route span arrived');
  assert.ok(text.includes('cv-e2e'), 'named by OTEL_SERVICE_NAME');
  assert.ok(raw.includes(Buffer.from(trace, 'hex')), "in the caller's trace");
  for (const secret of [key, body.client_secret])
    assert.ok(!text.includes(secret), 'no secret is exported');
});

test('without OTEL settings, or with them disabled, nothing is exported', async (t) => {
  const rx = await startOtlpReceiver();
  t.after(() => rx.close());
  const cases: Record<string, string>[] = [
    {},
    { OTEL_EXPORTER_OTLP_ENDPOINT: rx.url, OTEL_SDK_DISABLED: 'true' },
    { OTEL_EXPORTER_OTLP_ENDPOINT: rx.url, OTEL_TRACES_EXPORTER: 'none' },
  ];
  for (const otel of cases) {
    const env = await vaultEnv(t, { ...otel, OTEL_BSP_SCHEDULE_DELAY: '1' });
    const vault = await spawnVault(env);
    t.after(() => vault.stop('SIGKILL'));
    const [ready] = await vault.waitFor(/.*credential-vault ready.*/);
    assert.equal(JSON.parse(ready).traces_url, null, JSON.stringify(otel));
    const res = await fetch(`${vault.url}/v1/auth-configs`, {
      headers: { authorization: `Bearer ${env.VAULT_BOOTSTRAP_ADMIN_KEY}` },
    });
    assert.equal(res.status, 200);
    assert.equal(await vault.stop('SIGTERM'), 0);
  }
  assert.equal(rx.bodies.length + rx.other(), 0, 'the receiver heard nothing');
});

test('a collector that is down loses spans, never requests, and the vault says so', async (t) => {
  const rx = await startOtlpReceiver();
  const down = rx.url;
  await rx.close(); // nothing listens there any more
  const env = await vaultEnv(t, {
    OTEL_EXPORTER_OTLP_ENDPOINT: down,
    OTEL_BSP_SCHEDULE_DELAY: '50',
    OTEL_EXPORTER_OTLP_TIMEOUT: '500',
  });
  const vault = await spawnVault(env);
  t.after(() => vault.stop('SIGKILL'));
  await vault.waitFor(/credential-vault ready/);
  for (let i = 0; i < 5; i++) {
    const res = await fetch(`${vault.url}/v1/auth-configs`, {
      headers: { authorization: `Bearer ${env.VAULT_BOOTSTRAP_ADMIN_KEY}` },
    });
    assert.equal(res.status, 200);
  }
  const [line] = await vault.waitFor(/.*traces not exported.*/, 30_000);
  const logged = JSON.parse(line) as { traces_url: string; spans_lost: number };
  assert.equal(logged.traces_url, `${down}/v1/traces`);
  assert.ok(logged.spans_lost >= 1);
  assert.equal(await vault.stop('SIGTERM'), 0);
});
