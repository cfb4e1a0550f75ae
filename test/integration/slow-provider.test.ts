// A slow provider holds no database connection: while tenant A's POST /v1/connected-accounts waits
// on a token endpoint that answers only when the test says so, tenant B's reads, a token request
// with a key the vault has not cached yet, and an admin change (with its audit row) all complete.
// The embedded database has one connection: a transaction left open across A's provider call would
// queue all of them behind A. On PostgreSQL it would hold a pool connection, idle in transaction.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { openTestDatabase, usingPostgres } from '../helpers/database.ts';
import { openOwnDatabase } from '../helpers/own-database.ts';
import { startTestVault, type TestVault } from '../helpers/vault.ts';

/** A token endpoint: `/held/token` answers once released, `/quick/token` at once. */
async function tokenServer() {
  const held: (() => void)[] = [];
  let arrived!: () => void;
  const heldArrived = new Promise<void>((resolve) => (arrived = resolve));
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const answer = () =>
        res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            access_token: `at-${randomBytes(12).toString('hex')}`,
            token_type: 'Bearer',
            expires_in: 3600,
          }),
        );
      if (req.url !== '/held/token') return answer();
      held.push(answer);
      arrived();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    heldArrived,
    release: () => held.splice(0).forEach((answer) => answer()),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const clientCredentialsConfig = (tokenUrl: string) => ({
  name: 'service',
  provider: 'oauth2',
  auth_scheme: 'client_credentials',
  client_id: `client-${randomBytes(4).toString('hex')}`,
  client_secret: `cs-${randomBytes(24).toString('hex')}`,
  scopes: ['read'],
  oauth2: { token_url: tokenUrl, token_request_format: 'form' },
});

async function created(vault: TestVault, key: string, path: string, body: unknown) {
  const res = await vault.call('POST', path, key, body);
  assert.equal(res.status, 201, `${path}: ${res.text}`);
  return res.body;
}

test('a slow provider call of tenant A holds nothing that tenant B needs', async (t) => {
  const own = usingPostgres() ? await openTestDatabase() : await openOwnDatabase();
  const vault = await startTestVault({
    database: own,
    env: { ALLOW_PRIVATE_EGRESS: 'true', PROVIDER_TIMEOUT_MS: '120000' },
  });
  const provider = await tokenServer();
  t.after(async () => {
    provider.release();
    await vault.close();
    await provider.close();
  });

  const a = await vault.newTenant();
  const b = await vault.newTenant();
  const aConfig = await created(
    vault,
    a.adminKey,
    '/v1/auth-configs',
    clientCredentialsConfig(`${provider.base}/held/token`),
  );
  const bConfig = await created(
    vault,
    b.adminKey,
    '/v1/auth-configs',
    clientCredentialsConfig(`${provider.base}/quick/token`),
  );
  const bAccount = await created(vault, b.adminKey, '/v1/connected-accounts', {
    auth_config_id: bConfig.id,
    user_id: 'b-bot',
  });
  // A key that has never been verified: its lookup must reach the database while A waits.
  const bKey = await created(vault, b.adminKey, '/v1/api-keys', { name: 'svc', role: 'service' });

  const order: string[] = [];
  const done = <T>(label: string, p: Promise<T>) =>
    p.then((r) => {
      order.push(label);
      return r;
    });
  const aCreate = done(
    'A creates an account',
    vault.call('POST', '/v1/connected-accounts', a.adminKey, {
      auth_config_id: aConfig.id,
      user_id: 'a-bot',
    }),
  );
  await provider.heldArrived;
  // Should B's requests queue behind A, A is let go after a while so that the test fails on the
  // order below instead of hanging.
  const valve = setTimeout(provider.release, 60_000);
  t.after(() => clearTimeout(valve));

  const bChangeId = `slow-b-${randomBytes(6).toString('hex')}`;
  const [list, token, change] = await Promise.all([
    done('B lists auth configs', vault.call('GET', '/v1/auth-configs', b.adminKey)),
    done(
      'B reads a token with a new key',
      vault.call('POST', `/v1/connected-accounts/${bAccount.id}/token`, bKey.key),
    ),
    done(
      'B creates an auth config',
      vault.call(
        'POST',
        '/v1/auth-configs',
        b.adminKey,
        clientCredentialsConfig(`${provider.base}/quick/token`),
        { 'x-request-id': bChangeId },
      ),
    ),
  ]);
  assert.equal(list.status, 200, list.text);
  assert.equal(token.status, 200, token.text);
  assert.equal(change.status, 201, change.text);
  assert.deepEqual(order.slice().sort(), [
    'B creates an auth config',
    'B lists auth configs',
    'B reads a token with a new key',
  ]);
  const auditRow = (await vault.deps.database.db.execute(
    sql`select action, resource_id from audit_events where details->>'request_id' = ${bChangeId}`,
  )) as unknown as { rows: { action: string; resource_id: string }[] };
  assert.deepEqual(auditRow.rows, [
    { action: 'POST /v1/auth-configs', resource_id: change.body.id },
  ]);

  if (usingPostgres()) {
    // Nothing B did is still running (the token count is flushed now, not by the timer later).
    await vault.deps.services.auditWriter.flush();
    const observer = new pg.Client({ connectionString: (own as { url?: string }).url });
    await observer.connect();
    try {
      const open = await observer.query(
        `select state, query from pg_stat_activity
          where datname = current_database() and pid <> pg_backend_pid()
            and state like 'idle in transaction%'`,
      );
      assert.deepEqual(open.rows, [], 'no connection is idle in a transaction while A waits');
    } finally {
      await observer.end();
    }
    const pool = vault.deps.database.pool!;
    assert.equal(pool.totalCount - pool.idleCount, 0, 'the pool lends no client to A');
  } else {
    t.diagnostic('pg_stat_activity and the pool: PostgreSQL only (PGlite has neither)');
  }

  assert.equal(order.includes('A creates an account'), false, 'A is still waiting');
  provider.release();
  const aRes = await aCreate;
  assert.equal(aRes.status, 201, aRes.text);
  assert.equal(aRes.body.status, 'ACTIVE');
  assert.equal(order.at(-1), 'A creates an account');
});
