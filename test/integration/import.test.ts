// Import of grants another system holds (docs/moving.md#import), over the HTTP API against the
// emulator: each record is verified by one refresh (the hand-off) and discovery, stored ACTIVE,
// and never imported twice. The tests run in order on one vault and emulator, each with its own
// tenant; the counters are read as differences or after a reset at the test's start.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Emulator } from '../../src/emulator/index.ts';
import { assertNowhere, myself } from '../helpers/credentials.ts';
import { atlassianSetup, startFlowFixture } from '../helpers/flow.ts';
import { atlassianConfig } from '../helpers/fixtures.ts';
import { githubConnected, githubSetup, githubWhoAmI, storedTokens } from '../helpers/github.ts';
import { sourceGrant, type SourceGrant } from '../helpers/source-grants.ts';
import type { TestVault } from '../helpers/vault.ts';

let vault: TestVault;
let emu: Emulator;
let close: () => Promise<void>;
before(async () => ({ vault, emu, close } = await startFlowFixture()));
after(() => close());

type Setup = Awaited<ReturnType<typeof atlassianSetup>>;
const appOf = (s: Setup) => ({
  clientId: s.clientId,
  clientSecret: s.clientSecret,
  callbackUrl: s.callbackUrl,
  scopes: ['read:jira-work', 'read:jira-user'],
});

const importRecords = (key: string, body: unknown, query = '') =>
  vault.call('POST', `/v1/connected-accounts/import${query}`, key, body);

/** Every account of the tenant, through the list endpoint's pages. */
async function listAll(key: string, query = '') {
  const all: { id: string; status: string; tags?: string[] }[] = [];
  let cursor = '';
  for (;;) {
    const res = await vault.call(
      'GET',
      `/v1/connected-accounts?limit=200${query}${cursor ? `&cursor=${cursor}` : ''}`,
      key,
    );
    assert.equal(res.status, 200, res.text);
    all.push(...res.body.data);
    if (!res.body.next_cursor) return all;
    cursor = res.body.next_cursor;
  }
}

test('1,000 records: the good ones ACTIVE with working tokens, the bad ones reported and not stored, a second import changes nothing', async () => {
  const s = await atlassianSetup(vault, emu);
  // A second config of the tenant, disabled; and another tenant's config.
  const disabled = await vault.call('POST', '/v1/auth-configs', s.adminKey, atlassianConfig());
  assert.equal(disabled.status, 201, disabled.text);
  const off = await vault.call('POST', `/v1/auth-configs/${disabled.body.id}/disable`, s.adminKey);
  assert.equal(off.status, 200, off.text);
  const other = await atlassianSetup(vault, emu);

  const GOOD = 900;
  const grants: SourceGrant[] = [];
  for (let i = 0; i < GOOD; i++) grants.push(await sourceGrant(emu, appOf(s), s.user));
  const record = (i: number, over: Record<string, unknown> = {}) => ({
    auth_config_id: s.configId,
    user_id: `user-${i}`,
    refresh_token: grants[i]?.refreshToken ?? `dead-refresh-token-${i}`,
    access_token: grants[i]?.accessToken,
    consented_at: '2026-06-01T00:00:00Z',
    external_id: `src-${i}`,
    tags: ['imported', `batch-${i % 2}`],
    ...over,
  });
  const records = [
    ...grants.map((_, i) => record(i)),
    // refresh tokens the provider does not know (spent or revoked at the source)
    ...Array.from({ length: 40 }, (_, i) => record(GOOD + i)),
    // the same records again further down the file
    ...Array.from({ length: 30 }, (_, i) => record(i * 3)),
    ...Array.from({ length: 20 }, (_, i) => record(2000 + i, { auth_config_id: disabled.body.id })),
    ...Array.from({ length: 10 }, (_, i) => record(3000 + i, { auth_config_id: other.configId })),
  ];
  assert.equal(records.length, 1000);
  emu.resetCounters();

  const res = await importRecords(s.adminKey, records);
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.body.counts, {
    total: 1000,
    imported: GOOD,
    unchanged: 0,
    valid: 0,
    failed: 100,
  });
  const codes = (from: number, to: number) =>
    new Set(res.body.results.slice(from, to).map((r: { code: string | null }) => r.code));
  assert.deepEqual(codes(0, GOOD), new Set([null]));
  assert.deepEqual(codes(GOOD, GOOD + 40), new Set(['refresh_token_invalid']));
  assert.deepEqual(codes(GOOD + 40, GOOD + 70), new Set(['duplicate_record']));
  assert.deepEqual(codes(GOOD + 70, GOOD + 90), new Set(['auth_config_disabled']));
  assert.deepEqual(codes(GOOD + 90, 1000), new Set(['auth_config_not_found']));
  assert.ok(res.body.results.slice(0, GOOD).every((r: { refreshed: boolean }) => r.refreshed));
  // No token the file carried (nor any new one) is in the answer.
  for (const g of grants.slice(0, 20)) assertNowhere(g.refreshToken, [res.text], 'refresh token');

  // One refresh per imported account, no reuse: the source's tokens were each spent once.
  const counters = emu.counters();
  const families = Object.values(counters.refreshesByFamily);
  assert.equal(families.length, GOOD);
  assert.ok(families.every((n) => n === 1));
  assert.equal(counters.reuseOutsideLeeway, 0);
  assert.equal(counters.reuseInsideLeeway, 0);

  // Exactly the good ones are stored, ACTIVE, with the sites and identity discovery found.
  const stored = await listAll(s.adminKey);
  assert.equal(stored.length, GOOD);
  assert.ok(stored.every((a) => a.status === 'ACTIVE'));
  assert.equal((await listAll(other.adminKey)).length, 0);
  const first = res.body.results[0].connected_account_id as string;
  const acct = await vault.call('GET', `/v1/connected-accounts/${first}`, s.adminKey);
  assert.equal(acct.body.identity.account_id, s.user.accountId);
  assert.equal(acct.body.selected_site.cloud_id, acct.body.sites[0].cloud_id);
  // The 365-day limit counts from the consent the record states.
  assert.equal(acct.body.family_expires_at, '2027-06-01T00:00:00.000Z');

  // A sample of tokens works at the provider.
  for (const r of res.body.results.slice(0, 900).filter((_: unknown, i: number) => i % 150 === 0)) {
    const tok = await vault.call(
      'POST',
      `/v1/connected-accounts/${r.connected_account_id}/token`,
      s.adminKey,
      {},
    );
    assert.equal(tok.status, 200, tok.text);
    assert.equal((await myself(tok.body)).status, 200);
  }

  // The same file again: nothing changes, nothing is spent.
  const before2 = emu.counters();
  const again = await importRecords(s.adminKey, records);
  assert.equal(again.status, 200, again.text);
  assert.equal(again.body.counts.imported, 0);
  assert.equal(again.body.counts.unchanged, GOOD);
  assert.equal(again.body.results[0].connected_account_id, first);
  assert.equal(emu.counters().refreshes, before2.refreshes);
  assert.equal((await listAll(s.adminKey)).length, GOOD);

  // Tags filter the list.
  assert.equal((await listAll(s.adminKey, '&tags=batch-1')).length, GOOD / 2);
  assert.equal((await listAll(s.adminKey, '&tags=imported&tags=batch-0')).length, GOOD / 2);
});

test('dry_run checks shapes, configs and idempotency without a provider call or a write', async () => {
  const s = await atlassianSetup(vault, emu);
  const g = await sourceGrant(emu, appOf(s), s.user);
  const before = emu.counters().tokenRequests;
  const res = await importRecords(
    s.adminKey,
    [
      {
        auth_config_id: s.configId,
        user_id: 'u1',
        refresh_token: g.refreshToken,
        external_id: 'a',
      },
      { auth_config_id: s.configId, user_id: 'u2', external_id: 'b' },
      { auth_config_id: s.configId, user_id: 'u3', refresh_token: 'x', external_id: 'c', extra: 1 },
      'not a record',
    ],
    '?dry_run=true',
  );
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(
    res.body.results.map((r: { status: string; code: string | null }) => [r.status, r.code]),
    [
      ['valid', null],
      ['failed', 'invalid_record'],
      ['failed', 'invalid_record'],
      ['failed', 'invalid_record'],
    ],
  );
  assert.match(res.body.results[1].detail, /refresh_token/);
  assert.equal(emu.counters().tokenRequests, before);
  assert.equal((await listAll(s.adminKey)).length, 0);
  // The grant is still the source's: a real import takes it.
  const real = await importRecords(s.adminKey, [
    { auth_config_id: s.configId, user_id: 'u1', refresh_token: g.refreshToken, external_id: 'a' },
  ]);
  assert.equal(real.body.counts.imported, 1, real.text);
});

test('a Nango export as NDJSON, its provider_config_key mapped to a config', async () => {
  const s = await atlassianSetup(vault, emu);
  const g = await sourceGrant(emu, appOf(s), s.user);
  const cloudId = s.user.sites[0]!.id;
  const nango = {
    id: 17,
    connection_id: 'conn-ada',
    provider_config_key: 'jira-prod',
    provider: 'jira',
    created_at: '2026-03-01T10:00:00.000Z',
    end_user: { id: 'ada' },
    connection_config: { cloudId, baseUrl: 'https://example.atlassian.net' },
    credentials: {
      type: 'OAUTH2',
      access_token: g.accessToken,
      refresh_token: g.refreshToken,
      expires_at: new Date(Date.now() + 3_000_000).toISOString(),
      raw: { scope: 'read:jira-work read:jira-user offline_access' },
    },
  };
  const unmapped = { ...nango, connection_id: 'conn-x', provider_config_key: 'unknown' };
  const body = `${JSON.stringify(nango)}\n${JSON.stringify(unmapped)}\n{not json\n`;
  const res = await vault.call(
    'POST',
    `/v1/connected-accounts/import?config_map=jira-prod=${s.configId}`,
    s.adminKey,
    body,
    { 'content-type': 'application/x-ndjson' },
  );
  assert.equal(res.status, 200, res.text);
  assert.equal(res.body.format, 'nango');
  assert.deepEqual(
    res.body.results.map((r: { status: string; code: string | null }) => [r.status, r.code]),
    [
      ['imported', null],
      ['failed', 'config_not_mapped'],
      ['failed', 'invalid_record'],
    ],
  );
  const acct = await vault.call(
    'GET',
    `/v1/connected-accounts/${res.body.results[0].connected_account_id}`,
    s.adminKey,
  );
  assert.equal(acct.body.user_id, 'ada');
  assert.equal(acct.body.selected_site.cloud_id, cloudId);
  assert.equal(acct.body.family_expires_at, '2027-03-01T10:00:00.000Z');
  assert.equal(acct.body.external_id, 'conn-ada');

  // Tags are set later with PATCH, and filter the list.
  const id = acct.body.id as string;
  const tagged = await vault.call('PATCH', `/v1/connected-accounts/${id}`, s.adminKey, {
    tags: ['team-a', 'migrated'],
  });
  assert.equal(tagged.status, 200, tagged.text);
  assert.deepEqual(tagged.body.tags, ['team-a', 'migrated']);
  assert.deepEqual(
    (await listAll(s.adminKey, '&tags=team-a')).map((a) => a.id),
    [id],
  );
  assert.equal((await listAll(s.adminKey, '&tags=team-b')).length, 0);
  const spaced = await vault.call('PATCH', `/v1/connected-accounts/${id}`, s.adminKey, {
    tags: ['no spaces allowed'],
  });
  assert.equal(spaced.status, 400, spaced.text);
});

test('the import route is for admins and refuses a malformed config_map', async () => {
  const s = await atlassianSetup(vault, emu);
  const svc = await vault.call('POST', `/v1/tenants/${s.tenantId}/api-keys`, vault.operatorKey, {
    name: 'svc',
    role: 'service',
  });
  const denied = await importRecords(svc.body.key, []);
  assert.equal(denied.status, 403, denied.text);
  const bad = await importRecords(s.adminKey, [], '?config_map=nokey');
  assert.equal(bad.status, 400, bad.text);
});

test('a GitHub grant: one refresh (GitHub keeps no leeway) and the user’s identity, then its token works', async () => {
  const s = await githubSetup(vault, emu);
  const source = await githubConnected(vault, emu, s, 'octo');
  // The source holds the grant: here an account of this vault, deleted once its token is read.
  const { refreshToken } = await storedTokens(vault, s.tenantId, source);
  const gone = await vault.call('DELETE', `/v1/connected-accounts/${source}`, s.adminKey);
  assert.equal(gone.status, 204, gone.text);
  const before = { ...emu.counters().github.refreshesByFamily };
  const res = await importRecords(s.adminKey, [
    {
      auth_config_id: s.configId,
      user_id: 'octo',
      refresh_token: refreshToken,
      external_id: 'gh-octo',
    },
  ]);
  assert.equal(res.status, 200, res.text);
  assert.equal(res.body.results[0].status, 'imported', res.text);
  const after = emu.counters().github.refreshesByFamily;
  const moved = Object.keys(after).filter((f) => after[f] !== before[f]);
  assert.equal(moved.length, 1);
  assert.equal(after[moved[0]!]! - (before[moved[0]!] ?? 0), 1);
  const id = res.body.results[0].connected_account_id as string;
  const acct = await vault.call('GET', `/v1/connected-accounts/${id}`, s.adminKey);
  assert.equal(acct.body.identity.login, s.user.login);
  const tok = await vault.call('POST', `/v1/connected-accounts/${id}/token`, s.adminKey, {});
  assert.equal(tok.status, 200, tok.text);
  assert.equal(await githubWhoAmI(emu, tok.body.access_token), s.user.login);
  // The spent token, imported again under another id, is refused: GitHub has no reuse leeway.
  const spent = await importRecords(s.adminKey, [
    { auth_config_id: s.configId, user_id: 'octo', refresh_token: refreshToken, external_id: 'x' },
  ]);
  assert.equal(spent.body.results[0].code, 'refresh_token_invalid', spent.text);
});

test('Vault oauthapp credentials: the name is the external id, the config comes from the query', async () => {
  const s = await atlassianSetup(vault, emu);
  const g = await sourceGrant(emu, appOf(s), s.user);
  const res = await importRecords(
    s.adminKey,
    [
      {
        name: 'jira-ada',
        refresh_token: g.refreshToken,
        access_token: g.accessToken,
        expire_time: '2026-12-02T12:00:00Z',
      },
      { name: 'jira-bob', expire_time: 'not a date', refresh_token: 'x' },
    ],
    `?format=vault&auth_config_id=${s.configId}`,
  );
  assert.equal(res.status, 200, res.text);
  assert.equal(res.body.format, 'vault');
  assert.deepEqual(
    res.body.results.map((r: { status: string; code: string | null }) => [r.status, r.code]),
    [
      ['imported', null],
      ['failed', 'invalid_record'],
    ],
  );
  assert.match(res.body.results[1].detail, /expires_at/);
  const acct = await vault.call(
    'GET',
    `/v1/connected-accounts/${res.body.results[0].connected_account_id}`,
    s.adminKey,
  );
  assert.deepEqual([acct.body.user_id, acct.body.external_id], ['jira-ada', 'jira-ada']);
});
