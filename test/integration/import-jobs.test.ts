// Import jobs (docs/moving.md#import-jobs): the same import in the background, its counts and
// results read back by id; one running job per tenant; another tenant's job is not found.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as tick } from 'node:timers/promises';
import type { Emulator } from '../../src/emulator/index.ts';
import { atlassianSetup, startFlowFixture } from '../helpers/flow.ts';
import { sourceGrant } from '../helpers/source-grants.ts';
import type { TestVault } from '../helpers/vault.ts';

let vault: TestVault;
let emu: Emulator;
let close: () => Promise<void>;
before(async () => ({ vault, emu, close } = await startFlowFixture()));
after(() => close());

/** The job once it has ended: polled (the job runs on this process's event loop), never timed. */
async function ended(key: string, id: string) {
  for (let i = 0; i < 2_000; i++) {
    const res = await vault.call('GET', `/v1/connected-accounts/import-jobs/${id}`, key);
    assert.equal(res.status, 200, res.text);
    if (res.body.status !== 'running') return res.body;
    await tick(10);
  }
  throw new Error('the job did not end');
}

test('a background import: 202 with the job, then its counts and every record’s result', async () => {
  const s = await atlassianSetup(vault, emu);
  const app = {
    clientId: s.clientId,
    clientSecret: s.clientSecret,
    callbackUrl: s.callbackUrl,
    scopes: ['read:jira-work', 'read:jira-user'],
  };
  const records = [];
  for (let i = 0; i < 120; i++) {
    records.push({
      auth_config_id: s.configId,
      user_id: `u${i}`,
      refresh_token: i < 110 ? (await sourceGrant(emu, app, s.user)).refreshToken : `dead-${i}`,
      external_id: `job-${i}`,
    });
  }
  const started = await vault.call(
    'POST',
    '/v1/connected-accounts/import-jobs',
    s.adminKey,
    records,
  );
  assert.equal(started.status, 202, started.text);
  assert.match(started.body.id, /^ij_/);
  assert.equal(started.body.status, 'running');
  assert.equal(started.body.counts.total, 120);

  // A second job of the same tenant waits for the first.
  const second = await vault.call('POST', '/v1/connected-accounts/import-jobs', s.adminKey, []);
  assert.equal(second.status, 409, second.text);
  assert.equal(second.body.code, 'import_job_running');

  const job = await ended(s.adminKey, started.body.id);
  assert.equal(job.status, 'done');
  assert.deepEqual(job.counts, {
    total: 120,
    done: 120,
    imported: 110,
    unchanged: 0,
    valid: 0,
    failed: 10,
  });
  assert.equal(job.results.length, 120);
  assert.equal(job.results[119].code, 'refresh_token_invalid');
  for (const r of records.slice(0, 5)) assert.ok(!JSON.stringify(job).includes(r.refresh_token));

  // Done: the tenant may start another, and the same records are unchanged.
  const again = await vault.call(
    'POST',
    '/v1/connected-accounts/import-jobs?dry_run=true',
    s.adminKey,
    records,
  );
  assert.equal(again.status, 202, again.text);
  const dry = await ended(s.adminKey, again.body.id);
  assert.deepEqual([dry.counts.unchanged, dry.counts.failed], [110, 0]);

  // Another tenant does not see the job.
  const other = await vault.newTenant();
  const theirs = await vault.call(
    'GET',
    `/v1/connected-accounts/import-jobs/${started.body.id}`,
    other.adminKey,
  );
  assert.equal(theirs.status, 404, theirs.text);
});
