// The admin helpers and verifyWebhook against a real vault process: every call typed from the
// generated OpenAPI types, list() paging through next_cursor, and a real signed delivery.
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import {
  VaultError,
  WebhookVerificationError,
  verifyWebhook,
} from '../../clients/typescript/src/index.ts';
import { startClientFixture, type ClientFixture } from './setup.ts';

const SCOPES = ['read:jira-work'];

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (e: unknown) => (e instanceof VaultError ? `${e.status} ${e.code}` : String(e)),
  );

describe('client admin helpers and webhooks against a real vault', () => {
  let fx: ClientFixture;
  before(async () => {
    fx = await startClientFixture();
  });
  after(async () => {
    await fx?.close();
  });

  test('auth configs: create, get, list, update, disable/enable, delete', async () => {
    const a = fx.admin.authConfigs;
    const cfg = await a.create({
      name: 'Admin helpers',
      provider: 'atlassian',
      client_id: `client-${randomBytes(4).toString('hex')}`,
      client_secret: `cs-${randomBytes(16).toString('hex')}`,
      scopes: SCOPES,
    });
    assert.match(cfg.id, /^ac_/);
    assert.match(cfg.callback_url, /^http:\/\/127\.0\.0\.1:\d+\/v1\/oauth\/callback/);
    assert.equal(cfg.client_secret.set, true);
    assert.equal((await a.get(cfg.id)).name, 'Admin helpers');

    const ids: string[] = [];
    for await (const c of a.list({ limit: 1 })) ids.push(c.id);
    assert.ok(ids.includes(cfg.id));
    assert.equal(new Set(ids).size, ids.length, 'no item twice across pages');
    const first = await a.page({ limit: 1 });
    assert.equal(first.data.length, 1);

    assert.equal((await a.update(cfg.id, { name: 'Renamed' })).name, 'Renamed');
    assert.equal((await a.disable(cfg.id)).status, 'disabled');
    const disabled: string[] = [];
    for await (const c of a.list({ status: 'disabled' })) disabled.push(c.id);
    assert.deepEqual(disabled, [cfg.id]);
    assert.equal((await a.enable(cfg.id)).status, 'enabled');
    assert.equal(await a.delete(cfg.id), undefined);
    assert.equal(await codeOf(a.get(cfg.id)), '404 auth_config_not_found');
  });

  test('connected accounts: create, get, list across pages, reconnect, disable/enable, delete', async () => {
    const acct = await fx.connectAccount();
    const c = fx.admin.connectedAccounts;
    const more = [];
    for (const user of ['u-1', 'u-2']) {
      const created = await c.create({ auth_config_id: acct.configId, user_id: user });
      assert.equal(created.status, 'INITIATED');
      assert.match(created.redirect_url!, /\/v1\/connect\//);
      more.push(created.id);
    }
    const listed: string[] = [];
    for await (const a of c.list({ auth_config_id: acct.configId, limit: 2 })) listed.push(a.id);
    assert.deepEqual(listed.sort(), [acct.accountId, ...more].sort());
    const active: string[] = [];
    for await (const a of c.list({ auth_config_id: acct.configId, status: 'ACTIVE' })) {
      active.push(a.id);
    }
    assert.deepEqual(active, [acct.accountId]);

    const got = await c.get(acct.accountId);
    assert.equal(got.status, 'ACTIVE');
    assert.equal(got.identity?.account_id, acct.emuUser.accountId);

    const again = await c.reconnect(acct.accountId);
    assert.equal(again.id, acct.accountId);
    assert.match(again.redirect_url!, /\/v1\/connect\//);
    assert.equal(again.status, 'ACTIVE', 'a live account keeps working while it reconnects');

    const v = fx.client();
    const sel = { connectedAccountId: acct.accountId };
    assert.equal((await c.disable(acct.accountId)).status, 'DISABLED');
    const err = await v.token(sel).catch((e: unknown) => e);
    assert.ok(err instanceof VaultError);
    assert.equal(err.status, 409);
    assert.equal(err.accountStatus, 'DISABLED');
    assert.equal(err.statusReason, 'disabled_by_admin');
    assert.equal((await c.enable(acct.accountId)).status, 'ACTIVE');
    assert.equal((await v.token(sel)).connected_account_id, acct.accountId);

    await c.delete(more[0]!);
    assert.equal(await codeOf(c.get(more[0]!)), '404 connected_account_not_found');
  });

  test('webhook endpoints: create (secret once), get, list, delete', async () => {
    const w = fx.admin.webhookEndpoints;
    const ep = await w.create({
      url: 'http://127.0.0.1:9/never-called',
      event_types: ['connected_account.expired'],
    });
    assert.match(ep.secret, /^whsec_/);
    const got = await w.get(ep.id);
    assert.equal(got.url, ep.url);
    assert.equal('secret' in got, false);
    const ids: string[] = [];
    for await (const e of w.list()) ids.push(e.id);
    assert.ok(ids.includes(ep.id));
    await w.delete(ep.id);
    assert.equal(await codeOf(w.get(ep.id)), '404 webhook_endpoint_not_found');
  });

  test('verifyWebhook accepts the vault’s real delivery, and rejects it altered', async () => {
    interface Delivery {
      headers: IncomingHttpHeaders;
      body: Buffer;
    }
    let received!: (d: Delivery) => void;
    const delivery = new Promise<Delivery>((r) => (received = r));
    const server: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        res.writeHead(204).end();
        received({ headers: req.headers, body: Buffer.concat(chunks) });
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as { port: number };
      const ep = await fx.admin.webhookEndpoints.create({
        url: `http://127.0.0.1:${port}/hooks/vault`,
        event_types: ['connected_account.active'],
      });
      const acct = await fx.connectAccount();
      const timeout = setTimeout(() => received({ headers: {}, body: Buffer.alloc(0) }), 30_000);
      const d = await delivery;
      clearTimeout(timeout);
      assert.ok(d.body.length > 0, 'no delivery within 30 s');

      const event = verifyWebhook(d.headers, d.body, ep.secret);
      assert.equal(event.type, 'connected_account.active');
      assert.equal(event.data.connected_account_id, acct.accountId);
      assert.equal(event.data.id, d.headers['webhook-id']);

      const reason = (fn: () => unknown) => {
        try {
          fn();
        } catch (e) {
          if (e instanceof WebhookVerificationError) return e.reason;
          throw e;
        }
        return 'accepted';
      };
      const tampered = Buffer.from(d.body.toString().replace(acct.accountId, 'ca_someone_else'));
      assert.equal(
        reason(() => verifyWebhook(d.headers, tampered, ep.secret)),
        'invalid_signature',
      );
      const other = `whsec_${randomBytes(24).toString('base64')}`;
      assert.equal(
        reason(() => verifyWebhook(d.headers, d.body, other)),
        'invalid_signature',
      );
      const later = () => Number(d.headers['webhook-timestamp']) * 1000 + 301_000;
      assert.equal(
        reason(() => verifyWebhook(d.headers, d.body, ep.secret, { now: later })),
        'timestamp_out_of_tolerance',
      );
      await fx.admin.webhookEndpoints.delete(ep.id);
    } finally {
      server.close();
    }
  });
});
