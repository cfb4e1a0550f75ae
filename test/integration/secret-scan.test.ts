// The secret scan (docs/house-rules.md#tests, docs/security.md): every secret the vault holds —
// each sealed value of each row (db/sealed-fields.ts), opened with the vault's own keys, and each
// API key — appears in clear in no table and no log line. The tables come from the database's
// catalog, so events, audit_events, the webhook tables and any table a later migration adds are
// scanned without being named.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SEALED_FIELDS } from '../../src/db/sealed-fields.ts';
import { allTables, databaseAsText, openedSecrets } from '../helpers/credentials.ts';
import { uniqueSecret } from '../helpers/fixtures.ts';
import { atlassianSetup, cookieJar, runFlow, visit } from '../helpers/flow.ts';
import { ownFlowFixture } from '../helpers/own-fixture.ts';
import { startWebhookReceiver } from '../helpers/webhook-receiver.ts';

/** An API key's secret part (`cvk_<26-char id>_<secret>`): the id is stored in clear, by design. */
const keySecret = (key: string) => /^cvk_[0-9a-z]{26}_(.+)$/.exec(key)![1]!;

test('no secret the vault holds is stored in clear in any table, nor logged', async (t) => {
  // The emulator's sites and the webhook receiver are on loopback addresses.
  const { vault, emu } = await ownFlowFixture(t, { env: { ALLOW_PRIVATE_EGRESS: 'true' } });
  const s = await atlassianSetup(vault, emu);

  // A webhook endpoint (its signing secret), so that every event below makes delivery rows.
  const rx = await startWebhookReceiver(t);
  const ep = await vault.call('POST', '/v1/webhook-endpoints', s.adminKey, { url: rx.url });
  assert.equal(ep.status, 201, ep.text);
  rx.setSecret(ep.body.secret);

  // A connected account (access and refresh tokens), and a token handed out (an audit event).
  const run = await runFlow(
    vault,
    emu,
    s.adminKey,
    { auth_config_id: s.configId, user_id: 'scan' },
    { decision: 'approve', accountId: s.user.accountId },
  );
  assert.equal(run.final.status, 200, run.final.text);
  const tok = await vault.call('POST', `/v1/connected-accounts/${run.accountId}/token`, s.adminKey);
  assert.equal(tok.status, 200, tok.text);

  // A connect link opened and left at the provider's consent page: a session with its PKCE verifier.
  const pending = await vault.call('POST', '/v1/connected-accounts', s.adminKey, {
    auth_config_id: s.configId,
    user_id: 'pending',
  });
  assert.equal(pending.status, 201, pending.text);
  assert.equal((await visit(vault, cookieJar(), pending.body.redirect_url)).status, 302);

  // The client secret rotated: the previous one is kept beside the new one.
  const rotated = await vault.call('PATCH', `/v1/auth-configs/${s.configId}`, s.adminKey, {
    client_secret: uniqueSecret(),
  });
  assert.equal(rotated.status, 200, rotated.text);

  // An API-token account (its credential), and a service key.
  const apiCfg = await vault.call('POST', '/v1/auth-configs', s.adminKey, {
    name: 'API tokens',
    provider: 'atlassian',
    auth_scheme: 'api_token',
    scopes: ['read:jira-work', 'read:jira-user'],
  });
  assert.equal(apiCfg.status, 201, apiCfg.text);
  const site = `scan-${s.user.accountId.slice(-6)}`;
  const tokenUser = emu.addUser({
    email: `scan-${site}@example.com`,
    name: 'Scan User',
    sites: [{ name: site, url: emu.siteUrl(site), products: ['jira'] }],
  });
  const apiToken = emu.addApiToken({ accountId: tokenUser.accountId, scoped: false });
  const apiAccount = await vault.call('POST', '/v1/connected-accounts', s.adminKey, {
    auth_config_id: apiCfg.body.id,
    user_id: 'scan-api',
    site_url: tokenUser.sites[0]!.url,
    credentials: { email: tokenUser.email, api_token: apiToken },
  });
  assert.equal(apiAccount.status, 201, apiAccount.text);
  const svc = await vault.call('POST', '/v1/api-keys', s.adminKey, {
    name: 'svc',
    role: 'service',
  });
  assert.equal(svc.status, 201, svc.text);

  await vault.deps.services.webhooks.tick();
  await vault.deps.services.auditWriter.flush(); // the token issuance counted above, written

  const secrets = await openedSecrets(vault);
  // The scan means something only if every kind of sealed value is there to look for …
  assert.deepEqual(
    [...new Set(secrets.map((x) => x.field))].sort(),
    Object.keys(SEALED_FIELDS).sort(),
    'a value of every sealed field',
  );
  assert.ok(secrets.some((x) => x.secret === ep.body.secret));
  assert.ok(secrets.some((x) => x.secret === apiToken));
  // … and the tables where a copy could hide hold this test's rows.
  const tables = await databaseAsText(vault);
  assert.deepEqual(Object.keys(tables), await allTables(vault));
  for (const table of ['events', 'audit_events', 'webhook_endpoints', 'webhook_deliveries']) {
    const text = tables[`public.${table}`];
    assert.ok(text !== undefined && text !== '[]', `${table} is scanned and holds rows`);
  }
  assert.ok(rx.received.length >= 1, 'a webhook was delivered');

  const everything = [
    ...secrets.map((x) => ({ what: `${x.field} of ${x.rowId}`, secret: x.secret })),
    ...[s.adminKey, svc.body.key as string, vault.operatorKey].map((key) => ({
      what: `API key ${key.slice(0, 12)}…`,
      secret: keySecret(key),
    })),
  ];
  const logs = vault.logs.join('');
  for (const { what, secret } of everything) {
    assert.ok(secret.length >= 16, `${what} is long enough to be unmistakable`);
    for (const [table, text] of Object.entries(tables)) {
      assert.ok(!text.includes(secret), `${what} in clear in ${table}`);
    }
    assert.ok(!logs.includes(secret), `${what} in the logs`);
  }
});
