// token()/authorization() against a real vault process and the emulator: caching and joining
// counted on the vault's own metrics, and a revoked grant surfacing as a 409 with its reason.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { VaultError } from '../../clients/typescript/src/index.ts';
import { startClientFixture, type ClientFixture } from './setup.ts';

describe('client token() against a real vault', () => {
  let fx: ClientFixture;
  before(async () => {
    fx = await startClientFixture();
  });
  after(async () => {
    await fx?.close();
  });

  test('two calls cost one vault request, and the answer is the vault’s', async () => {
    const acct = await fx.connectAccount();
    const v = fx.client();
    const before_ = await fx.tokenRequests();
    const a = await v.token({ authConfigId: acct.configId, userId: acct.userId });
    const b = await v.token({ authConfigId: acct.configId, userId: acct.userId });
    assert.equal(await fx.tokenRequests(), before_ + 1);
    assert.equal(b, a);
    assert.equal(a.connected_account_id, acct.accountId);
    assert.equal(a.token_type, 'Bearer');
    assert.ok(a.expires_in! > 3000, `expires_in ${a.expires_in}`);
    assert.match(a.api_base_url ?? '', /\/ex\/jira\//);
    assert.equal(
      await v.authorization({ authConfigId: acct.configId, userId: acct.userId }),
      `Bearer ${a.access_token}`,
    );
    assert.equal(await fx.tokenRequests(), before_ + 1);
  });

  test('50 concurrent calls cost one vault request', async () => {
    const acct = await fx.connectAccount();
    const v = fx.client();
    const before_ = await fx.tokenRequests();
    const all = await Promise.all(
      Array.from({ length: 50 }, () => v.token({ connectedAccountId: acct.accountId })),
    );
    assert.equal(await fx.tokenRequests(), before_ + 1);
    assert.ok(all.every((r) => r.access_token === all[0]!.access_token));
    // another selector of the same account is its own cache entry: one more request
    await Promise.all(
      Array.from({ length: 10 }, () =>
        v.token({ authConfigId: acct.configId, connectedAccountId: acct.accountId }),
      ),
    );
    assert.equal(await fx.tokenRequests(), before_ + 2);
  });

  test('a minTtl the cached answer cannot meet goes to the vault', async () => {
    const acct = await fx.connectAccount();
    const v = fx.client();
    const sel = { connectedAccountId: acct.accountId };
    const before_ = await fx.tokenRequests();
    const first = await v.token(sel);
    await v.token(sel, { minTtl: 3300 }); // the 3600 s token still has more than that
    assert.equal(await fx.tokenRequests(), before_ + 1);
    v.invalidate(sel);
    const again = await v.token(sel);
    assert.equal(await fx.tokenRequests(), before_ + 2);
    assert.equal(again.access_token, first.access_token, 'the vault had no reason to refresh');
  });

  test('a revoked grant needing a refresh is a 409 with the account’s status and reason', async () => {
    // Short tokens, so that a min_ttl close to their life needs a refresh after a moment; the
    // refresh finds the grant revoked (invalid_grant) and the account turns EXPIRED.
    const ttl = 6;
    const acct = await fx.connectAccount({ accessTokenTtlSeconds: ttl });
    const v = fx.client();
    const sel = { authConfigId: acct.configId, userId: acct.userId };
    fx.emu.revokeGrant(acct.emuUser.accountId, acct.clientId);
    // Past half the token's life, every reading of the min_ttl contract asks for a refresh.
    const account = await fx.admin.connectedAccounts.get(acct.accountId);
    const half = Date.parse(account.expires_at!) - (ttl / 2) * 1000 + 200;
    await new Promise((r) => setTimeout(r, Math.max(0, half - Date.now())));
    const err = await v.token(sel, { minTtl: ttl - 1 }).catch((e: unknown) => e);
    assert.ok(err instanceof VaultError, String(err));
    assert.equal(err.status, 409);
    assert.equal(err.code, 'connected_account_not_active');
    assert.equal(err.retryable, false);
    assert.equal(err.accountStatus, 'EXPIRED');
    assert.equal(err.statusReason, 'refresh_token_invalid');
    assert.match(err.requestId ?? '', /\S/);
    assert.ok(!err.message.includes(fx.adminKey));
    // nothing is cached for it: asking again asks the vault again, and gets the same answer
    const again = await v.token(sel).catch((e: unknown) => e);
    assert.equal((again as VaultError).statusReason, 'refresh_token_invalid');
  });
});
