// Proxy tokens across replicas: minted on replica A, used on replica B (whose caches are warm), and
// refused by B within a second of their key being revoked, their workload issuer deleted, or their
// key's policy narrowed through A. PostgreSQL only: two real processes, one database.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { startEmulator, type Emulator } from '../../src/emulator/index.ts';
import { startCluster } from '../helpers/cluster.ts';
import { TOKEN_EXCHANGE, TT, startKeyIssuer, type KeyIssuer } from '../helpers/identity.ts';
import type { VaultProcess } from '../helpers/process.ts';

const skip = process.env.TEST_DATABASE_URL ? false : 'needs PostgreSQL (run `npm run test:pg`)';
if (skip) process.stderr.write(`\n*** proxy-token-replicas tests skipped: ${skip} ***\n`);

/**
 * The promise, not a speed: from 1 s after the change committed (its answer is back, so the
 * commit came earlier still), every answer reflects it — checked on 30 requests in a row.
 */
async function honouredFrom(
  committedAt: number,
  label: string,
  probe: () => Promise<number>,
  want: number,
) {
  const wait = committedAt + 1_000 - Date.now();
  if (wait > 0) await sleep(wait);
  for (let i = 0; i < 30; i++) assert.equal(await probe(), want, `${label}: probe ${i}`);
}

describe('proxy tokens across replicas', { skip, concurrency: false }, () => {
  let emu: Emulator;
  let workloads: KeyIssuer;
  let users: KeyIssuer;
  before(async () => {
    emu = await startEmulator();
    workloads = await startKeyIssuer({ alg: 'ES256' });
    users = await startKeyIssuer({ alg: 'RS256' });
  });
  after(async () => {
    await Promise.all([workloads.close(), users.close()]);
    await emu.close();
  });

  test('revoking the key or the issuer, or narrowing the policy, on A stops the token on B', async (t) => {
    const c = await startCluster(emu);
    t.after(() => c.stop());
    const env = { ALLOW_PRIVATE_EGRESS: 'true' };
    const a = await c.spawn('api', env, true);
    const b = await c.spawn('api', env);
    const cfg = await c.authConfig(a);
    const user = emu.addUser({
      email: 'pt@example.com',
      name: 'PT',
      sites: [{ name: 'S', url: 'https://pt.atlassian.net' }],
    });
    const account = await c.connect(a, cfg.id, 'pat', user.accountId);
    const call = async (p: VaultProcess, bearer: string) =>
      (
        await fetch(`${p.url}/v1/connected-accounts/${account}/proxy/jira/rest/api/3/myself`, {
          headers: { authorization: `Bearer ${bearer}` },
        })
      ).status;

    // minted by a service key on A, used on B
    const svc = (await c.api(a, 'POST', '/v1/api-keys', { name: 'agent', role: 'service' })).body;
    const minted = await c.api(
      a,
      'POST',
      `/v1/connected-accounts/${account}/proxy-token`,
      {},
      svc.key,
    );
    assert.equal(minted.status, 200, JSON.stringify(minted.body));
    const pt = minted.body.access_token as string;
    for (let i = 0; i < 5; i++) assert.equal(await call(b, pt), 200);

    // the key's policy narrowed on A: B refuses what it no longer allows
    const narrowed = await c.api(a, 'PATCH', `/v1/api-keys/${svc.id}`, {
      policy: { proxy: ['confluence:read'] },
    });
    assert.equal(narrowed.status, 200);
    await honouredFrom(Date.now(), 'narrowed policy', () => call(b, pt), 403);
    await c.api(a, 'PATCH', `/v1/api-keys/${svc.id}`, { policy: null });
    await honouredFrom(Date.now(), 'widened again', () => call(b, pt), 200);

    // the key revoked on A
    assert.equal((await c.api(a, 'DELETE', `/v1/api-keys/${svc.id}`)).status, 200);
    await honouredFrom(Date.now(), 'revoked key', () => call(b, pt), 401);

    // exchanged on A for a workload acting for the user, used on B, the issuer deleted on A
    const post = async (body: Record<string, unknown>) => {
      const r = await c.api(a, 'POST', '/v1/trusted-issuers', body);
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return r.body as { id: string };
    };
    await post({
      name: 'u',
      kind: 'user',
      issuer: users.iss,
      jwks_uri: users.jwksUri,
      audience: ['vault'],
      algorithms: ['RS256'],
    });
    const wi = await post({
      name: 'w',
      kind: 'workload',
      issuer: workloads.iss,
      jwks_uri: workloads.jwksUri,
      audience: ['cv'],
      algorithms: ['ES256'],
    });
    const exchanged = await fetch(`${a.url}/v1/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: TOKEN_EXCHANGE,
        subject_token: await users.sign({ sub: 'pat', aud: 'vault' }),
        subject_token_type: TT.jwt,
        actor_token: await workloads.sign({ sub: 'agent', aud: 'cv' }),
        actor_token_type: TT.jwt,
        audience: cfg.id,
        requested_token_type: TT.proxy,
      }),
    });
    const body = (await exchanged.json()) as { access_token: string };
    assert.equal(exchanged.status, 200, JSON.stringify(body));
    for (let i = 0; i < 5; i++) assert.equal(await call(b, body.access_token), 200);
    assert.equal((await c.api(a, 'DELETE', `/v1/trusted-issuers/${wi.id}`)).status, 204);
    await honouredFrom(Date.now(), 'deleted issuer', () => call(b, body.access_token), 401);
  });
});
