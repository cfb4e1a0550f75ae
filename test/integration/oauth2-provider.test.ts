// The generic `oauth2` provider against an independent authorization server: panva's oidc-provider
// (a certified OpenID/OAuth 2.0 server) on 127.0.0.1. The test plays the browser between the two.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import Provider, { type ClientAuthMethod, type ClientMetadata } from 'oidc-provider';
import { CALLBACK, RETURN_URL, cookieJar, visit } from '../helpers/flow.ts';
import { startTestVault, type TestVault } from '../helpers/vault.ts';

const BASIC = { id: 'vault-basic', secret: `sb-${randomBytes(24).toString('hex')}` };
const POST = { id: 'vault-post', secret: `sp-${randomBytes(24).toString('hex')}` };

let vault: TestVault;
let server: Server;
let as: Provider;
let issuer: string;
const registeredCallbacks = new Set<string>();
/** what the AS saw: authorization params, token requests (how the client authenticated), errors */
const seen = {
  params: [] as Record<string, unknown>[],
  tokenRequests: [] as { clientId: string | null; auth: string | null; type: string | null }[],
  grantErrors: [] as string[],
};

before(async () => {
  server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = (c: typeof BASIC, method: ClientAuthMethod): ClientMetadata => ({
    client_id: c.id,
    client_secret: c.secret,
    redirect_uris: [CALLBACK],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: method,
  });
  as = new Provider(issuer, {
    clients: [client(BASIC, 'client_secret_basic'), client(POST, 'client_secret_post')],
    // PKCE is mandatory for the basic client: an authorize request without S256 is refused, and
    // (as for every client that sent a challenge) a missing or wrong code_verifier fails the exchange.
    pkce: { required: (_ctx, c) => c.clientId === BASIC.id },
    features: { devInteractions: { enabled: true } },
  });
  // Exact matching against the callbacks registered so far (one per auth config the tests make).
  as.Client.prototype.redirectUriAllowed = function (uri: string) {
    return registeredCallbacks.has(uri);
  };
  as.on('interaction.started', (ctx) => seen.params.push({ ...ctx.oidc.params }));
  as.on('grant.error', (_ctx, err) => seen.grantErrors.push(String(err.error ?? err.message)));
  // oidc-provider accepts client_secret_basic and _post interchangeably, so record which one came:
  // it refuses a request carrying both, so a Basic header on a success means no secret in the body.
  const handle = as.callback();
  server.on('request', (req, res) => {
    if (req.method === 'POST' && req.url === '/token') {
      const auth = req.headers.authorization?.split(' ') ?? [];
      const basicId = auth[1] ? Buffer.from(auth[1], 'base64').toString().split(':')[0]! : null;
      seen.tokenRequests.push({
        clientId: basicId && decodeURIComponent(basicId),
        auth: auth[0] ?? null,
        type: req.headers['content-type'] ?? null,
      });
    }
    void handle(req, res);
  });
  vault = await startTestVault({ env: { ALLOW_PRIVATE_EGRESS: 'true' } });
});

after(async () => {
  await vault?.close();
  await new Promise((resolve) => server?.close(resolve));
});

async function setup(
  c: typeof BASIC,
  oauth2: Record<string, unknown>,
  scopes = ['openid', 'offline_access'],
) {
  const { adminKey, tenantId } = await vault.newTenant();
  const cfg = await vault.call('POST', '/v1/auth-configs', adminKey, {
    name: 'oidc-provider',
    provider: 'oauth2',
    client_id: c.id,
    client_secret: c.secret,
    scopes,
    allowed_return_urls: [RETURN_URL],
    oauth2: {
      authorization_url: `${issuer}/auth`,
      token_url: `${issuer}/token`,
      token_request_format: 'form',
      ...oauth2,
    },
  });
  assert.equal(cfg.status, 201, cfg.text);
  // The config's own redirect URI, registered for the client as an admin would at the AS.
  registeredCallbacks.add(cfg.body.callback_url);
  return { adminKey, tenantId, configId: cfg.body.id as string };
}

/** The browser at the AS: follows redirects with a cookie jar, signs in and consents (or aborts). */
async function atAuthServer(authorizeUrl: string, decision: 'approve' | 'deny'): Promise<string> {
  const jar = new Map<string, string>();
  let url = authorizeUrl;
  let form: URLSearchParams | undefined;
  for (let hop = 0; hop < 20; hop++) {
    if (url.startsWith(CALLBACK)) return url;
    const res = await fetch(url, {
      method: form ? 'POST' : 'GET',
      body: form,
      redirect: 'manual',
      headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    form = undefined;
    for (const c of res.headers.getSetCookie()) {
      const [name, value = ''] = c.split(';')[0]!.split(/=(.*)/s);
      if (value) jar.set(name!, value);
      else jar.delete(name!);
    }
    const location = res.headers.get('location');
    const html = await res.text();
    if (location) {
      url = new URL(location, url).toString();
      continue;
    }
    const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1];
    if (res.status !== 200 || !prompt) throw new Error(`AS answered ${res.status}: ${html}`);
    if (decision === 'deny') url = `${url}/abort`;
    else form = new URLSearchParams({ prompt, login: 'alice', password: 'any' });
  }
  throw new Error('the AS never redirected to the vault callback');
}

async function connect(
  s: Awaited<ReturnType<typeof setup>>,
  decision: 'approve' | 'deny' = 'approve',
) {
  const created = await vault.call('POST', '/v1/connected-accounts', s.adminKey, {
    auth_config_id: s.configId,
    user_id: `u-${randomBytes(3).toString('hex')}`,
    return_url: RETURN_URL,
  });
  assert.equal(created.status, 201, created.text);
  const jar = cookieJar();
  const opened = await visit(vault, jar, created.body.redirect_url);
  assert.equal(opened.status, 302, opened.text);
  const authorizeUrl = new URL(String(opened.headers.location));
  const callback = await atAuthServer(authorizeUrl.toString(), decision);
  const final = await visit(vault, jar, callback);
  assert.equal(final.status, 302, final.text);
  const back = new URL(String(final.headers.location));
  assert.equal(`${back.origin}${back.pathname}`, RETURN_URL);
  assert.equal(back.searchParams.get('connected_account_id'), created.body.id);
  const account = await vault.call('GET', `/v1/connected-accounts/${created.body.id}`, s.adminKey);
  return { id: created.body.id as string, authorizeUrl, back, account: account.body };
}

/** The tokens the vault stored for an account, decrypted. */
async function stored(tenantId: string, id: string) {
  const { accounts, dataKeys } = vault.deps.services;
  const row = await accounts.get(tenantId, id);
  const field = (f: 'access_token' | 'refresh_token') => ({ tenantId, field: f, rowId: id });
  return {
    row,
    accessToken: await dataKeys.decrypt(field('access_token'), row.accessTokenEnc!),
    refreshToken: row.refreshTokenEnc
      ? await dataKeys.decrypt(field('refresh_token'), row.refreshTokenEnc)
      : undefined,
  };
}

describe('generic oauth2 provider against oidc-provider', () => {
  test('client_secret_basic + form + PKCE: ACTIVE, and the stored refresh token refreshes at the AS', async () => {
    const s = await setup(BASIC, {
      client_auth: 'client_secret_basic',
      pkce: true,
      authorization_params: { prompt: 'consent' },
    });
    const tokenFrom = seen.tokenRequests.length;
    const run = await connect(s);
    assert.deepEqual(seen.tokenRequests.slice(tokenFrom), [
      { clientId: BASIC.id, auth: 'Basic', type: 'application/x-www-form-urlencoded' },
    ]);
    assert.equal(run.authorizeUrl.searchParams.get('code_challenge_method'), 'S256');
    assert.match(run.authorizeUrl.searchParams.get('code_challenge') ?? '', /^[\w-]{43}$/);
    assert.equal(run.back.searchParams.get('status'), 'success', run.back.toString());
    assert.equal(run.account.status, 'ACTIVE');
    assert.ok(run.account.granted_scopes.includes('offline_access'));

    // The AS really enforces PKCE for this client: the same request without a challenge is refused.
    const bare = new URL(run.authorizeUrl);
    bare.searchParams.delete('code_challenge');
    bare.searchParams.delete('code_challenge_method');
    const refused = new URL(await atAuthServer(bare.toString(), 'approve'));
    assert.equal(refused.searchParams.get('error'), 'invalid_request');
    assert.match(refused.searchParams.get('error_description') ?? '', /PKCE/);

    // What the vault stored are tokens the AS issued to this client.
    const t = await stored(s.tenantId, run.id);
    const at = await as.AccessToken.find(t.accessToken);
    assert.equal(at?.clientId, BASIC.id);
    assert.equal(at?.accountId, 'alice');
    assert.ok(t.refreshToken, 'a refresh token was stored');
    assert.equal((await as.RefreshToken.find(t.refreshToken))?.clientId, BASIC.id);

    const refreshed = await vault.deps.providers.get('oauth2').refresh(
      {
        tenantId: s.tenantId,
        clientId: BASIC.id,
        clientSecret: BASIC.secret,
        scopes: t.row.grantedScopes,
        settings: (await vault.deps.services.authConfigs.get(s.tenantId, s.configId)).settings,
        redirectUri: CALLBACK,
      },
      t.refreshToken,
    );
    assert.notEqual(refreshed.accessToken, t.accessToken);
    assert.equal((await as.AccessToken.find(refreshed.accessToken))?.clientId, BASIC.id);
    assert.ok(refreshed.expiresIn && refreshed.expiresIn > 0);
  });

  test('client_secret_post + form, PKCE off: ACTIVE', async () => {
    const s = await setup(POST, {
      client_auth: 'client_secret_post',
      pkce: false,
      authorization_params: { prompt: 'consent' },
    });
    const tokenFrom = seen.tokenRequests.length;
    const run = await connect(s);
    assert.deepEqual(seen.tokenRequests.slice(tokenFrom), [
      { clientId: null, auth: null, type: 'application/x-www-form-urlencoded' },
    ]);
    assert.equal(run.authorizeUrl.searchParams.get('code_challenge'), null);
    assert.equal(run.back.searchParams.get('status'), 'success', run.back.toString());
    assert.equal(run.account.status, 'ACTIVE');
    assert.equal(run.account.status_reason, null);
    const t = await stored(s.tenantId, run.id);
    assert.equal((await as.AccessToken.find(t.accessToken))?.clientId, POST.id);
    assert.equal((await as.RefreshToken.find(t.refreshToken!))?.clientId, POST.id);
  });

  test('a wrong client secret: FAILED client_credentials_invalid', async () => {
    const s = await setup(BASIC, { client_auth: 'client_secret_basic', pkce: true });
    const patched = await vault.call('PATCH', `/v1/auth-configs/${s.configId}`, s.adminKey, {
      client_secret: `wrong-${randomBytes(16).toString('hex')}`,
      // no overlap: the old (working) secret must not be tried as a fallback here
      previous_secret_overlap_seconds: 0,
    });
    assert.equal(patched.status, 200, patched.text);
    const errorsBefore = seen.grantErrors.length;
    const run = await connect(s);
    assert.deepEqual(seen.grantErrors.slice(errorsBefore), ['invalid_client']);
    assert.equal(run.back.searchParams.get('status'), 'error');
    assert.equal(run.back.searchParams.get('error'), 'client_credentials_invalid');
    assert.equal(run.account.status, 'FAILED');
    assert.equal(run.account.status_reason, 'client_credentials_invalid');
  });

  test('the user aborts at the AS: FAILED user_denied', async () => {
    const s = await setup(POST, { client_auth: 'client_secret_post', pkce: false });
    const run = await connect(s, 'deny');
    assert.equal(run.back.searchParams.get('status'), 'error');
    assert.equal(run.back.searchParams.get('error'), 'user_denied');
    assert.equal(run.account.status, 'FAILED');
    assert.equal(run.account.status_reason, 'user_denied');
    const t = await vault.deps.services.accounts.get(s.tenantId, run.id);
    assert.equal(t.accessTokenEnc, null);
  });

  test('authorization_params reach the AS', async () => {
    const params = { prompt: 'consent', ui_locales: 'de-CH', login_hint: 'alice@example.com' };
    const s = await setup(BASIC, {
      client_auth: 'client_secret_basic',
      pkce: true,
      authorization_params: params,
    });
    const from = seen.params.length;
    const run = await connect(s);
    assert.equal(run.account.status, 'ACTIVE');
    for (const [k, v] of Object.entries(params)) {
      assert.equal(run.authorizeUrl.searchParams.get(k), v);
      assert.ok(
        seen.params.slice(from).some((p) => p[k] === v),
        `${k} seen by the AS`,
      );
    }
    // prompt=consent is what lets the AS keep offline_access; without it there is no refresh token.
    assert.ok((await stored(s.tenantId, run.id)).refreshToken);
    const plain = await setup(BASIC, { client_auth: 'client_secret_basic', pkce: true });
    const noConsent = await connect(plain);
    assert.equal(noConsent.account.status, 'ACTIVE');
    assert.equal((await stored(plain.tenantId, noConsent.id)).refreshToken, undefined);
  });
});
