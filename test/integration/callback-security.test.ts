import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { manualClock } from '../../src/lib/clock.ts';
import {
  RETURN_URL,
  atlassianSetup,
  cookieJar,
  pathOf,
  startFlowFixture,
  visit,
} from '../helpers/flow.ts';

/** A loopback listener standing in for an attacker's token URL: it records what reaches it. */
async function attackerListener() {
  const seen: { url: string; body: string }[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (d) => (body += String(d)));
    req.on('end', () => {
      seen.push({ url: req.url ?? '', body });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ access_token: 'stolen', token_type: 'Bearer', expires_in: 3600 }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, seen, close: () => new Promise((r) => server.close(r)) };
}

const fixture = () =>
  startFlowFixture({ clock: manualClock(), env: { ALLOW_PRIVATE_EGRESS: 'true' } });

const account = (fx: Awaited<ReturnType<typeof fixture>>, key: string, id: string) =>
  fx.vault.call('GET', `/v1/connected-accounts/${id}`, key).then((r) => r.body);

describe('the OAuth callback (security review, item 1)', () => {
  test('a tenant cannot receive the codes of another tenant’s app: its redirect URI is not the one registered', async () => {
    const fx = await fixture();
    const attacker = await attackerListener();
    try {
      const victimTenant = await atlassianSetup(fx.vault, fx.emu);
      // Tenant M copies V's client id into a generic config with its own token URL.
      const m = await fx.vault.newTenant();
      const mCfg = await fx.vault.call('POST', '/v1/auth-configs', m.adminKey, {
        name: 'looks like V',
        provider: 'oauth2',
        client_id: victimTenant.clientId,
        client_secret: 'anything-at-all-here',
        scopes: ['read:jira-work', 'offline_access'],
        oauth2: { authorization_url: `${fx.emu.url}/authorize`, token_url: `${attacker.url}/t` },
      });
      assert.equal(mCfg.status, 201, mCfg.text);
      assert.notEqual(mCfg.body.callback_url, victimTenant.callbackUrl);
      const link = await fx.vault.call('POST', '/v1/connected-accounts', m.adminKey, {
        auth_config_id: mCfg.body.id,
        user_id: 'lure',
      });
      // One of V's users opens M's link and would approve V's app on the consent screen.
      const jar = cookieJar();
      const opened = await visit(fx.vault, jar, link.body.redirect_url);
      assert.equal(opened.status, 302);
      const authorize = new URL(String(opened.headers.location));
      assert.equal(authorize.searchParams.get('client_id'), victimTenant.clientId);
      assert.equal(authorize.searchParams.get('redirect_uri'), mCfg.body.callback_url);
      const before = fx.emu.counters();
      const consent = await fx.emu.consent({
        authorizeUrl: authorize.toString(),
        accountId: victimTenant.user.accountId,
        decision: 'approve',
      });
      assert.equal(
        consent.location,
        undefined,
        'the provider refuses an unregistered redirect URI',
      );
      assert.match(consent.body ?? '', /redirect_uri/);
      assert.deepEqual(attacker.seen, [], 'no code ever reached the attacker’s token URL');
      assert.equal(fx.emu.counters().codeExchanges, before.codeExchanges);
    } finally {
      await attacker.close();
      await fx.close();
    }
  });

  test('a code replayed into another session of the right config does not connect: PKCE binds it to its session', async () => {
    const fx = await fixture();
    try {
      const s = await atlassianSetup(fx.vault, fx.emu);
      const create = (user: string) =>
        fx.vault.call('POST', '/v1/connected-accounts', s.adminKey, {
          auth_config_id: s.configId,
          user_id: user,
        });
      const victim = await create('victim');
      const mallory = await create('mallory');
      const victimJar = cookieJar();
      const malloryJar = cookieJar();
      const vOpen = await visit(fx.vault, victimJar, victim.body.redirect_url);
      const mOpen = await visit(fx.vault, malloryJar, mallory.body.redirect_url);
      assert.ok(new URL(String(vOpen.headers.location)).searchParams.get('code_challenge'));
      const code = new URL(
        (
          await fx.emu.consent({
            authorizeUrl: String(vOpen.headers.location),
            accountId: s.user.accountId,
            decision: 'approve',
          })
        ).location!,
      ).searchParams.get('code')!;
      const mState = new URL(String(mOpen.headers.location)).searchParams.get('state')!;
      const replay = await visit(
        fx.vault,
        malloryJar,
        `/v1/oauth/callback/${s.configId}?code=${encodeURIComponent(code)}&state=${encodeURIComponent(mState)}`,
      );
      assert.equal(replay.status, 400);
      const m = await account(fx, s.adminKey, mallory.body.id);
      assert.deepEqual(
        [m.status, m.status_reason, m.identity],
        ['FAILED', 'code_exchange_failed', null],
      );
    } finally {
      await fx.close();
    }
  });

  test('a forwarded authorize URL cannot attach someone else’s grant: the callback needs the browser that opened the link', async () => {
    const fx = await fixture();
    try {
      const s = await atlassianSetup(fx.vault, fx.emu);
      const created = await fx.vault.call('POST', '/v1/connected-accounts', s.adminKey, {
        auth_config_id: s.configId,
        user_id: 'forwarder',
        return_url: RETURN_URL,
      });
      const forwarder = cookieJar();
      const opened = await visit(fx.vault, forwarder, created.body.redirect_url);
      // The victim approves in their own browser, which never opened the link.
      const decided = await fx.emu.consent({
        authorizeUrl: String(opened.headers.location),
        accountId: s.user.accountId,
        decision: 'approve',
      });
      const before = fx.emu.counters();
      const victimBrowser = cookieJar();
      const res = await visit(fx.vault, victimBrowser, decided.location!);
      assert.equal(res.status, 400);
      assert.match(res.text, /invalid or has already been used/);
      assert.equal(fx.emu.counters().codeExchanges, before.codeExchanges, 'no code exchange');
      const a = await account(fx, s.adminKey, created.body.id);
      assert.deepEqual([a.status, a.identity], ['INITIATED', null], 'nothing changed');
      // A cookie of another session, or the right state at another config's callback: the same.
      const other = await atlassianSetup(fx.vault, fx.emu);
      const wrongPath = new URL(decided.location!);
      wrongPath.pathname = `/v1/oauth/callback/${other.configId}`;
      const cookie = forwarder.headerFor(pathOf(decided.location!));
      const moved = await fx.vault.call(
        'GET',
        pathOf(wrongPath.toString()),
        undefined,
        undefined,
        cookie,
      );
      assert.equal(moved.status, 400);
      assert.equal(fx.emu.counters().codeExchanges, before.codeExchanges);
      // The browser that opened the link finishes the flow.
      const done = await visit(fx.vault, forwarder, decided.location!);
      assert.equal(new URL(String(done.headers.location)).searchParams.get('status'), 'success');
    } finally {
      await fx.close();
    }
  });

  test('the binding cookie is HttpOnly, SameSite=Lax, scoped to the link and this config’s callback, and cleared at the end', async () => {
    const fx = await startFlowFixture({ env: { PUBLIC_URL: 'https://vault.test' } });
    try {
      const s = await atlassianSetup(fx.vault, fx.emu);
      const created = await fx.vault.call('POST', '/v1/connected-accounts', s.adminKey, {
        auth_config_id: s.configId,
        user_id: 'c',
      });
      const opened = await fx.vault.call('GET', pathOf(created.body.redirect_url));
      const cookies = ([] as string[]).concat(opened.headers['set-cookie'] as string[]);
      assert.equal(cookies.length, 2);
      const paths = cookies.map((c) => /Path=([^;]+)/.exec(c)?.[1]).sort();
      assert.deepEqual(paths, ['/v1/connect/', `/v1/oauth/callback/${s.configId}`]);
      for (const c of cookies) {
        assert.match(c, /HttpOnly/);
        assert.match(c, /SameSite=Lax/);
        assert.match(c, /Secure/, 'PUBLIC_URL is https');
        assert.match(c, /Max-Age=600/);
      }
      const jar = cookieJar();
      jar.absorb(opened);
      const decided = await fx.emu.consent({
        authorizeUrl: String(opened.headers.location),
        accountId: s.user.accountId,
        decision: 'approve',
      });
      await visit(fx.vault, jar, decided.location!);
      assert.equal(jar.size(), 0, 'the finished flow cleared its cookies');
    } finally {
      await fx.close();
    }
  });

  test('HEAD and link previewers do not use a link up; the same browser reopening it resumes the flow', async () => {
    const fx = await fixture();
    try {
      const s = await atlassianSetup(fx.vault, fx.emu);
      const created = await fx.vault.call('POST', '/v1/connected-accounts', s.adminKey, {
        auth_config_id: s.configId,
        user_id: 'p',
      });
      const link = pathOf(created.body.redirect_url);
      const head = await fx.vault.app.inject({ method: 'HEAD', url: link });
      assert.equal(head.statusCode, 200);
      const unfurl = await fx.vault.call('GET', link, undefined, undefined, {
        'user-agent': 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)',
      });
      assert.equal(unfurl.status, 200);
      assert.match(unfurl.text, /Open this link in your browser/);
      assert.equal(unfurl.headers['set-cookie'], undefined);

      const jar = cookieJar();
      const first = await visit(fx.vault, jar, link);
      assert.equal(first.status, 302, 'the link was still unused');
      const again = await visit(fx.vault, jar, link);
      assert.equal(again.status, 302, 'the same browser resumes');
      const state1 = new URL(String(first.headers.location)).searchParams.get('state');
      const state2 = new URL(String(again.headers.location)).searchParams.get('state');
      assert.notEqual(state1, state2);
      assert.equal((await visit(fx.vault, cookieJar(), link)).status, 410, 'another browser: used');

      // The first authorize URL died when the flow was resumed; the second one finishes it.
      const stale = await fx.emu.consent({
        authorizeUrl: String(first.headers.location),
        accountId: s.user.accountId,
        decision: 'approve',
      });
      assert.equal((await visit(fx.vault, jar, stale.location!)).status, 400);
      const fresh = await fx.emu.consent({
        authorizeUrl: String(again.headers.location),
        accountId: s.user.accountId,
        decision: 'approve',
      });
      assert.equal((await visit(fx.vault, jar, fresh.location!)).status, 200);
      assert.equal((await account(fx, s.adminKey, created.body.id)).status, 'ACTIVE');
      assert.equal((await visit(fx.vault, jar, link)).status, 410, 'done: nothing to resume');
    } finally {
      await fx.close();
    }
  });

  test('a config or account disabled while the user consents stops the flow before any code exchange', async () => {
    const fx = await fixture();
    try {
      const s = await atlassianSetup(fx.vault, fx.emu);
      const start = async (user: string) => {
        const created = await fx.vault.call('POST', '/v1/connected-accounts', s.adminKey, {
          auth_config_id: s.configId,
          user_id: user,
        });
        const jar = cookieJar();
        const opened = await visit(fx.vault, jar, created.body.redirect_url);
        const decided = await fx.emu.consent({
          authorizeUrl: String(opened.headers.location),
          accountId: s.user.accountId,
          decision: 'approve',
        });
        return {
          id: created.body.id as string,
          finish: () => visit(fx.vault, jar, decided.location!),
        };
      };
      const before = fx.emu.counters().codeExchanges;
      const a = await start('a');
      await fx.vault.call('POST', `/v1/connected-accounts/${a.id}/disable`, s.adminKey);
      assert.equal((await a.finish()).status, 410);
      const b = await start('b');
      await fx.vault.call('POST', `/v1/auth-configs/${s.configId}/disable`, s.adminKey);
      await b.finish();
      const row = await account(fx, s.adminKey, b.id);
      assert.deepEqual([row.status, row.status_reason], ['FAILED', 'auth_config_disabled']);
      assert.equal(fx.emu.counters().codeExchanges, before);
      assert.equal((await account(fx, s.adminKey, a.id)).status, 'DISABLED');
    } finally {
      await fx.close();
    }
  });

  test('RFC 9207: a generic provider’s `iss` must name its own authorization server', async () => {
    const fx = await fixture();
    try {
      const { adminKey } = await fx.vault.newTenant();
      const cfg = await fx.vault.call('POST', '/v1/auth-configs', adminKey, {
        name: 'emulator as a generic server',
        provider: 'oauth2',
        client_id: 'generic-client',
        client_secret: 'generic-secret-0123456789',
        scopes: ['read:jira-work'],
        oauth2: {
          authorization_url: `${fx.emu.url}/authorize`,
          token_url: `${fx.emu.url}/oauth/token`,
        },
      });
      assert.equal(cfg.status, 201, cfg.text);
      fx.emu.addApp({
        clientId: 'generic-client',
        clientSecret: 'generic-secret-0123456789',
        name: 'generic',
        callbackUrl: cfg.body.callback_url,
        scopes: ['read:jira-work'],
      });
      const user = fx.emu.addUser({ email: 'g@example.com', name: 'G', sites: [] });
      const run = async (iss: string) => {
        const created = await fx.vault.call('POST', '/v1/connected-accounts', adminKey, {
          auth_config_id: cfg.body.id,
          user_id: iss,
        });
        const jar = cookieJar();
        const opened = await visit(fx.vault, jar, created.body.redirect_url);
        const decided = await fx.emu.consent({
          authorizeUrl: String(opened.headers.location),
          accountId: user.accountId,
          decision: 'approve',
        });
        const back = new URL(decided.location!);
        back.searchParams.set('iss', iss);
        await visit(fx.vault, jar, back.toString());
        return account(fx, adminKey, created.body.id);
      };
      const before = fx.emu.counters().codeExchanges;
      const mixedUp = await run('https://other-issuer.example.com');
      assert.deepEqual([mixedUp.status, mixedUp.status_reason], ['FAILED', 'issuer_mismatch']);
      assert.equal(fx.emu.counters().codeExchanges, before, 'no code went to the wrong server');
      assert.equal((await run(fx.emu.url)).status, 'ACTIVE');
    } finally {
      await fx.close();
    }
  });
});
