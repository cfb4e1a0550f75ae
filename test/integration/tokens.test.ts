import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { manualClock } from '../../src/lib/clock.ts';
import { atlassianSetup, runFlow, startFlowFixture } from '../helpers/flow.ts';

const clock = manualClock();
let fx: Awaited<ReturnType<typeof startFlowFixture>>;
before(async () => {
  fx = await startFlowFixture({ clock });
});
after(() => fx.close());

/** A tenant with one ACTIVE Atlassian account, connected through the real flow. */
async function connected(over: Parameters<typeof atlassianSetup>[2] = {}, userId = 'alice') {
  const s = await atlassianSetup(fx.vault, fx.emu, over);
  const run = await runFlow(
    fx.vault,
    fx.emu,
    s.adminKey,
    { auth_config_id: s.configId, user_id: userId },
    { decision: 'approve', accountId: s.user.accountId },
  );
  return { ...s, accountId: run.accountId };
}

/** Does the Atlassian side accept this token for the site? */
async function jiraAccepts(token: string, cloudId: string) {
  const res = await fetch(`${fx.emu.url}/ex/jira/${cloudId}/rest/api/3/myself`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return res.status === 200;
}

describe('token endpoint', () => {
  test('returns the stored token with site and API base, no-store, without refreshing', async () => {
    const s = await connected();
    const before = fx.emu.counters().refreshes;
    const res = await fx.vault.call('POST', `/v1/auth-configs/${s.configId}/token`, s.adminKey, {});
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers['cache-control'], 'no-store');
    const t = res.body;
    assert.equal(t.connected_account_id, s.accountId);
    assert.equal(t.refreshed, false);
    assert.equal(t.token_type, 'Bearer');
    assert.equal(t.cloud_id, s.user.sites[0]!.id);
    assert.equal(t.site_url, s.user.sites[0]!.url);
    assert.equal(t.api_base_url, `${fx.emu.url}/ex/jira/${t.cloud_id}`);
    assert.ok(t.expires_in > 3000 && t.expires_in <= 3600);
    assert.ok(t.scopes.includes('read:jira-work'));
    assert.ok(await jiraAccepts(t.access_token, t.cloud_id));
    const again = await fx.vault.call(
      'POST',
      `/v1/connected-accounts/${s.accountId}/token`,
      s.adminKey,
      { min_ttl: 120 },
    );
    assert.equal(again.body.access_token, t.access_token);
    assert.equal(fx.emu.counters().refreshes, before);
  });

  test('a token that does not meet min_ttl is refreshed once, even for 50 concurrent callers', async () => {
    const s = await connected();
    const first = (await fx.vault.call('POST', `/v1/auth-configs/${s.configId}/token`, s.adminKey))
      .body;
    const before = fx.emu.counters().refreshes;
    clock.advance(3600 - 100); // 100 s of life left
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        fx.vault.call('POST', `/v1/auth-configs/${s.configId}/token`, s.adminKey, { min_ttl: 300 }),
      ),
    );
    assert.equal(fx.emu.counters().refreshes - before, 1);
    const tokens = new Set(results.map((r) => r.body.access_token));
    assert.equal(tokens.size, 1, 'every caller got the same fresh token');
    assert.notEqual([...tokens][0], first.access_token);
    assert.ok(results.every((r) => r.status === 200));
    assert.ok(results.some((r) => r.body.refreshed));
    assert.ok(await jiraAccepts([...tokens][0]!, first.cloud_id));
    const acct = (await fx.vault.call('GET', `/v1/connected-accounts/${s.accountId}`, s.adminKey))
      .body;
    assert.ok(acct.last_refreshed_at);
    assert.ok(new Date(acct.next_refresh_at) < new Date(acct.expires_at));
    assert.equal(acct.refresh_failures, 0);
  });

  test('min_ttl above 3300 is a 400; bodies are strict', async () => {
    const s = await connected();
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

  test('short-lived provider tokens are not refreshed on every call', async () => {
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
    const before = fx.emu.counters().refreshes;
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
    assert.equal(
      fx.emu.counters().refreshes,
      before,
      'a fresh 120 s token meets min_ttl 600 at half its life',
    );
    clock.advance(70);
    const c = await fx.vault.call(
      'POST',
      `/v1/connected-accounts/${run.accountId}/token`,
      s.adminKey,
      { min_ttl: 600 },
    );
    assert.equal(c.body.refreshed, true);
    assert.equal(fx.emu.counters().refreshes, before + 1);
  });

  test('account selection: user_id, connected_account_id, and 409 when ambiguous', async () => {
    const s = await connected({}, 'bob');
    const second = await runFlow(
      fx.vault,
      fx.emu,
      s.adminKey,
      { auth_config_id: s.configId, user_id: 'carol' },
      { decision: 'approve', accountId: s.user.accountId },
    );
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

  test('an account that is not ACTIVE answers 409 with its status and reason', async () => {
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
    await fx.vault.call('POST', `/v1/connected-accounts/${run.accountId}/disable`, s.adminKey);
    const dis = await fx.vault.call(
      'POST',
      `/v1/connected-accounts/${run.accountId}/token`,
      s.adminKey,
    );
    assert.equal(dis.body.connected_account_status, 'DISABLED');
  });

  test('service keys are limited to their configs; other tenants get 404; audit records issuance without the token', async () => {
    const s = await connected();
    const other = await connected();
    const scoped = (
      await fx.vault.call('POST', '/v1/api-keys', s.adminKey, {
        name: 'svc',
        role: 'service',
        auth_config_ids: [s.configId],
      })
    ).body.key;
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
    const denied = await fx.vault.call('POST', `/v1/auth-configs/${s2.body.id}/token`, scoped);
    assert.equal(denied.status, 403);
    assert.equal(
      (await fx.vault.call('POST', `/v1/auth-configs/${other.configId}/token`, s.adminKey)).status,
      404,
    );
    assert.equal(
      (await fx.vault.call('POST', `/v1/connected-accounts/${other.accountId}/token`, scoped))
        .status,
      404,
    );
    await fx.vault.call('POST', `/v1/auth-configs/${s.configId}/disable`, s.adminKey);
    assert.equal(
      (await fx.vault.call('POST', `/v1/auth-configs/${s.configId}/token`, scoped)).body.code,
      'auth_config_disabled',
    );

    await fx.vault.deps.services.audit.flush();
    const r = await fx.vault.deps.database.db.execute(
      sql`select * from audit_events where resource_id = ${s.accountId} and action = 'token.issued'`,
    );
    const rows = (r as unknown as { rows: Record<string, unknown>[] }).rows;
    assert.equal(rows.length, 2);
    assert.ok(
      rows.every(
        (x) => typeof x.actor_key_id === 'string' && (x.actor_key_id as string).startsWith('key_'),
      ),
    );
    assert.ok(!JSON.stringify(rows).includes(ok.body.access_token));
  });
});
