import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  CALLBACK,
  RETURN_URL,
  atlassianSetup,
  cookieJar,
  pathOf,
  runFlow,
  visit,
} from '../helpers/flow.ts';
import { ownFlowFixture } from '../helpers/own-fixture.ts';

// Every test owns its vault, emulator and clock (ownFlowFixture): the clock jumps of the expiry
// tests and the emulator's faults and counters are that test's alone, so counts are exact.

const location = (r: { headers: Record<string, unknown> }) => new URL(String(r.headers.location));

describe('connect flow against the emulator', () => {
  test('approve: the account turns ACTIVE with its site, identity and scopes; no token is ever returned', async (t) => {
    const { vault, emu } = await ownFlowFixture(t);
    const s = await atlassianSetup(vault, emu);
    const run = await runFlow(
      vault,
      emu,
      s.adminKey,
      { auth_config_id: s.configId, user_id: 'u-1', return_url: RETURN_URL },
      { decision: 'approve', accountId: s.user.accountId },
    );
    assert.equal(run.created.body.status, 'INITIATED');
    const auth = new URL(run.authorizeUrl!);
    assert.equal(auth.searchParams.get('audience'), 'api.atlassian.com');
    assert.equal(auth.searchParams.get('prompt'), 'consent');
    assert.equal(auth.searchParams.get('redirect_uri'), `${CALLBACK}/${s.configId}`);
    assert.deepEqual(auth.searchParams.get('scope')!.split(' ').sort(), [
      'offline_access',
      'read:jira-user',
      'read:jira-work',
      'read:me',
    ]);

    assert.equal(run.final.status, 302);
    const back = location(run.final);
    assert.equal(`${back.origin}${back.pathname}`, RETURN_URL);
    assert.equal(back.searchParams.get('status'), 'success');
    assert.equal(back.searchParams.get('connected_account_id'), run.accountId);

    const acct = await vault.call('GET', `/v1/connected-accounts/${run.accountId}`, s.adminKey);
    assert.equal(acct.body.status, 'ACTIVE');
    assert.equal(acct.body.status_reason, null);
    assert.equal(acct.body.identity.account_id, s.user.accountId);
    assert.equal(acct.body.identity.email, s.user.email);
    assert.equal(acct.body.sites.length, 1);
    assert.equal(acct.body.selected_site.cloud_id, s.user.sites[0]!.id);
    assert.ok(acct.body.granted_scopes.includes('offline_access'));
    assert.ok(acct.body.family_expires_at > acct.body.connected_at);
    assert.equal(emu.counters().codeExchanges, 1);
    assert.equal(emu.counters().tokenRequests, 1, 'one code exchange, nothing else');
    assert.ok(!/access_token|refresh_token/.test(acct.text));
  });

  test('deny: FAILED with user_denied, and the user is sent back saying so', async (t) => {
    const { vault, emu } = await ownFlowFixture(t);
    const s = await atlassianSetup(vault, emu);
    const run = await runFlow(
      vault,
      emu,
      s.adminKey,
      { auth_config_id: s.configId, user_id: 'u-2', return_url: RETURN_URL },
      { decision: 'deny', accountId: s.user.accountId },
    );
    const back = location(run.final);
    assert.equal(back.searchParams.get('status'), 'error');
    assert.equal(back.searchParams.get('error'), 'user_denied');
    const acct = await vault.call('GET', `/v1/connected-accounts/${run.accountId}`, s.adminKey);
    assert.equal(acct.body.status, 'FAILED');
    assert.equal(acct.body.status_reason, 'user_denied');
  });

  test('without a return URL the flow ends on a small HTML result page', async (t) => {
    const { vault, emu } = await ownFlowFixture(t);
    const s = await atlassianSetup(vault, emu);
    const run = await runFlow(
      vault,
      emu,
      s.adminKey,
      { auth_config_id: s.configId, user_id: 'u-3' },
      { decision: 'approve', accountId: s.user.accountId },
    );
    assert.equal(run.final.status, 200);
    assert.match(String(run.final.headers['content-type']), /text\/html/);
    assert.match(run.final.text, /Account connected/);
    assert.match(String(run.final.headers['content-security-policy']), /default-src 'none'/);
  });

  test('the connect link is single-use, signed and expiring', async (t) => {
    const { vault, emu, clock } = await ownFlowFixture(t);
    const s = await atlassianSetup(vault, emu);
    const created = await vault.call('POST', '/v1/connected-accounts', s.adminKey, {
      auth_config_id: s.configId,
      user_id: 'u-4',
    });
    const link = pathOf(created.body.redirect_url);
    assert.equal((await vault.call('GET', link)).status, 302);
    const again = await vault.call('GET', link);
    assert.equal(again.status, 410);
    assert.match(again.text, /invalid, has expired or has already been used/);
    const forged = link.slice(0, -4) + (link.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    assert.equal((await vault.call('GET', forged)).status, 400);

    const stale = await vault.call('POST', '/v1/connected-accounts', s.adminKey, {
      auth_config_id: s.configId,
      user_id: 'u-4',
    });
    clock.advance(601);
    assert.equal((await vault.call('GET', pathOf(stale.body.redirect_url))).status, 400);
    const acct = await vault.call('GET', `/v1/connected-accounts/${stale.body.id}`, s.adminKey);
    assert.equal(acct.body.status, 'INITIATED', 'a stale link changes nothing');
  });

  test('an expired state fails the INITIATED account with state_expired, without a code exchange', async (t) => {
    const { vault, emu, clock } = await ownFlowFixture(t);
    const s = await atlassianSetup(vault, emu);
    const created = await vault.call('POST', '/v1/connected-accounts', s.adminKey, {
      auth_config_id: s.configId,
      user_id: 'u-5',
      return_url: RETURN_URL,
    });
    const jar = cookieJar();
    const opened = await visit(vault, jar, created.body.redirect_url);
    const decided = await emu.consent({
      authorizeUrl: String(opened.headers.location),
      accountId: s.user.accountId,
      decision: 'approve',
    });
    assert.ok(decided.location, 'the emulator approved');
    clock.advance(601);
    const res = await visit(vault, jar, decided.location!);
    assert.equal(location(res).searchParams.get('error'), 'state_expired');
    assert.equal(emu.counters().tokenRequests, 0, 'the code was never sent to the provider');
    const acct = await vault.call('GET', `/v1/connected-accounts/${created.body.id}`, s.adminKey);
    assert.deepEqual([acct.body.status, acct.body.status_reason], ['FAILED', 'state_expired']);
  });

  test('a replayed or forged state changes nothing: no exchange, no status change', async (t) => {
    const { vault, emu } = await ownFlowFixture(t);
    const s = await atlassianSetup(vault, emu);
    const run = await runFlow(
      vault,
      emu,
      s.adminKey,
      { auth_config_id: s.configId, user_id: 'u-6', return_url: RETURN_URL },
      { decision: 'approve', accountId: s.user.accountId },
    );
    const before = (await vault.call('GET', `/v1/connected-accounts/${run.accountId}`, s.adminKey))
      .body;
    assert.equal(run.final.status, 302, run.final.text);
    assert.equal(before.status, 'ACTIVE');
    assert.equal(emu.counters().tokenRequests, 1, 'the one exchange of the real callback');
    const replay = await visit(vault, run.jar, run.callbackUrl!);
    assert.equal(replay.status, 400);
    assert.match(replay.text, /invalid or has already been used/);
    const cb = new URL(run.callbackUrl!);
    cb.searchParams.set('state', 'forged-state-value-0123456789');
    assert.equal((await visit(vault, run.jar, cb.toString())).status, 400);
    const denyReplay = new URL(run.callbackUrl!);
    denyReplay.searchParams.delete('code');
    denyReplay.searchParams.set('error', 'access_denied');
    assert.equal((await visit(vault, run.jar, denyReplay.toString())).status, 400);
    assert.equal(
      (await vault.call('GET', `/v1/oauth/callback/${s.configId}?code=abc`)).status,
      400,
    );
    assert.equal(emu.counters().tokenRequests, 1, 'no code exchange after the first');
    const afterRow = (
      await vault.call('GET', `/v1/connected-accounts/${run.accountId}`, s.adminKey)
    ).body;
    assert.deepEqual(afterRow, before);
  });

  test('a callback carrying another tenant’s code fails only the account its state belongs to', async (t) => {
    const { vault, emu } = await ownFlowFixture(t);
    const a = await atlassianSetup(vault, emu);
    const b = await atlassianSetup(vault, emu);
    const ca = await vault.call('POST', '/v1/connected-accounts', a.adminKey, {
      auth_config_id: a.configId,
      user_id: 'victim',
      return_url: RETURN_URL,
    });
    const cb = await vault.call('POST', '/v1/connected-accounts', b.adminKey, {
      auth_config_id: b.configId,
      user_id: 'attacker',
      return_url: RETURN_URL,
    });
    const jarA = cookieJar();
    const jarB = cookieJar();
    const openA = await visit(vault, jarA, ca.body.redirect_url);
    const openB = await visit(vault, jarB, cb.body.redirect_url);
    const codeA = new URL(
      (
        await emu.consent({
          authorizeUrl: String(openA.headers.location),
          accountId: a.user.accountId,
          decision: 'approve',
        })
      ).location!,
    ).searchParams.get('code')!;
    const stateB = new URL(String(openB.headers.location)).searchParams.get('state')!;
    const res = await visit(
      vault,
      jarB,
      `/v1/oauth/callback/${b.configId}?code=${encodeURIComponent(codeA)}&state=${encodeURIComponent(stateB)}`,
    );
    assert.equal(location(res).searchParams.get('error'), 'code_exchange_failed');
    assert.equal(location(res).searchParams.get('connected_account_id'), cb.body.id);
    // B's credentials cannot redeem A's code: one exchange tried, refused, nothing issued.
    assert.deepEqual(
      [emu.counters().tokenRequests, emu.counters().invalidGrant, emu.counters().codeExchanges],
      [1, 1, 0],
    );
    const accA = await vault.call('GET', `/v1/connected-accounts/${ca.body.id}`, a.adminKey);
    const accB = await vault.call('GET', `/v1/connected-accounts/${cb.body.id}`, b.adminKey);
    assert.equal(accA.body.status, 'INITIATED');
    assert.deepEqual(
      [accB.body.status, accB.body.status_reason, accB.body.identity],
      ['FAILED', 'code_exchange_failed', null],
    );
    assert.equal(
      (await vault.call('GET', `/v1/connected-accounts/${ca.body.id}`, b.adminKey)).status,
      404,
    );
  });

  test('a return URL off the allow-list is refused before anything is written', async (t) => {
    const { vault, emu } = await ownFlowFixture(t);
    const s = await atlassianSetup(vault, emu);
    for (const url of [
      'https://evil.example.com/connected',
      'https://app.example.com/other',
      'javascript:alert(1)',
    ]) {
      const res = await vault.call('POST', '/v1/connected-accounts', s.adminKey, {
        auth_config_id: s.configId,
        user_id: 'u-7',
        return_url: url,
      });
      assert.equal(res.status, 400, url);
      assert.match(res.body.code, /return_url_not_allowed|invalid_request/);
    }
    const ok = await vault.call('POST', '/v1/connected-accounts', s.adminKey, {
      auth_config_id: s.configId,
      user_id: 'u-7',
      return_url: `${RETURN_URL}?ctx=42`,
    });
    assert.equal(ok.status, 201);
    const list = await vault.call('GET', `/v1/connected-accounts?user_id=u-7`, s.adminKey);
    assert.equal(list.body.data.length, 1);
  });

  test('a failing code exchange ends FAILED: wrong client secret → client_credentials_invalid', async (t) => {
    const { vault, emu } = await ownFlowFixture(t);
    const s = await atlassianSetup(vault, emu);
    const patched = await vault.call('PATCH', `/v1/auth-configs/${s.configId}`, s.adminKey, {
      client_secret: 'not-the-registered-secret',
      previous_secret_overlap_seconds: 0,
    });
    assert.equal(patched.status, 200, patched.text);
    const run = await runFlow(
      vault,
      emu,
      s.adminKey,
      { auth_config_id: s.configId, user_id: 'u-8', return_url: RETURN_URL },
      { decision: 'approve', accountId: s.user.accountId },
    );
    assert.equal(location(run.final).searchParams.get('error'), 'client_credentials_invalid');
    const acct = await vault.call('GET', `/v1/connected-accounts/${run.accountId}`, s.adminKey);
    assert.deepEqual(
      [acct.body.status, acct.body.status_reason],
      ['FAILED', 'client_credentials_invalid'],
    );
  });

  test('a provider outage at exchange ends FAILED with provider_unavailable', async (t) => {
    const { vault, emu } = await ownFlowFixture(t);
    const s = await atlassianSetup(vault, emu);
    emu.setFaults({ target: 'token', status: 503, count: 1 });
    const run = await runFlow(
      vault,
      emu,
      s.adminKey,
      { auth_config_id: s.configId, user_id: 'u-9', return_url: RETURN_URL },
      { decision: 'approve', accountId: s.user.accountId },
    );
    assert.equal(emu.counters().faultsInjected, 1, 'the exchange met the fault');
    assert.equal(emu.counters().codeExchanges, 0);
    assert.equal(location(run.final).searchParams.get('error'), 'provider_unavailable');
    const acct = await vault.call('GET', `/v1/connected-accounts/${run.accountId}`, s.adminKey);
    assert.deepEqual(
      [acct.body.status, acct.body.status_reason],
      ['FAILED', 'provider_unavailable'],
    );
  });

  test('two sites: none is guessed; a pinned site is selected; a pinned site not granted fails', async (t) => {
    const { vault, emu } = await ownFlowFixture(t);
    const s = await atlassianSetup(vault, emu, { sites: 2 });
    const siteIds = s.user.sites.map((x) => x.id);
    const both = await runFlow(
      vault,
      emu,
      s.adminKey,
      { auth_config_id: s.configId, user_id: 'u-10' },
      { decision: 'approve', accountId: s.user.accountId, siteIds },
    );
    const acct = (await vault.call('GET', `/v1/connected-accounts/${both.accountId}`, s.adminKey))
      .body;
    assert.equal(acct.status, 'ACTIVE');
    assert.deepEqual(
      acct.sites.map((x: { cloud_id: string }) => x.cloud_id).sort(),
      [...siteIds].sort(),
    );
    assert.equal(acct.selected_site, null);
    const chosen = await vault.call(
      'PATCH',
      `/v1/connected-accounts/${both.accountId}`,
      s.adminKey,
      { selected_cloud_id: siteIds[1] },
    );
    assert.equal(chosen.body.selected_site.cloud_id, siteIds[1]);
    assert.equal(
      (
        await vault.call('PATCH', `/v1/connected-accounts/${both.accountId}`, s.adminKey, {
          selected_cloud_id: 'nope',
        })
      ).status,
      400,
    );

    const pinnedUrl = s.user.sites[1]!.url;
    const pinned = await runFlow(
      vault,
      emu,
      s.adminKey,
      { auth_config_id: s.configId, user_id: 'u-10', site_url: `${pinnedUrl}/jira/projects` },
      { decision: 'approve', accountId: s.user.accountId, siteIds },
    );
    const p = (await vault.call('GET', `/v1/connected-accounts/${pinned.accountId}`, s.adminKey))
      .body;
    assert.equal(p.selected_site.cloud_id, siteIds[1]);
    assert.equal(p.pinned_site_url, pinnedUrl);

    const other = await atlassianSetup(vault, emu, { sites: 2 });
    const miss = await runFlow(
      vault,
      emu,
      other.adminKey,
      {
        auth_config_id: other.configId,
        user_id: 'u-11',
        site_url: 'https://elsewhere.atlassian.net',
      },
      { decision: 'approve', accountId: other.user.accountId, siteIds: [other.user.sites[0]!.id] },
    );
    const m = (await vault.call('GET', `/v1/connected-accounts/${miss.accountId}`, other.adminKey))
      .body;
    assert.deepEqual([m.status, m.status_reason], ['FAILED', 'pinned_site_not_granted']);
  });

  test('reconnect keeps the id; disable/enable; delete', async (t) => {
    const { vault, emu } = await ownFlowFixture(t);
    const s = await atlassianSetup(vault, emu);
    const run = await runFlow(
      vault,
      emu,
      s.adminKey,
      { auth_config_id: s.configId, user_id: 'u-12' },
      { decision: 'deny', accountId: s.user.accountId },
    );
    const re = await vault.call(
      'POST',
      `/v1/connected-accounts/${run.accountId}/reconnect`,
      s.adminKey,
      {},
    );
    assert.equal(re.status, 200, re.text);
    assert.equal(re.body.id, run.accountId);
    assert.equal(re.body.status, 'INITIATED');
    const jar = cookieJar();
    const opened = await visit(vault, jar, re.body.redirect_url);
    const decided = await emu.consent({
      authorizeUrl: String(opened.headers.location),
      accountId: s.user.accountId,
      decision: 'approve',
    });
    await visit(vault, jar, decided.location!);
    assert.equal(
      (await vault.call('GET', `/v1/connected-accounts/${run.accountId}`, s.adminKey)).body.status,
      'ACTIVE',
    );

    const dis = await vault.call(
      'POST',
      `/v1/connected-accounts/${run.accountId}/disable`,
      s.adminKey,
    );
    assert.deepEqual([dis.body.status, dis.body.status_reason], ['DISABLED', 'disabled_by_admin']);
    assert.equal(
      (
        await vault.call(
          'POST',
          `/v1/connected-accounts/${run.accountId}/reconnect`,
          s.adminKey,
          {},
        )
      ).status,
      409,
    );
    assert.equal(
      (await vault.call('POST', `/v1/connected-accounts/${run.accountId}/enable`, s.adminKey)).body
        .status,
      'ACTIVE',
    );
    assert.equal(
      (
        await vault.call(
          'GET',
          `/v1/connected-accounts?status=ACTIVE&auth_config_id=${s.configId}`,
          s.adminKey,
        )
      ).body.data.length,
      1,
    );
    assert.equal(
      (await vault.call('DELETE', `/v1/connected-accounts/${run.accountId}`, s.adminKey)).status,
      204,
    );
    assert.equal(
      (await vault.call('GET', `/v1/connected-accounts/${run.accountId}`, s.adminKey)).status,
      404,
    );
  });
});
