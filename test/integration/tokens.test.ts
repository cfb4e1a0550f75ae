import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { atlassianSetup, runFlow } from '../helpers/flow.ts';
import { ownFlowFixture, refreshesPerFamily } from '../helpers/own-fixture.ts';

// Every test owns its vault, emulator and clock (ownFlowFixture): the emulator's counters and the
// clock's jumps are that test's alone.
type Fx = Awaited<ReturnType<typeof ownFlowFixture>>;

/** A tenant with one ACTIVE Atlassian account, connected through the real flow. */
async function connected(
  fx: Fx,
  over: Parameters<typeof atlassianSetup>[2] = {},
  userId = 'alice',
) {
  const s = await atlassianSetup(fx.vault, fx.emu, over);
  const run = await runFlow(
    fx.vault,
    fx.emu,
    s.adminKey,
    { auth_config_id: s.configId, user_id: userId },
    { decision: 'approve', accountId: s.user.accountId },
  );
  assert.equal(run.final.status, 200, `connect flow: ${run.final.text}`);
  return { ...s, accountId: run.accountId };
}

/** Does the Atlassian side accept this token for the site? */
async function jiraAccepts(fx: Fx, token: string, cloudId: string) {
  const res = await fetch(`${fx.emu.url}/ex/jira/${cloudId}/rest/api/3/myself`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return res.status === 200;
}

describe('token endpoint', () => {
  test('returns the stored token with site and API base, no-store, without refreshing', async (t) => {
    const fx = await ownFlowFixture(t);
    const s = await connected(fx);
    assert.equal(fx.emu.counters().codeExchanges, 1);
    const res = await fx.vault.call('POST', `/v1/auth-configs/${s.configId}/token`, s.adminKey, {});
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers['cache-control'], 'no-store');
    const tok = res.body;
    assert.equal(tok.connected_account_id, s.accountId);
    assert.equal(tok.refreshed, false);
    assert.equal(tok.token_type, 'Bearer');
    assert.equal(tok.cloud_id, s.user.sites[0]!.id);
    assert.equal(tok.site_url, s.user.sites[0]!.url);
    assert.equal(tok.api_base_url, `${fx.emu.url}/ex/jira/${tok.cloud_id}`);
    assert.ok(tok.expires_in > 3000 && tok.expires_in <= 3600);
    assert.ok(tok.scopes.includes('read:jira-work'));
    assert.ok(await jiraAccepts(fx, tok.access_token, tok.cloud_id));
    const again = await fx.vault.call(
      'POST',
      `/v1/connected-accounts/${s.accountId}/token`,
      s.adminKey,
      { min_ttl: 120 },
    );
    assert.equal(again.status, 200, again.text);
    assert.equal(again.body.refreshed, false);
    assert.equal(again.body.access_token, tok.access_token);
    assert.equal(fx.emu.counters().refreshes, 0, 'neither call refreshed');
    assert.equal(
      fx.emu.counters().tokenRequests,
      1,
      'the code exchange was the only token request',
    );
  });

  test('a token that does not meet min_ttl is refreshed once, even for 50 concurrent callers', async (t) => {
    const fx = await ownFlowFixture(t);
    const s = await connected(fx);
    const first = (await fx.vault.call('POST', `/v1/auth-configs/${s.configId}/token`, s.adminKey))
      .body;
    assert.equal(first.refreshed, false);
    assert.equal(fx.emu.counters().refreshes, 0);
    fx.clock.advance(3600 - 100); // 100 s of life left
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        fx.vault.call('POST', `/v1/auth-configs/${s.configId}/token`, s.adminKey, { min_ttl: 300 }),
      ),
    );
    assert.deepEqual(refreshesPerFamily(fx.emu), [1], "one refresh, of this account's family");
    const tokens = new Set(results.map((r) => r.body.access_token));
    assert.equal(tokens.size, 1, 'every caller got the same fresh token');
    assert.notEqual([...tokens][0], first.access_token);
    assert.ok(results.every((r) => r.status === 200));
    assert.ok(results.some((r) => r.body.refreshed));
    assert.ok(await jiraAccepts(fx, [...tokens][0]!, first.cloud_id));
    const acct = (await fx.vault.call('GET', `/v1/connected-accounts/${s.accountId}`, s.adminKey))
      .body;
    assert.ok(acct.last_refreshed_at);
    assert.ok(new Date(acct.next_refresh_at) < new Date(acct.expires_at));
    assert.equal(acct.refresh_failures, 0);
  });

  test('min_ttl above 3300 is a 400; bodies are strict', async (t) => {
    const fx = await ownFlowFixture(t);
    const s = await connected(fx);
    const res = await fx.vault.call('POST', `/v1/auth-configs/${s.configId}/token`, s.adminKey, {
      min_ttl: 3301,
    });
    assert.equal(res.status, 400);
    assert.match(res.body.detail, /body\.min_ttl/);
    assert.equal(
      (
        await fx.vault.call('POST', `/v1/auth-configs/${s.configId}/token`, s.adminKey, {
          user: 'x',
        })
      ).status,
      400,
    );
  });

  test('short-lived provider tokens are not refreshed on every call', async (t) => {
    const fx = await ownFlowFixture(t);
    const s = await atlassianSetup(fx.vault, fx.emu);
    fx.emu.addApp({
      clientId: `${s.clientId}`,
      clientSecret: s.clientSecret,
      name: 'short',
      callbackUrl: s.callbackUrl,
      scopes: ['read:jira-work', 'read:jira-user'],
      accessTokenTtlSeconds: 120,
    });
    const run = await runFlow(
      fx.vault,
      fx.emu,
      s.adminKey,
      { auth_config_id: s.configId, user_id: 'shorty' },
      { decision: 'approve', accountId: s.user.accountId },
    );
    assert.equal(run.final.status, 200, run.final.text);
    const a = await fx.vault.call(
      'POST',
      `/v1/connected-accounts/${run.accountId}/token`,
      s.adminKey,
      { min_ttl: 600 },
    );
    const b = await fx.vault.call(
      'POST',
      `/v1/connected-accounts/${run.accountId}/token`,
      s.adminKey,
      { min_ttl: 600 },
    );
    assert.equal(a.status, 200);
    assert.ok(a.body.expires_in <= 120);
    assert.equal(b.body.access_token, a.body.access_token);
    assert.equal(a.body.refreshed, false);
    assert.equal(
      fx.emu.counters().refreshes,
      0,
      'a fresh 120 s token meets min_ttl 600 at half its life',
    );
    fx.clock.advance(70);
    const c = await fx.vault.call(
      'POST',
      `/v1/connected-accounts/${run.accountId}/token`,
      s.adminKey,
      { min_ttl: 600 },
    );
    assert.equal(c.status, 200, c.text);
    assert.equal(c.body.refreshed, true);
    assert.notEqual(c.body.access_token, a.body.access_token);
    assert.deepEqual(refreshesPerFamily(fx.emu), [1]);
  });

  test('account selection: user_id, connected_account_id, and 409 when ambiguous', async (t) => {
    const fx = await ownFlowFixture(t);
    const s = await connected(fx, {}, 'bob');
    const second = await runFlow(
      fx.vault,
      fx.emu,
      s.adminKey,
      { auth_config_id: s.configId, user_id: 'carol' },
      { decision: 'approve', accountId: s.user.accountId },
    );
    assert.equal(second.final.status, 200, second.final.text);
    const amb = await fx.vault.call('POST', `/v1/auth-configs/${s.configId}/token`, s.adminKey, {});
    assert.equal(amb.status, 409);
    assert.equal(amb.body.code, 'connected_account_ambiguous');
    assert.deepEqual(
      [...amb.body.connected_account_ids].sort(),
      [s.accountId, second.accountId].sort(),
    );
    assert.equal(
      (
        await fx.vault.call('POST', `/v1/auth-configs/${s.configId}/token`, s.adminKey, {
          user_id: 'carol',
        })
      ).body.connected_account_id,
      second.accountId,
    );
    assert.equal(
      (
        await fx.vault.call('POST', `/v1/auth-configs/${s.configId}/token`, s.adminKey, {
          connected_account_id: s.accountId,
        })
      ).body.connected_account_id,
      s.accountId,
    );
    const nobody = await fx.vault.call('POST', `/v1/auth-configs/${s.configId}/token`, s.adminKey, {
      user_id: 'nobody',
    });
    assert.equal(nobody.status, 404);
    assert.equal(nobody.body.code, 'connected_account_not_found');
  });

  test('an account that is not ACTIVE answers 409 with its status and reason', async (t) => {
    const fx = await ownFlowFixture(t);
    const s = await atlassianSetup(fx.vault, fx.emu);
    const run = await runFlow(
      fx.vault,
      fx.emu,
      s.adminKey,
      { auth_config_id: s.configId, user_id: 'dan' },
      { decision: 'deny', accountId: s.user.accountId },
    );
    const res = await fx.vault.call('POST', `/v1/auth-configs/${s.configId}/token`, s.adminKey, {
      user_id: 'dan',
    });
    assert.equal(res.status, 409);
    assert.equal(res.body.code, 'connected_account_not_active');
    assert.deepEqual(
      [res.body.connected_account_status, res.body.status_reason],
      ['FAILED', 'user_denied'],
    );
    assert.ok(!('access_token' in res.body));
    const disabled = await fx.vault.call(
      'POST',
      `/v1/connected-accounts/${run.accountId}/disable`,
      s.adminKey,
    );
    assert.equal(disabled.status, 200, disabled.text);
    const dis = await fx.vault.call(
      'POST',
      `/v1/connected-accounts/${run.accountId}/token`,
      s.adminKey,
    );
    assert.deepEqual([dis.status, dis.body.code], [409, 'connected_account_not_active']);
    assert.equal(dis.body.connected_account_status, 'DISABLED');
  });

  test('service keys are limited to their configs; other tenants get 404; audit records issuance without the token', async (t) => {
    const fx = await ownFlowFixture(t);
    const s = await connected(fx);
    const other = await connected(fx);
    const svc = await fx.vault.call('POST', '/v1/api-keys', s.adminKey, {
      name: 'svc',
      role: 'service',
      auth_config_ids: [s.configId],
    });
    assert.equal(svc.status, 201, svc.text);
    const scoped = svc.body.key;
    const ok = await fx.vault.call('POST', `/v1/auth-configs/${s.configId}/token`, scoped);
    assert.equal(ok.status, 200);
    assert.equal(
      (await fx.vault.call('POST', `/v1/connected-accounts/${s.accountId}/token`, scoped)).status,
      200,
    );
    const s2 = await fx.vault.call('POST', '/v1/auth-configs', s.adminKey, {
      name: 'second',
      provider: 'atlassian',
      client_id: 'x',
      client_secret: 'y',
      scopes: ['read:jira-work'],
    });
    assert.equal(s2.status, 201, s2.text);
    const denied = await fx.vault.call('POST', `/v1/auth-configs/${s2.body.id}/token`, scoped);
    assert.deepEqual([denied.status, denied.body.code], [403, 'forbidden']);
    assert.equal(
      (await fx.vault.call('POST', `/v1/auth-configs/${other.configId}/token`, s.adminKey)).status,
      404,
    );
    assert.equal(
      (await fx.vault.call('POST', `/v1/connected-accounts/${other.accountId}/token`, scoped))
        .status,
      404,
    );
    assert.equal(
      (await fx.vault.call('POST', `/v1/auth-configs/${s.configId}/disable`, s.adminKey)).status,
      200,
    );
    const off = await fx.vault.call('POST', `/v1/auth-configs/${s.configId}/token`, scoped);
    assert.deepEqual([off.status, off.body.code], [409, 'auth_config_disabled']);

    await fx.vault.deps.services.auditWriter.flush();
    const r = await fx.vault.deps.database.db.execute(
      sql`select * from audit_events where resource_id = ${s.accountId} and action = 'token.issued'`,
    );
    const rows = (r as unknown as { rows: Record<string, unknown>[] }).rows;
    // Both issuances (one key, one account, one minute) add up in one row.
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.count, 2);
    assert.ok(
      rows.every(
        (x) => typeof x.actor_key_id === 'string' && (x.actor_key_id as string).startsWith('key_'),
      ),
    );
    assert.ok(!JSON.stringify(rows).includes(ok.body.access_token));
  });
});
