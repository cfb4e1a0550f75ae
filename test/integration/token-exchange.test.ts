// Token exchange (RFC 8693) at POST /v1/oauth/token over HTTP: users signed in at a real OpenID
// provider (oidc-provider), a workload issuer made of a jose key pair with its JWKS on loopback,
// Atlassian accounts connected at the emulator. Every refusal must be the RFC error, and change
// nothing: no account, no key, no refresh at the provider.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { SignJWT } from 'jose';
import type { Emulator } from '../../src/emulator/index.ts';
import { manualClock } from '../../src/lib/clock.ts';
import { RETURN_URL, atlassianSetup, runFlow, startFlowFixture } from '../helpers/flow.ts';
import {
  TOKEN_EXCHANGE,
  TT,
  b64,
  startKeyIssuer,
  startOidcIdp,
  type KeyIssuer,
} from '../helpers/identity.ts';
import { openOwnDatabase } from '../helpers/own-database.ts';
import type { Res, TestVault } from '../helpers/vault.ts';

const API_AUDIENCE = 'https://vault.test/api';
const WORKLOAD_AUDIENCE = 'credential-vault';
const BOT = 'system:serviceaccount:agents:jira-bot';

let emu: Emulator;
let vault: TestVault;
let idp: Awaited<ReturnType<typeof startOidcIdp>>;
let users: KeyIssuer;
let workloads: KeyIssuer;
let close: () => Promise<void>;
const clock = manualClock();

/** Tenant A: one config with Alice's and Bob's accounts; tenant B: a config with Alice's. */
let A: Awaited<ReturnType<typeof tenant>>;
let B: Awaited<ReturnType<typeof tenant>>;

async function tenant(logins: string[]) {
  const s = await atlassianSetup(vault, emu);
  const accounts: Record<string, string> = {};
  for (const login of logins) {
    const u =
      login === logins[0]
        ? s.user
        : emu.addUser({
            email: `${login}-${randomBytes(3).toString('hex')}@example.com`,
            name: login,
            sites: [
              {
                name: `${login} site`,
                url: `https://${login}-${randomBytes(3).toString('hex')}.atlassian.net`,
              },
            ],
          });
    const run = await runFlow(
      vault,
      emu,
      s.adminKey,
      { auth_config_id: s.configId, user_id: login, return_url: RETURN_URL },
      { accountId: u.accountId, decision: 'approve' },
    );
    assert.equal(run.final.status, 302, run.final.text);
    accounts[login] = run.accountId;
  }
  const post = async (path: string, body: unknown) => {
    const r = await vault.call('POST', path, s.adminKey, body);
    assert.equal(r.status, 201, `${path}: ${r.text}`);
    return r.body;
  };
  const svc = await post('/v1/api-keys', { name: 'agent', role: 'service' });
  return { ...s, accounts, svcKey: svc.key as string, svcId: svc.id as string, post };
}

/** The account's current provider token, as the token endpoint gives it to the admin. */
const tokenOf = async (t: typeof A, accountId: string) =>
  (await vault.call('POST', `/v1/connected-accounts/${accountId}/token`, t.adminKey, {})).body
    .access_token as string;

/** POST /v1/oauth/token, form-encoded (as OAuth libraries send it) unless `json`. */
async function exchange(
  params: Record<string, string | undefined>,
  opts: { key?: string; basic?: [string, string]; json?: boolean } = {},
): Promise<Res> {
  const clean = Object.fromEntries(
    Object.entries(params).filter(([, v]) => v !== undefined),
  ) as Record<string, string>;
  const headers: Record<string, string> = {
    'content-type': opts.json ? 'application/json' : 'application/x-www-form-urlencoded',
  };
  if (opts.key) headers.authorization = `Bearer ${opts.key}`;
  if (opts.basic)
    headers.authorization = `Basic ${Buffer.from(`${opts.basic[0]}:${opts.basic[1]}`).toString('base64')}`;
  const res = await vault.app.inject({
    method: 'POST',
    url: '/v1/oauth/token',
    headers,
    payload: opts.json ? JSON.stringify(clean) : new URLSearchParams(clean).toString(),
  });
  return { status: res.statusCode, body: res.json(), text: res.body, headers: res.headers };
}

const userToken = (login: string, claims: Record<string, unknown> = {}, o = {}) =>
  users.sign({ sub: login, aud: 'vault', ...claims }, o);
const botToken = (claims: Record<string, unknown> = {}, o = {}) =>
  workloads.sign({ sub: BOT, aud: WORKLOAD_AUDIENCE, ...claims }, o);

/** Everything an exchange must never change: accounts, keys, issuers, and refreshes upstream. */
async function snapshot() {
  const r = (await vault.deps.database.db.execute(
    sql`select (select md5(coalesce(string_agg(x::text, '|' order by x.id), '')) from connected_accounts x) as ca,
               (select md5(coalesce(string_agg(x::text, '|' order by x.id), '')) from api_keys x) as keys,
               (select md5(coalesce(string_agg(x::text, '|' order by x.id), '')) from trusted_issuers x) as ti`,
  )) as unknown as { rows: Record<string, string>[] };
  return { ...r.rows[0], refreshes: JSON.stringify(emu.counters().refreshesByFamily) };
}

/** The RFC 6749 §5.2 shape, never problem+json, with the vault's code. */
function assertOAuthError(r: Res, status: number, error: string, code?: string) {
  assert.equal(r.status, status, r.text);
  assert.match(String(r.headers['content-type']), /^application\/json/);
  assert.equal(r.body.error, error, r.text);
  assert.equal(typeof r.body.error_description, 'string');
  assert.equal(typeof r.body.code, 'string');
  if (code) assert.equal(r.body.code, code, r.text);
  assert.equal(r.headers['cache-control'], 'no-store');
  assert.ok(!('access_token' in r.body));
}

before(async () => {
  const fx = await startFlowFixture({
    clock,
    database: await openOwnDatabase(),
    env: { ALLOW_PRIVATE_EGRESS: 'true' },
  });
  ({ emu, vault } = fx);
  idp = await startOidcIdp({ apiAudience: API_AUDIENCE });
  users = await startKeyIssuer({ alg: 'RS256' });
  workloads = await startKeyIssuer({ alg: 'ES256' });
  close = async () => {
    await Promise.all([idp.close(), users.close(), workloads.close()]);
    await fx.close();
  };
  A = await tenant(['alice', 'bob']);
  B = await tenant(['alice']);
  for (const t of [A, B]) {
    await t.post('/v1/trusted-issuers', {
      name: 'company IdP',
      kind: 'user',
      issuer: idp.issuer,
      jwks_uri: idp.jwksUri,
      audience: [idp.clientId, API_AUDIENCE],
      algorithms: ['RS256', 'PS256', 'ES256'],
    });
    await t.post('/v1/trusted-issuers', {
      name: 'test users',
      kind: 'user',
      issuer: users.iss,
      jwks_uri: users.jwksUri,
      audience: ['vault'],
      algorithms: ['RS256'],
      clock_skew_seconds: 0,
    });
  }
  await A.post('/v1/trusted-issuers', {
    name: 'cluster',
    kind: 'workload',
    issuer: workloads.iss,
    jwks_uri: workloads.jwksUri,
    audience: [WORKLOAD_AUDIENCE],
    algorithms: ['ES256'],
    required_claims: { sub: [BOT] },
  });
});
after(() => close());

describe('exchanging a user’s token', () => {
  test('an ID token from the company IdP, with a service key as Bearer: Alice’s own token', async () => {
    const { idToken } = await idp.signIn('alice');
    const r = await exchange(
      {
        grant_type: TOKEN_EXCHANGE,
        subject_token: idToken,
        subject_token_type: TT.idToken,
        audience: A.configId,
      },
      { key: A.svcKey },
    );
    assert.equal(r.status, 200, r.text);
    assert.equal(r.headers['cache-control'], 'no-store');
    assert.equal(r.body.issued_token_type, TT.accessToken);
    assert.equal(r.body.token_type, 'Bearer');
    assert.equal(r.body.connected_account_id, A.accounts.alice);
    assert.equal(r.body.access_token, await tokenOf(A, A.accounts.alice!));
    assert.equal(r.body.scope, r.body.scopes.join(' '));
    assert.ok(r.body.expires_in > 0 && r.body.api_base_url && r.body.expires_at);
  });

  test('a JWT access token, client_secret_basic, resource as the config’s URL: the same', async () => {
    const { accessToken } = await idp.signIn('bob');
    const r = await exchange(
      {
        grant_type: TOKEN_EXCHANGE,
        subject_token: accessToken,
        subject_token_type: TT.accessToken,
        resource: `http://vault.test/v1/auth-configs/${A.configId}`,
      },
      { basic: [A.svcId, A.svcKey] },
    );
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.connected_account_id, A.accounts.bob);
    assert.equal(r.body.access_token, await tokenOf(A, A.accounts.bob!));
  });

  test('client_secret_post in a JSON body; a wrong client_id or secret is invalid_client', async () => {
    const params = {
      grant_type: TOKEN_EXCHANGE,
      subject_token: await userToken('alice'),
      subject_token_type: TT.jwt,
      audience: A.configId,
    };
    const ok = await exchange(
      { ...params, client_id: A.svcId, client_secret: A.svcKey },
      { json: true },
    );
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.body.connected_account_id, A.accounts.alice);
    const wrongId = await exchange({ ...params, client_id: B.svcId, client_secret: A.svcKey });
    assertOAuthError(wrongId, 401, 'invalid_client');
    const wrongSecret = await exchange(params, { basic: [A.svcId, `${A.svcKey.slice(0, -2)}xx`] });
    assertOAuthError(wrongSecret, 401, 'invalid_client');
    assert.match(String(wrongSecret.headers['www-authenticate']), /^Basic/);
    const none = await exchange(params);
    assertOAuthError(none, 401, 'invalid_client');
  });

  test('a workload acting for a user, authenticated by its own token alone: a proxy token', async () => {
    const r = await exchange({
      grant_type: TOKEN_EXCHANGE,
      subject_token: await userToken('alice'),
      subject_token_type: TT.jwt,
      actor_token: await botToken(),
      actor_token_type: TT.jwt,
      audience: A.configId,
      requested_token_type: TT.proxy,
    });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.issued_token_type, TT.proxy);
    assert.equal(r.body.token_type, 'Bearer');
    assert.equal(r.body.connected_account_id, A.accounts.alice);
    assert.ok(r.body.expires_in > 0 && r.body.expires_in <= 300);
    assert.equal(
      r.body.proxy_url,
      `http://vault.test/v1/connected-accounts/${A.accounts.alice}/proxy/`,
    );
    assert.notEqual(r.body.access_token, await tokenOf(A, A.accounts.alice!));
    // another workload of the same cluster is not the one trusted (required_claims)
    const other = await exchange({
      grant_type: TOKEN_EXCHANGE,
      subject_token: await userToken('alice'),
      subject_token_type: TT.jwt,
      actor_token: await botToken({ sub: 'system:serviceaccount:default:other' }),
      actor_token_type: TT.jwt,
      audience: A.configId,
    });
    assertOAuthError(other, 401, 'invalid_client', 'actor_token_invalid');
    assert.equal(other.body.reason, 'claims');
  });

  test('the subject decides the account: Bob’s token never reaches Alice’s, nor tenant B’s config', async () => {
    const before = await snapshot();
    const bob = await exchange(
      {
        grant_type: TOKEN_EXCHANGE,
        subject_token: await userToken('bob'),
        subject_token_type: TT.jwt,
        audience: A.configId,
      },
      { key: A.svcKey },
    );
    assert.equal(bob.body.connected_account_id, A.accounts.bob);
    // a user with no account of the config
    const carol = await exchange(
      {
        grant_type: TOKEN_EXCHANGE,
        subject_token: await userToken('carol'),
        subject_token_type: TT.jwt,
        audience: A.configId,
      },
      { key: A.svcKey },
    );
    assertOAuthError(carol, 400, 'invalid_target', 'connected_account_not_found');
    // tenant B's config (where Alice has an account) through tenant A's key: as if it did not exist
    const foreign = await exchange(
      {
        grant_type: TOKEN_EXCHANGE,
        subject_token: await userToken('alice'),
        subject_token_type: TT.jwt,
        audience: B.configId,
      },
      { key: A.svcKey },
    );
    assertOAuthError(foreign, 400, 'invalid_target', 'auth_config_not_found');
    // nor through A's workload: B does not trust it
    const foreignActor = await exchange({
      grant_type: TOKEN_EXCHANGE,
      subject_token: await userToken('alice'),
      subject_token_type: TT.jwt,
      actor_token: await botToken(),
      actor_token_type: TT.jwt,
      audience: B.configId,
    });
    assertOAuthError(foreignActor, 401, 'invalid_client');
    assert.deepEqual(await snapshot(), before);
  });
});

describe('refused tokens: the RFC error, and nothing changed', () => {
  const exchangeAs = (subject: string) =>
    exchange(
      {
        grant_type: TOKEN_EXCHANGE,
        subject_token: subject,
        subject_token_type: TT.jwt,
        audience: A.configId,
      },
      { key: A.svcKey },
    );
  const past = () => new Date(clock.now().getTime() - 3_600_000);
  const future = () => new Date(clock.now().getTime() + 3_600_000);

  test('expired, not yet valid, wrong audience, untrusted issuer, tampered, alg none, HS256 with the public key', async () => {
    const before = await snapshot();
    const pub = users.keys[0]!;
    const payload = {
      iss: users.iss,
      sub: 'alice',
      aud: 'vault',
      iat: Math.floor(clock.now().getTime() / 1000),
      exp: Math.floor(future().getTime() / 1000),
    };
    const good = await userToken('alice');
    const [h, p, s] = good.split('.');
    const tamperedPayload = b64({
      ...JSON.parse(Buffer.from(p!, 'base64url').toString()),
      sub: 'bob',
    });
    const sigFlipped = `${s!.slice(0, -4)}${s!.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
    const cases: [string, string, string][] = [
      ['expired', await userToken('alice', {}, { now: past(), ttlSeconds: 60 }), 'expired'],
      [
        'not yet valid',
        await userToken('alice', { nbf: Math.floor(future().getTime() / 1000) }),
        'not_yet_valid',
      ],
      ['wrong audience', await userToken('alice', { aud: 'someone-else' }), 'audience'],
      ['untrusted issuer', await userToken('alice', { iss: 'https://evil.example.com' }), 'issuer'],
      ['tampered payload', `${h}.${tamperedPayload}.${s}`, 'signature'],
      ['tampered signature', `${h}.${p}.${sigFlipped}`, 'signature'],
      ['alg none', `${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`, 'algorithm'],
      [
        'HS256 signed with the public key',
        await new SignJWT(payload)
          .setProtectedHeader({ alg: 'HS256', kid: pub.kid })
          .sign(new TextEncoder().encode(pub.spki)),
        'algorithm',
      ],
      [
        'HS256 signed with the public JWK',
        await new SignJWT(payload)
          .setProtectedHeader({ alg: 'HS256', kid: pub.kid })
          .sign(new TextEncoder().encode(JSON.stringify(pub.publicJwk))),
        'algorithm',
      ],
      ['not a JWT', 'definitely-not-a-jwt', 'malformed'],
    ];
    for (const [label, token, reason] of cases) {
      const r = await exchangeAs(token);
      assertOAuthError(r, 400, 'invalid_grant', 'subject_token_invalid');
      assert.equal(r.body.reason, reason, `${label}: ${r.text}`);
    }
    // an issuer's token of the wrong kind: a workload is not a user
    const asUser = await exchangeAs(await botToken({ aud: 'vault' }));
    assertOAuthError(asUser, 400, 'invalid_grant', 'subject_token_invalid');
    assert.deepEqual(await snapshot(), before);
  });

  test('an unknown kid: the JWKS is fetched once more, then refused; a key served since is accepted later', async () => {
    const kid = await users.rotate(false);
    const before = await snapshot();
    // the cached set first, so that the next fetch is the refetch
    assert.equal((await exchangeAs(await userToken('alice'))).status, 200);
    clock.advance(31);
    const fetches = users.fetches();
    const first = await exchangeAs(await userToken('alice', {}, { kid }));
    assertOAuthError(first, 400, 'invalid_grant', 'subject_token_invalid');
    assert.equal(first.body.reason, 'unknown_key');
    assert.equal(users.fetches(), fetches + 1, 'fetched once more');
    const second = await exchangeAs(await userToken('alice', {}, { kid }));
    assertOAuthError(second, 400, 'invalid_grant', 'subject_token_invalid');
    assert.equal(users.fetches(), fetches + 1, 'not again within JWKS_REFETCH_MIN_SECONDS');
    assert.deepEqual(await snapshot(), before);
    // the issuer rotates for real: once the refetch interval has passed, its new key works
    users.serve(kid);
    clock.advance(31);
    const rotated = await exchangeAs(await userToken('alice', {}, { kid }));
    assert.equal(rotated.status, 200, rotated.text);
    assert.equal(users.fetches(), fetches + 2);
  });

  test('a JWKS endpoint that answers an endless body is cut, and the exchange refused', async () => {
    const endless = await startKeyIssuer({ alg: 'RS256' });
    try {
      const ti = await A.post('/v1/trusted-issuers', {
        name: 'endless',
        kind: 'user',
        issuer: endless.iss,
        jwks_uri: endless.jwksUri,
        audience: ['vault'],
        algorithms: ['RS256'],
      });
      endless.setMode('endless');
      const before = await snapshot();
      const r = await exchangeAs(await endless.sign({ sub: 'alice', aud: 'vault' }));
      assertOAuthError(r, 400, 'invalid_grant', 'jwks_invalid');
      assert.match(r.body.error_description, /larger than 65536 bytes/);
      assert.equal(endless.fetches(), 1);
      for (let i = 0; i < 50 && endless.openStreams() > 0; i++)
        await new Promise((x) => setTimeout(x, 20));
      assert.equal(endless.openStreams(), 0, 'the vault dropped the connection');
      // remembered: no second fetch within the refetch interval
      assertOAuthError(
        await exchangeAs(await endless.sign({ sub: 'alice', aud: 'vault' })),
        400,
        'invalid_grant',
      );
      assert.equal(endless.fetches(), 1);
      assert.deepEqual(await snapshot(), before);
      await vault.call('DELETE', `/v1/trusted-issuers/${ti.id}`, A.adminKey);
    } finally {
      await endless.close();
    }
  });
});

describe('the request and its policies', () => {
  test('malformed requests are invalid_request / unsupported_grant_type, never problem+json', async () => {
    const subject = await userToken('alice');
    assertOAuthError(
      await exchange({ grant_type: 'client_credentials' }, { key: A.svcKey }),
      400,
      'unsupported_grant_type',
    );
    assertOAuthError(
      await exchange({ grant_type: TOKEN_EXCHANGE, audience: A.configId }, { key: A.svcKey }),
      400,
      'invalid_request',
    );
    assertOAuthError(
      await exchange(
        {
          grant_type: TOKEN_EXCHANGE,
          subject_token: subject,
          subject_token_type: 'urn:x',
          audience: A.configId,
        },
        { key: A.svcKey },
      ),
      400,
      'invalid_request',
      'unsupported_token_type',
    );
    assertOAuthError(
      await exchange(
        { grant_type: TOKEN_EXCHANGE, subject_token: subject, subject_token_type: TT.jwt },
        { key: A.svcKey },
      ),
      400,
      'invalid_request',
    );
    assertOAuthError(
      await exchange(
        {
          grant_type: TOKEN_EXCHANGE,
          subject_token: subject,
          subject_token_type: TT.jwt,
          resource: 'https://elsewhere/x',
        },
        { key: A.svcKey },
      ),
      400,
      'invalid_target',
    );
    assertOAuthError(
      await exchange(
        {
          grant_type: TOKEN_EXCHANGE,
          subject_token: subject,
          subject_token_type: TT.jwt,
          audience: A.configId,
          min_ttl: '4000',
        },
        { key: A.svcKey },
      ),
      400,
      'invalid_request',
    );
    const notJson = await vault.app.inject({
      method: 'POST',
      url: '/v1/oauth/token',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${A.svcKey}` },
      payload: '{"grant_type":',
    });
    assert.equal(notJson.statusCode, 400);
    assert.equal(notJson.json().error, 'invalid_request');
    // unknown parameters are ignored (RFC 6749 §3.2)
    const extra = await exchange(
      {
        grant_type: TOKEN_EXCHANGE,
        subject_token: subject,
        subject_token_type: TT.jwt,
        audience: A.configId,
        foo: 'bar',
        scope: 'anything',
      },
      { key: A.svcKey },
    );
    assert.equal(extra.status, 200, extra.text);
  });

  test('policies intersect: a proxy-only user issuer refuses raw tokens but issues proxy tokens', async () => {
    const own = await startKeyIssuer({ alg: 'ES256' });
    try {
      await A.post('/v1/trusted-issuers', {
        name: 'proxy-only users',
        kind: 'user',
        issuer: own.iss,
        jwks_uri: own.jwksUri,
        audience: ['vault'],
        algorithms: ['ES256'],
        policy: { token: false, proxy: ['jira:read'] },
      });
      const params = {
        grant_type: TOKEN_EXCHANGE,
        subject_token: await own.sign({ sub: 'alice', aud: 'vault' }),
        subject_token_type: TT.jwt,
        audience: A.configId,
      };
      const raw = await exchange(params, { key: A.svcKey });
      assertOAuthError(raw, 400, 'unauthorized_client', 'policy_denied');
      const proxy = await exchange(
        { ...params, requested_token_type: TT.proxy },
        { key: A.svcKey },
      );
      assert.equal(proxy.status, 200, proxy.text);
      // the key's policy binds too: a proxy-only key, whatever the issuer says
      const key = await A.post('/v1/api-keys', {
        name: 'p',
        role: 'service',
        policy: { token: false },
      });
      const viaKey = await exchange(
        { ...params, subject_token: await userToken('alice') },
        { key: key.key },
      );
      assertOAuthError(viaKey, 400, 'unauthorized_client', 'policy_denied');
      assert.deepEqual(viaKey.body.policy, { source: 'key', id: key.id });
    } finally {
      await own.close();
    }
  });

  test('a disabled or deleted issuer is refused at once; issuer validation refuses HMAC, none and private keys', async () => {
    const own = await startKeyIssuer({ alg: 'RS256' });
    try {
      const ti = await A.post('/v1/trusted-issuers', {
        name: 'short-lived',
        kind: 'user',
        issuer: own.iss,
        jwks_uri: own.jwksUri,
        audience: ['vault'],
        algorithms: ['RS256'],
      });
      assert.equal(ti.user_claim, 'sub');
      assert.deepEqual(ti.effective_policy, {
        token: true,
        proxy: [{ methods: ['*'], paths: ['**'] }],
        budget: null,
      });
      const params = async () => ({
        grant_type: TOKEN_EXCHANGE,
        subject_token: await own.sign({ sub: 'alice', aud: 'vault' }),
        subject_token_type: TT.jwt,
        audience: A.configId,
      });
      assert.equal((await exchange(await params(), { key: A.svcKey })).status, 200);
      const off = await vault.call('PATCH', `/v1/trusted-issuers/${ti.id}`, A.adminKey, {
        status: 'disabled',
      });
      assert.equal(off.status, 200, off.text);
      assertOAuthError(
        await exchange(await params(), { key: A.svcKey }),
        400,
        'invalid_grant',
        'subject_token_invalid',
      );
      await vault.call('PATCH', `/v1/trusted-issuers/${ti.id}`, A.adminKey, { status: 'enabled' });
      assert.equal((await exchange(await params(), { key: A.svcKey })).status, 200);
      assert.equal(
        (await vault.call('DELETE', `/v1/trusted-issuers/${ti.id}`, A.adminKey)).status,
        204,
      );
      assertOAuthError(
        await exchange(await params(), { key: A.svcKey }),
        400,
        'invalid_grant',
        'subject_token_invalid',
      );
      assert.equal(
        (await vault.call('GET', `/v1/trusted-issuers/${ti.id}`, A.adminKey)).status,
        404,
      );
    } finally {
      await own.close();
    }
    const base = {
      name: 'x',
      kind: 'user',
      issuer: 'https://idp.example.test',
      audience: ['vault'],
    };
    const refused = async (body: Record<string, unknown>, code?: string) => {
      const r = await vault.call('POST', '/v1/trusted-issuers', A.adminKey, { ...base, ...body });
      assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r.text}`);
      if (code) assert.equal(r.body.code, code);
    };
    const jwk = users.keys[0]!.publicJwk;
    await refused({ jwks: { keys: [jwk] }, algorithms: ['HS256'] });
    await refused({ jwks: { keys: [jwk] }, algorithms: ['none'] });
    await refused({ jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0', kid: 'h' }] } }, 'invalid_jwks');
    await refused({ jwks: { keys: [{ ...jwk, d: 'AAAA' }] } }, 'invalid_jwks');
    await refused({ jwks: { keys: [jwk] }, jwks_uri: users.jwksUri });
    await refused({});
    await refused({ jwks: { keys: [jwk] }, auth_config_ids: [] });
    await refused(
      { jwks: { keys: [jwk] }, auth_config_ids: [B.configId] },
      'auth_config_not_found',
    );
    await refused({ jwks: { keys: [jwk] }, user_id_template: 'no-placeholder' });
    const dup = await vault.call('POST', '/v1/trusted-issuers', A.adminKey, {
      ...base,
      issuer: users.iss,
      jwks: { keys: [jwk] },
    });
    assert.equal(dup.status, 409);
    assert.equal(dup.body.code, 'trusted_issuer_exists');
    // inline keys, a user id template and a config allow-list
    const inline = await A.post('/v1/trusted-issuers', {
      ...base,
      issuer: `https://inline-${randomBytes(3).toString('hex')}.example.test`,
      jwks: { keys: [jwk] },
      algorithms: ['RS256'],
      user_id_template: 'okta|{claim}',
      auth_config_ids: [A.configId],
    });
    assert.equal(inline.jwks_uri, null);
    assert.deepEqual(inline.jwks.keys[0].kid, jwk.kid);
    // B cannot see A's issuer
    assert.equal(
      (await vault.call('GET', `/v1/trusted-issuers/${inline.id}`, B.adminKey)).status,
      404,
    );
  });

  test('the audit trail names the key, the workload, the user and the decision', async () => {
    const t = await tenant(['dora']);
    const wl = await startKeyIssuer({ alg: 'ES256' });
    try {
      await t.post('/v1/trusted-issuers', {
        name: 'u',
        kind: 'user',
        issuer: users.iss,
        jwks_uri: users.jwksUri,
        audience: ['vault'],
        algorithms: ['RS256'],
      });
      const w = await t.post('/v1/trusted-issuers', {
        name: 'w',
        kind: 'workload',
        issuer: wl.iss,
        jwks_uri: wl.jwksUri,
        audience: ['cv'],
        algorithms: ['ES256'],
      });
      const params = {
        grant_type: TOKEN_EXCHANGE,
        subject_token: await userToken('dora'),
        subject_token_type: TT.jwt,
        audience: t.configId,
      };
      assert.equal((await exchange(params, { key: t.svcKey })).status, 200);
      assert.equal(
        (
          await exchange({
            ...params,
            actor_token: await wl.sign({ sub: 'ci:job-7', aud: 'cv' }),
            actor_token_type: TT.jwt,
          })
        ).status,
        200,
      );
      const expired = await userToken(
        'dora',
        {},
        { now: new Date(clock.now().getTime() - 7_200_000) },
      );
      assert.equal(
        (await exchange({ ...params, subject_token: expired }, { key: t.svcKey })).status,
        400,
      );
      await vault.deps.services.auditWriter.flush();
      const rows = (await vault.call('GET', '/v1/audit-events?limit=200', t.adminKey)).body
        .data as {
        action: string;
        actor_key_id: string;
        resource_id: string;
        details: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
      }[];
      const byKey = rows.find((r) => r.action === 'token.exchanged' && r.actor_key_id === t.svcId)!;
      assert.equal(byKey.resource_id, t.accounts.dora);
      assert.equal(byKey.details.user_id, 'dora');
      assert.equal(byKey.details.decision, 'allowed');
      assert.deepEqual(byKey.details.user, {
        issuer_id: byKey.details.user.issuer_id,
        subject: 'dora',
      });
      const byWorkload = rows.find(
        (r) => r.action === 'token.exchanged' && r.actor_key_id === w.id,
      )!;
      assert.deepEqual(byWorkload.details.workload, { issuer_id: w.id, subject: 'ci:job-7' });
      assert.equal(byWorkload.details.user.subject, 'dora');
      const denied = rows.find((r) => r.action === 'exchange.denied')!;
      assert.equal(denied.actor_key_id, t.svcId);
      assert.equal(denied.details.decision, 'denied');
      assert.equal(denied.details.error, 'invalid_grant');
      assert.equal(denied.details.reason, 'expired');
      // no token ever reaches the trail
      const text = JSON.stringify(rows);
      assert.ok(!text.includes(expired) && !text.includes(params.subject_token));
      assert.ok(!/"access_token"/.test(text));
      const logs = vault.logs.join('');
      assert.ok(!logs.includes(expired) && !logs.includes(params.subject_token), 'nor the logs');
    } finally {
      await wl.close();
    }
  });
});
