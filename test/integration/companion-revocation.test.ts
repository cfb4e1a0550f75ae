import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createVaultClient } from '../../clients/typescript/src/index.ts';
import { atlassianSetup, runFlow } from '../helpers/flow.ts';
import { ownFlowFixture, refreshesPerFamily } from '../helpers/own-fixture.ts';

type Fx = Awaited<ReturnType<typeof ownFlowFixture>>;

/** Moves the vault's clock, the client's (the same one) and the emulator's together. */
const advance = (fx: Fx, seconds: number) => {
  fx.clock.advance(seconds);
  fx.emu.clock.advance(seconds);
};

/** Whether Atlassian (the emulator) still takes the token now. */
const alive = async (fx: Fx, token: string) =>
  (
    await fetch(`${fx.emu.url}/oauth/token/accessible-resources`, {
      headers: { authorization: `Bearer ${token}` },
    })
  ).status === 200;

async function connected(fx: Fx) {
  const s = await atlassianSetup(fx.vault, fx.emu);
  const run = await runFlow(
    fx.vault,
    fx.emu,
    s.adminKey,
    { auth_config_id: s.configId, user_id: 'u' },
    { decision: 'approve', accountId: s.user.accountId },
  );
  assert.equal(run.final.status, 200, run.final.text);
  return { ...s, accountId: run.accountId };
}

test('cache_until: never past expires_at, and for Atlassian never past 10 minutes after the answer', async (t) => {
  const fx = await ownFlowFixture(t);
  const s = await connected(fx);
  const res = await fx.vault.call(
    'POST',
    `/v1/connected-accounts/${s.accountId}/token`,
    s.adminKey,
    {},
  );
  assert.equal(res.status, 200, res.text);
  const now = fx.clock.now().getTime();
  assert.equal(new Date(res.body.cache_until).getTime(), now + 600_000);
  // Later in the token's life the expiry comes first.
  advance(fx, 3400);
  const late = await fx.vault.call(
    'POST',
    `/v1/connected-accounts/${s.accountId}/token`,
    s.adminKey,
    { min_ttl: 60 },
  );
  assert.equal(late.status, 200, late.text);
  assert.equal(late.body.refreshed, false);
  assert.equal(late.body.cache_until, late.body.expires_at);
});

test('a client caching with min_ttl 60 never holds a token that another caller’s min_ttl 3000 had revoked', async (t) => {
  const fx = await ownFlowFixture(t);
  const s = await connected(fx);
  const url = await fx.vault.app.listen({ port: 0, host: '127.0.0.1' });
  const now = () => fx.clock.now().getTime();
  const a = createVaultClient({ url, apiKey: s.adminKey, now });
  const b = createVaultClient({ url, apiKey: s.adminKey, now });
  const selector = { connectedAccountId: s.accountId };

  // Two hours in steps of 100 s. Caller B asks for 3000 s of life every 10 minutes: whenever the
  // stored token has less, the vault refreshes, and Atlassian revokes the older token 10 minutes
  // later, long before its expiry. Caller A keeps its token in the client's cache for reuse.
  const handed = new Map<string, number>();
  let reused = 0;
  for (let step = 0; step < 72; step++) {
    if (step % 6 === 3) await b.token(selector, { minTtl: 3000 });
    const got = await a.token(selector);
    if (handed.has(got.access_token)) reused++;
    handed.set(got.access_token, new Date(got.expires_at!).getTime());
    assert.ok(
      await alive(fx, got.access_token),
      `step ${step}: the client handed out a dead token`,
    );
    assert.ok(new Date(got.cache_until!).getTime() <= new Date(got.expires_at!).getTime());
    advance(fx, 100);
  }
  const refreshes = refreshesPerFamily(fx.emu)[0] ?? 0;
  assert.ok(refreshes >= 3, `B's min_ttl forced refreshes (${refreshes})`);
  assert.ok(reused > 0, 'the client did reuse cached tokens');
  // The revocation is real: tokens A was handed died before their expiry (a cache keyed on
  // expires_at − min_ttl alone would still hand them out).
  let revokedEarly = 0;
  for (const [token, expiresAt] of handed)
    if (expiresAt - 60_000 > now() && !(await alive(fx, token))) revokedEarly++;
  assert.ok(revokedEarly > 0, 'some token A was handed was revoked before its expiry');
});
