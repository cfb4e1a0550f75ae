// The `credential-vault` admin CLI as a real process against a real vault process and the
// Atlassian emulator: the admin's whole path (register an app, paste the callback, connect a user,
// print a token Jira accepts), --json for scripts, exit codes by the problem's class, and secrets
// that never leave stdin — not in argv, not in any output, not echoed by a terminal.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { buildCli, runCli, spawnCli, type CliResult } from './cli-runner.ts';
import { startClientFixture, type ClientFixture } from './setup.ts';

const SCOPES = ['read:jira-work', 'read:jira-user'];
const tag = () => randomBytes(4).toString('hex');
/** A syntactically valid id that names nothing. */
const unknownId = (prefix: string) => `${prefix}_${'0'.repeat(26)}`;
const lines = (s: string) => s.split('\n').filter((l) => l.length > 0);
const parse = (r: CliResult): unknown => {
  assert.equal(r.code, 0, `exit ${r.code}; stderr:\n${r.stderr}`);
  return JSON.parse(r.stdout);
};

describe('credential-vault CLI against a real vault', () => {
  let fx: ClientFixture;
  let bin: string;
  let env: Record<string, string>;
  const cv = (args: string[], stdin?: string, extraEnv: Record<string, string> = {}) =>
    runCli(bin, args, { ...env, ...extraEnv }, stdin);
  const ok = async (args: string[], stdin?: string) => {
    const r = await cv(args, stdin);
    assert.equal(r.code, 0, `${args.join(' ')} exited ${r.code}; stderr:\n${r.stderr}`);
    return r;
  };

  /** An Atlassian app registered through the CLI (secret on stdin) and at the emulator. */
  async function registerApp() {
    const clientId = `cli-${tag()}`;
    const secret = `cs-${randomBytes(24).toString('hex')}`;
    const r = await ok(
      [
        'auth-configs',
        'create',
        '--provider',
        'atlassian',
        '--name',
        `CLI ${clientId}`,
        '--client-id',
        clientId,
        '--scopes',
        SCOPES.join(','),
      ],
      `${secret}\n`,
    );
    const [callbackUrl, configId] = lines(r.stdout);
    fx.emu.addApp({
      clientId,
      clientSecret: secret,
      name: clientId,
      callbackUrl: callbackUrl!,
      scopes: SCOPES,
    });
    return { clientId, secret, callbackUrl: callbackUrl!, configId: configId!, result: r };
  }

  before(async () => {
    [fx, bin] = await Promise.all([startClientFixture({ postgres: true }), buildCli()]);
    env = { CV_URL: fx.url, CV_KEY: fx.adminKey };
  });
  after(async () => {
    await fx?.close();
  });

  test('registers an Atlassian app, connects a user through the emulator, prints a token Jira accepts', async () => {
    // 1. One command, the secret piped on stdin: the callback URL alone on the first line.
    const clientId = `cli-${tag()}`;
    const secret = `cs-${randomBytes(24).toString('hex')}`;
    const create = spawnCli(
      bin,
      [
        'auth-configs',
        'create',
        '--provider',
        'atlassian',
        '--name',
        'Jira (CLI)',
        '--client-id',
        clientId,
        '--scopes',
        SCOPES.join(','),
        '--client-secret-stdin',
      ],
      env,
    );
    create.child.stdin!.end(`${secret}\n`);
    const created = await create.done;
    assert.equal(created.code, 0, created.stderr);
    const [callbackUrl, configId, ...rest] = lines(created.stdout);
    assert.deepEqual(rest, [], 'stdout holds the callback URL and the id, nothing else');
    assert.match(configId!, /^ac_[0-9a-z]{26}$/);
    assert.equal(callbackUrl, `${fx.url}/v1/oauth/callback/${configId}`);
    assert.match(created.stderr, /Atlassian developer console/);
    assert.ok(created.cmdline.includes('auth-configs create'), `cmdline: ${created.cmdline}`);
    for (const text of [created.stdout, created.stderr, created.cmdline]) {
      assert.ok(!text.includes(secret), 'the secret appears nowhere but on stdin');
    }

    // 2. The admin pastes the callback URL into the (emulated) developer console.
    fx.emu.addApp({
      clientId,
      clientSecret: secret,
      name: 'Jira (CLI)',
      callbackUrl: callbackUrl!,
      scopes: SCOPES,
    });
    const user = fx.emu.addUser({
      email: `ada-${tag()}@example.com`,
      name: 'Ada',
      sites: [{ name: 'Acme', url: `https://acme-${tag()}.atlassian.net` }],
    });

    // 3. accounts connect prints the link; the user opens it and consents in a browser.
    const connect = await ok(['accounts', 'connect', '--auth-config', configId!, '--user', 'ada']);
    const [link, accountId] = lines(connect.stdout);
    assert.match(link!, new RegExp(`^${fx.url}/v1/connect/`));
    assert.match(accountId!, /^ca_/);
    await fx.completeConnect(link!, user.accountId);
    const account = parse(await cv(['accounts', 'get', accountId!, '--json'])) as {
      status: string;
      identity: { account_id: string };
    };
    assert.equal(account.status, 'ACTIVE');
    assert.equal(account.identity.account_id, user.accountId);

    // 4. The token, alone on stdout, is accepted by the emulator's Jira.
    const tokenRun = await ok(['token', '--auth-config', configId!, '--user', 'ada']);
    const [accessToken, ...more] = lines(tokenRun.stdout);
    assert.deepEqual(more, []);
    const t = parse(await cv(['token', accountId!, '--json', '--min-ttl', '120'])) as {
      access_token: string;
      token_type: string;
      api_base_url: string;
      connected_account_id: string;
    };
    assert.equal(t.access_token, accessToken, 'nothing changed between the two reads');
    assert.equal(t.connected_account_id, accountId);
    const header = await ok(['token', accountId!, '--header']);
    assert.equal(header.stdout, `Bearer ${accessToken}\n`);
    const me = await fetch(`${t.api_base_url}/rest/api/3/myself`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    assert.equal(me.status, 200);
    assert.equal(((await me.json()) as { accountId: string }).accountId, user.accountId);
  });

  test('accounts connect --wait returns when the user has consented, and says so', async () => {
    const app = await registerApp();
    const user = fx.emu.addUser({
      email: `bob-${tag()}@example.com`,
      name: 'Bob',
      sites: [{ name: 'Bob site', url: `https://bob-${tag()}.atlassian.net` }],
    });
    const p = spawnCli(
      bin,
      ['accounts', 'connect', '--auth-config', app.configId, '--user', 'bob', '--wait'],
      env,
    );
    p.child.stdin!.end();
    const [link] = await p.waitForOutput(/^http\S+/);
    await fx.completeConnect(link, user.accountId);
    const r = await p.done;
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /ACTIVE: Bob/);
  });

  test('--json prints the API’s JSON, and lists follow every page', async () => {
    const app = await registerApp();
    const cfg = parse(await cv(['auth-configs', 'get', app.configId, '--json'])) as {
      id: string;
      client_secret: { set: boolean; last4: string };
      callback_url: string;
    };
    assert.equal(cfg.id, app.configId);
    assert.equal(cfg.client_secret.set, true);
    assert.equal(cfg.client_secret.last4, app.secret.slice(-4));
    assert.equal(cfg.callback_url, app.callbackUrl);

    // more configs than one page holds: --limit is one page, no flag follows next_cursor
    await registerApp();
    const all = parse(await cv(['auth-configs', 'list', '--json'])) as {
      data: { id: string }[];
      next_cursor: null;
    };
    assert.ok(all.data.length >= 2);
    assert.equal(all.next_cursor, null);
    const first = parse(await cv(['auth-configs', 'list', '--limit', '1', '--json'])) as {
      data: { id: string }[];
      next_cursor: string;
    };
    assert.equal(first.data.length, 1);
    const second = parse(
      await cv(['auth-configs', 'list', '--limit', '1', '--cursor', first.next_cursor, '--json']),
    ) as { data: { id: string }[] };
    assert.deepEqual(
      [first.data[0]!.id, second.data[0]!.id],
      all.data.slice(0, 2).map((c) => c.id),
    );

    const key = parse(
      await cv([
        'keys',
        'create',
        '--name',
        'ci',
        '--role',
        'service',
        '--auth-config',
        app.configId,
        '--json',
      ]),
    ) as { id: string; key: string; auth_config_ids: string[] };
    assert.match(key.key, /^cvk_/);
    assert.deepEqual(key.auth_config_ids, [app.configId]);
    const keys = parse(await cv(['keys', 'list', '--json'])) as { data: { id: string }[] };
    assert.ok(keys.data.some((k) => k.id === key.id));
    assert.ok(!JSON.stringify(keys).includes(key.key), 'a listed key never shows its secret');
    const revoked = parse(await cv(['keys', 'revoke', key.id, '--json'])) as { revoked_at: string };
    assert.match(revoked.revoked_at, /^\d{4}-/);

    const audit = parse(await cv(['audit', 'list', '--resource', key.id, '--json'])) as {
      data: { action: string; resource_id: string }[];
    };
    assert.deepEqual(audit.data.map((e) => e.action).sort(), [
      'DELETE /v1/api-keys/:id',
      'POST /v1/api-keys',
    ]);
  });

  test('exit codes follow the problem’s class; stderr carries its code and detail', async () => {
    const app = await registerApp();

    const noKey = await cv(['auth-configs', 'list'], '', {
      CV_KEY: `cvk_${randomBytes(20).toString('hex')}`,
    });
    assert.equal(noKey.code, 3);
    assert.match(noKey.stderr, /unauthorized/);

    const missing = await cv(['auth-configs', 'get', unknownId('ac')]);
    assert.equal(missing.code, 4);
    assert.match(missing.stderr, /auth_config_not_found: .+/);
    assert.match(missing.stderr, /HTTP 404/);
    const missingJson = await cv(['auth-configs', 'get', unknownId('ac'), '--json']);
    assert.equal(missingJson.code, 4);
    assert.equal(missingJson.stdout, '');
    const problem = JSON.parse(missingJson.stderr) as {
      code: string;
      detail: string;
      status: number;
    };
    assert.equal(problem.code, 'auth_config_not_found');
    assert.equal(problem.status, 404);
    assert.match(problem.detail, /\S/);

    // 409: the config has no account for this user yet → connect one, disable it, ask for a token
    const user = fx.emu.addUser({
      email: `cy-${tag()}@example.com`,
      name: 'Cy',
      sites: [{ name: 'Cy site', url: `https://cy-${tag()}.atlassian.net` }],
    });
    const connect = await ok([
      'accounts',
      'connect',
      '--auth-config',
      app.configId,
      '--user',
      'cy',
    ]);
    const [link, accountId] = lines(connect.stdout);
    await fx.completeConnect(link!, user.accountId);
    await ok(['accounts', 'disable', accountId!]);
    const conflict = await cv(['token', '--auth-config', app.configId, '--user', 'cy']);
    assert.equal(conflict.code, 5);
    assert.match(conflict.stderr, /connected_account_not_active/);
    assert.match(conflict.stderr, /account DISABLED \(disabled_by_admin\)/);
    assert.equal(conflict.stdout, '');

    // 403: a service key on an admin route
    const svc = await ok(['keys', 'create', '--name', 'svc', '--role', 'service']);
    const forbidden = await cv(['auth-configs', 'list'], '', { CV_KEY: svc.stdout.trim() });
    assert.equal(forbidden.code, 3);

    // 400: an unknown Atlassian scope is invalid input, like a usage error
    const badScope = await cv(
      ['auth-configs', 'create', '--name', 'x', '--client-id', 'x', '--scopes', 'read:jira-wrok'],
      'some-secret\n',
    );
    assert.equal(badScope.code, 2);
    assert.match(badScope.stderr, /read:jira-work/, 'the vault names the nearest known scope');

    // 429 with a Retry-After longer than the CLI waits: retryable, and when to come back
    const busy = createServer((_req, res) => {
      res.writeHead(429, { 'content-type': 'application/problem+json', 'retry-after': '60' });
      res.end(
        JSON.stringify({
          type: 'about:blank',
          code: 'rate_limited',
          status: 429,
          title: 'Too many requests',
          detail: 'slow down',
        }),
      );
    });
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    try {
      const { port } = busy.address() as AddressInfo;
      const limited = await cv(['auth-configs', 'list', '--url', `http://127.0.0.1:${port}`]);
      assert.equal(limited.code, 6);
      assert.match(limited.stderr, /rate_limited: slow down/);
      assert.match(limited.stderr, /retry after 60 s/);
    } finally {
      busy.close();
    }

    // usage errors name the flag, and say nothing was sent
    const unknown = await cv(['accounts', 'list', '--colour']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown flag --colour for 'accounts list'/);
    const noUrl = await runCli(bin, ['auth-configs', 'list'], { CV_KEY: fx.adminKey });
    assert.equal(noUrl.code, 2);
    assert.match(noUrl.stderr, /CV_URL/);
  });

  test('a secret is taken only from stdin: as a flag it is refused and never repeated', async () => {
    const secret = `cs-${randomBytes(24).toString('hex')}`;
    for (const args of [['--client-secret', secret], [`--client-secret=${secret}`]]) {
      const r = await cv([
        'auth-configs',
        'create',
        '--name',
        'x',
        '--client-id',
        'x',
        '--scopes',
        'read:jira-work',
        ...args,
      ]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /--client-secret: secrets are never taken from the command line/);
      assert.match(r.stderr, /--client-secret-stdin/);
      assert.ok(!r.stderr.includes(secret) && !r.stdout.includes(secret));
    }
    // nothing was created
    const listed = parse(await cv(['auth-configs', 'list', '--json'])) as {
      data: { name: string }[];
    };
    assert.ok(!listed.data.some((c) => c.name === 'x'));

    // rotate-secret: the new secret from stdin; the answer shows only its last 4 characters
    const app = await registerApp();
    const next = `cs-${randomBytes(24).toString('hex')}`;
    const rotated = await ok(
      ['auth-configs', 'rotate-secret', app.configId, '--overlap', '0'],
      `${next}\n`,
    );
    assert.match(rotated.stdout, new RegExp(`…${next.slice(-4)}`));
    assert.ok(!rotated.stdout.includes(next) && !rotated.stderr.includes(next));
    const empty = await cv(['auth-configs', 'rotate-secret', app.configId], '');
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /no new client secret on stdin/);
    const twoLines = await cv(['auth-configs', 'rotate-secret', app.configId], 'a\nb\n');
    assert.equal(twoLines.code, 2);
    assert.match(twoLines.stderr, /more than one line/);
  });

  test('an API-token account: no client secret asked, the API token piped, a Basic token out', async () => {
    const cfg = await ok([
      'auth-configs',
      'create',
      '--name',
      `tokens ${tag()}`,
      '--auth-scheme',
      'api_token',
      '--scopes',
      'read:jira-work',
    ]);
    const [configId, ...rest] = lines(cfg.stdout);
    assert.deepEqual(rest, [], 'no callback URL: nobody is sent back to it');
    assert.match(configId!, /^ac_/);
    const site = `site-${tag()}`;
    const user = fx.emu.addUser({
      email: `dee-${tag()}@example.com`,
      name: 'Dee',
      sites: [{ name: site, url: fx.emu.siteUrl(site), products: ['jira'] }],
    });
    const apiToken = fx.emu.addApiToken({ accountId: user.accountId, scoped: false });
    const connect = await ok(
      [
        'accounts',
        'connect',
        '--auth-config',
        configId!,
        '--user',
        'dee',
        '--site-url',
        user.sites[0]!.url,
        '--email',
        user.email,
        '--api-token-stdin',
      ],
      `${apiToken}\n`,
    );
    const [accountId] = lines(connect.stdout);
    assert.match(accountId!, /^ca_/);
    assert.match(connect.stderr, /is ACTIVE/);
    const header = await ok(['token', accountId!, '--header']);
    assert.match(header.stdout, /^Basic \S+\n$/);
    for (const r of [cfg, connect]) {
      assert.ok(!r.stdout.includes(apiToken) && !r.stderr.includes(apiToken));
      assert.ok(!r.cmdline.includes(apiToken));
    }
  });

  test('on a terminal the secret is asked for without echo (a pseudo-terminal through script)', async () => {
    const app = await registerApp();
    const next = `cs-${randomBytes(24).toString('hex')}`;
    // util-linux `script` gives the CLI a pseudo-terminal as stdin/stdout/stderr and copies what
    // the terminal shows to its own stdout: a typed character that is echoed shows up there.
    const inPty = (args: string[]) =>
      spawnCli(bin, [], env, {
        command: ['script', '-qec', [process.execPath, bin, ...args].join(' '), '/dev/null'],
      });
    const p = inPty(['auth-configs', 'rotate-secret', app.configId]);
    await p.waitForOutput(/New client secret: /);
    p.child.stdin!.write(`${next}\r`);
    const r = await p.done;
    assert.equal(r.code, 0, r.stdout);
    assert.ok(!r.stdout.includes(next), `the terminal showed the secret:\n${r.stdout}`);
    assert.match(r.stdout, new RegExp(`…${next.slice(-4)}`));
    const cfg = parse(await cv(['auth-configs', 'get', app.configId, '--json'])) as {
      client_secret: { last4: string };
    };
    assert.equal(cfg.client_secret.last4, next.slice(-4));

    // Ctrl-C at the prompt: nothing is sent, exit 130
    const q = inPty(['auth-configs', 'rotate-secret', app.configId]);
    await q.waitForOutput(/New client secret: /);
    q.child.stdin!.write('half-typed\x03');
    assert.equal((await q.done).code, 130);
    const still = parse(await cv(['auth-configs', 'get', app.configId, '--json'])) as {
      client_secret: { last4: string };
    };
    assert.equal(still.client_secret.last4, next.slice(-4));
  });

  test('audit tail follows new events until stopped', async () => {
    const key = async () =>
      parse(
        await cv(['keys', 'create', '--name', `tail-${tag()}`, '--role', 'service', '--json']),
      ) as {
        id: string;
      };
    const earlier = await key();
    const p = spawnCli(bin, ['audit', 'tail', '-n', '5', '--interval', '0.2', '--json'], env);
    p.child.stdin!.end();
    // once the last events are printed tail has read the trail; what happens next is new to it
    await p.waitForOutput(new RegExp(earlier.id));
    const made = await key();
    await p.waitForOutput(new RegExp(made.id));
    p.child.kill('SIGTERM');
    const r = await p.done;
    assert.equal(r.code, 0, r.stderr);
    const events = lines(r.stdout).map(
      (l) => JSON.parse(l) as { action: string; resource_id: string },
    );
    assert.deepEqual(
      events.filter((e) => e.resource_id === made.id).map((e) => e.action),
      ['POST /v1/api-keys'],
      'printed once',
    );
  });

  test('webhooks: an endpoint (secret once), its events, a replay', async () => {
    const ep = await ok([
      'webhooks',
      'endpoints',
      'create',
      'http://127.0.0.1:9/hooks',
      '--event',
      'connected_account.active',
    ]);
    const [secret, endpointId] = lines(ep.stdout);
    assert.match(secret!, /^whsec_/);
    const listed = parse(await cv(['webhooks', 'endpoints', 'list', '--json'])) as {
      data: { id: string }[];
    };
    assert.ok(listed.data.some((e) => e.id === endpointId));
    assert.ok(!JSON.stringify(listed).includes(secret!));

    const acct = await fx.connectAccount();
    const events = parse(
      await cv([
        'webhooks',
        'events',
        'list',
        '--account',
        acct.accountId,
        '--type',
        'connected_account.active',
        '--json',
      ]),
    ) as { data: { id: string; deliveries: { endpoint_id: string }[] }[] };
    assert.equal(events.data.length, 1);
    assert.ok(events.data[0]!.deliveries.some((d) => d.endpoint_id === endpointId));
    const replay = await ok(['webhooks', 'replay', events.data[0]!.id]);
    assert.match(replay.stdout, new RegExp(`queued again: .*${endpointId}`));

    await ok(['webhooks', 'endpoints', 'delete', endpointId!]);
    const gone = await cv(['webhooks', 'endpoints', 'get', endpointId!]);
    assert.equal(gone.code, 4);
  });
});
