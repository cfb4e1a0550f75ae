import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isDatabaseUnavailable } from '../../src/db/errors.ts';
import { atlassianSetup, pathOf, runFlow, startFlowFixture } from '../helpers/flow.ts';
import { openOutageDatabase } from '../helpers/outage.ts';

/**
 * A database that stops answering is a 503 `service_unavailable` (docs/operations.md#health), never
 * a domain answer that hides it: not "auth config not found", not "link used up", not "lost".
 */
describe('when the database does not answer', () => {
  test('creating an account, opening a link and a leased refresh surface the outage', async () => {
    const db = await openOutageDatabase();
    const fx = await startFlowFixture({ database: db });
    try {
      const s = await atlassianSetup(fx.vault, fx.emu);
      const run = await runFlow(
        fx.vault,
        fx.emu,
        s.adminKey,
        { auth_config_id: s.configId, user_id: 'u' },
        { decision: 'approve', accountId: s.user.accountId },
      );
      const pending = await fx.vault.call('POST', '/v1/connected-accounts', s.adminKey, {
        auth_config_id: s.configId,
        user_id: 'later',
      });
      assert.equal(pending.status, 201);
      const row = await fx.vault.deps.services.accounts.get(s.tenantId, run.accountId);

      await db.cut();
      // The admin key's verification is cached, so these requests get as far as the service.
      const created = await fx.vault.call('POST', '/v1/connected-accounts', s.adminKey, {
        auth_config_id: s.configId,
        user_id: 'v',
      });
      assert.equal(created.status, 503, created.text);
      assert.equal(created.body.code, 'service_unavailable');
      assert.ok(created.headers['retry-after']);

      const opened = await fx.vault.call('GET', pathOf(pending.body.redirect_url));
      assert.equal(opened.status, 503, opened.text);

      await assert.rejects(
        fx.vault.deps.services.refresh.refreshLeased(row),
        (err: unknown) => isDatabaseUnavailable(err),
        'a refresh that cannot read its config is an outage, not a lost race',
      );
    } finally {
      await fx.close();
    }
  });
});
