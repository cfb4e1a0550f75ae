import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { startEmulator, type Emulator } from '../../src/emulator/index.ts';
import { newApiKey } from '../../src/features/api-keys/secrets.ts';
import { CHROMIUM, CHROMIUM_ARGS, browserSkipReason } from '../helpers/browser.ts';
import { openTestDatabase } from '../helpers/database.ts';
import { atlassianConfig } from '../helpers/fixtures.ts';
import { freePort, spawnVault, type VaultProcess } from '../helpers/process.ts';

/**
 * The whole connect flow as an end user lives it: a real vault process, the emulator, a real
 * headless Chromium clicking the consent page's buttons, and a return URL served here.
 */
const skip = browserSkipReason();

describe('connect flow in a real browser', { skip }, () => {
  let emu: Emulator;
  let vault: VaultProcess;
  let browser: Browser;
  let returnServer: Server;
  let returnUrl: string;
  let dropDb: (() => Promise<void>) | undefined;
  const adminKey = newApiKey().token;

  before(async () => {
    emu = await startEmulator();
    returnServer = createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>back in the app</h1>'),
    );
    const rport = await freePort();
    await new Promise<void>((r) => returnServer.listen(rport, '127.0.0.1', r));
    returnUrl = `http://127.0.0.1:${rport}/done`;
    const port = await freePort();
    const env: Record<string, string> = {
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      DATA_DIR: mkdtempSync(join(tmpdir(), 'cv-browser-')),
      ATLASSIAN_AUTH_URL: emu.url,
      ATLASSIAN_API_URL: emu.url,
      VAULT_BOOTSTRAP_ADMIN_KEY: adminKey,
      // The return URL is the test's own http listener on loopback: development settings.
      ALLOW_PRIVATE_EGRESS: 'true',
    };
    if (process.env.TEST_DATABASE_URL) {
      const db = await openTestDatabase();
      await db.database.close();
      env.DATABASE_URL = db.url!;
      dropDb = db.drop;
    }
    vault = await spawnVault(env);
    await vault.waitFor(/credential-vault ready/);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
      headless: true,
    });
  });

  after(async () => {
    await browser?.close();
    await vault?.stop();
    await emu?.close();
    returnServer?.close();
    await dropDb?.();
  });

  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${vault.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${adminKey}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };

  async function setup() {
    const cfg = atlassianConfig({ allowed_return_urls: [returnUrl], name: 'Browser test app' });
    const created = await api('POST', '/v1/auth-configs', cfg);
    assert.equal(created.status, 201);
    emu.addApp({
      clientId: cfg.client_id,
      clientSecret: cfg.client_secret,
      name: 'Acme Jira Sync',
      callbackUrl: created.body.callback_url,
      scopes: cfg.scopes,
    });
    const user = emu.addUser({
      email: 'grace@example.com',
      name: 'Grace Hopper',
      sites: [{ name: 'Navy', url: 'https://navy.atlassian.net', products: ['jira'] }],
    });
    const account = await api('POST', '/v1/connected-accounts', {
      auth_config_id: created.body.id,
      user_id: 'grace',
      return_url: returnUrl,
    });
    assert.equal(account.status, 201);
    assert.equal(account.body.status, 'INITIATED');
    return { account: account.body, user };
  }

  test('Approve on the consent page lands on the return URL with status=success; the account is ACTIVE', async () => {
    const { account, user } = await setup();
    const page = await browser.newPage();
    await page.goto(account.redirect_url);
    assert.match(await page.content(), /Acme Jira Sync/);
    assert.match(await page.content(), /read:jira-work/);
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.waitForURL((u) => u.pathname === '/done');
    const landed = new URL(page.url());
    assert.equal(landed.searchParams.get('status'), 'success');
    assert.equal(landed.searchParams.get('connected_account_id'), account.id);
    assert.match(await page.content(), /back in the app/);
    await page.close();

    const got = await api('GET', `/v1/connected-accounts/${account.id}`);
    assert.equal(got.body.status, 'ACTIVE');
    assert.equal(got.body.identity.account_id, user.accountId);
    assert.equal(got.body.identity.name, 'Grace Hopper');
    assert.deepEqual(
      got.body.sites.map((s: { url: string }) => s.url),
      ['https://navy.atlassian.net'],
    );
    assert.equal(got.body.selected_site.cloud_id, user.sites[0]!.id);
  });

  test('Deny lands on the return URL with status=error&error=user_denied', async () => {
    const { account } = await setup();
    const page = await browser.newPage();
    await page.goto(account.redirect_url);
    await page.getByRole('button', { name: 'Deny' }).click();
    await page.waitForURL((u) => u.pathname === '/done');
    const landed = new URL(page.url());
    assert.equal(landed.searchParams.get('status'), 'error');
    assert.equal(landed.searchParams.get('error'), 'user_denied');
    await page.close();
    const got = await api('GET', `/v1/connected-accounts/${account.id}`);
    assert.deepEqual([got.body.status, got.body.status_reason], ['FAILED', 'user_denied']);
  });
});
