// fetch() through the vault's proxy (docs/proxy.md) to the emulated Jira, against a real vault
// process. These tests always run: a vault without the proxy route fails them.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { VaultError } from '../../clients/typescript/src/index.ts';
import { startClientFixture, type ClientFixture } from './setup.ts';

describe('client fetch() through the vault proxy', () => {
  let fx: ClientFixture;
  before(async () => {
    fx = await startClientFixture();
  });
  after(async () => {
    await fx?.close();
  });

  test('{connectedAccountId}: GET jira/rest/api/3/myself reaches the emulated Jira', async () => {
    const acct = await fx.connectAccount();
    const v = fx.client();
    const res = await v.fetch({ connectedAccountId: acct.accountId }, 'jira/rest/api/3/myself');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /json/);
    const me = (await res.json()) as { accountId: string; emailAddress: string };
    assert.equal(me.accountId, acct.emuUser.accountId);
    assert.equal(me.emailAddress, acct.emuUser.email);
  });

  test('{authConfigId, userId} and {authConfigId, connectedAccountId} reach it too', async () => {
    const acct = await fx.connectAccount();
    const v = fx.client();
    for (const sel of [
      { authConfigId: acct.configId, userId: acct.userId },
      { authConfigId: acct.configId, connectedAccountId: acct.accountId },
    ]) {
      const res = await v.fetch(sel, 'jira/rest/api/3/myself');
      assert.equal(res.status, 200, JSON.stringify(sel));
      assert.equal(((await res.json()) as { accountId: string }).accountId, acct.emuUser.accountId);
    }
  });

  test('a provider 429 comes back with its Retry-After, not retried by the client', async () => {
    const acct = await fx.connectAccount();
    const v = fx.client();
    fx.emu.setFaults({ target: 'api', status: 429, retryAfterSeconds: 7 });
    try {
      const res = await v.fetch({ connectedAccountId: acct.accountId }, 'jira/rest/api/3/myself');
      assert.equal(res.status, 429);
      assert.equal(res.headers.get('retry-after'), '7');
      await res.body?.cancel();
    } finally {
      fx.emu.clearFaults();
    }
  });

  test('a vault error (account disabled) is problem+json that VaultError.fromResponse reads', async () => {
    const acct = await fx.connectAccount();
    await fx.admin.connectedAccounts.disable(acct.accountId);
    const res = await fx
      .client()
      .fetch({ connectedAccountId: acct.accountId }, 'jira/rest/api/3/myself');
    assert.equal(res.status, 409);
    assert.match(res.headers.get('content-type') ?? '', /application\/problem\+json/);
    const err = await VaultError.fromResponse(res);
    assert.equal(err.accountStatus, 'DISABLED');
    assert.equal(err.retryable, false);
  });
});
