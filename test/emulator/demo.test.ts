import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { test } from 'node:test';
import { EnvError, parseEmulatorEnv } from '../../src/emulator/config.ts';
import { demoBanner, seedDemo } from '../../src/emulator/demo.ts';
import { startEmulator } from '../../src/emulator/index.ts';
import { basicAuth, call, postToken } from './helpers.ts';

test('parseEmulatorEnv: defaults, overrides, and errors that name the variable', () => {
  assert.deepEqual(parseEmulatorEnv({}), {
    port: 4010,
    host: '127.0.0.1',
    vaultUrl: 'http://localhost:3000',
    callbackUrl: 'http://localhost:3000/v1/oauth/callback/*',
    log: false,
  });
  const set = parseEmulatorEnv({
    EMULATOR_PORT: '0',
    EMULATOR_HOST: '::1',
    EMULATOR_VAULT_URL: 'https://vault.example.com/base/',
    EMULATOR_LOG: 'true',
  });
  assert.equal(set.port, 0);
  assert.equal(set.host, '::1');
  assert.equal(set.callbackUrl, 'https://vault.example.com/base/v1/oauth/callback/*');
  assert.equal(set.log, true);
  const exact = parseEmulatorEnv({
    EMULATOR_CALLBACK_URL: 'http://localhost:3000/v1/oauth/callback',
  });
  assert.equal(exact.callbackUrl, 'http://localhost:3000/v1/oauth/callback');
  assert.equal(parseEmulatorEnv({ EMULATOR_PORT: '' }).port, 4010, 'empty = unset');

  for (const [name, value] of [
    ['EMULATOR_PORT', 'abc'],
    ['EMULATOR_PORT', '70000'],
    ['EMULATOR_PORT', '-1'],
    ['EMULATOR_PORT', '40.5'],
    ['EMULATOR_HOST', 'a b'],
    ['EMULATOR_VAULT_URL', 'localhost:3000'],
    ['EMULATOR_VAULT_URL', 'ftp://x'],
    ['EMULATOR_VAULT_URL', 'http://x/?q=1'],
    ['EMULATOR_CALLBACK_URL', '/v1/oauth/callback'],
    ['EMULATOR_CALLBACK_URL', 'http://x/cb/*'],
    ['EMULATOR_LOG', 'yes'],
  ] as const) {
    assert.throws(
      () => parseEmulatorEnv({ [name]: value }),
      (e: unknown) => e instanceof EnvError && e.message.includes(name),
      `${name}=${value}`,
    );
  }
});

test('the demo seed: 3LO app with the pattern callback, service account, API tokens, content', async () => {
  const emu = await startEmulator();
  try {
    const callback = 'http://localhost:3000/v1/oauth/callback/*';
    const seed = seedDemo(emu, callback);
    const team = seed.ada.sites[0]!;
    assert.equal(team.url, emu.siteUrl('ada-team'));

    const q = new URLSearchParams({
      client_id: 'demo-client-id',
      redirect_uri: 'http://localhost:3000/v1/oauth/callback/ac_123',
      response_type: 'code',
      state: 's',
      scope: 'read:jira-work offline_access',
    });
    const consent = await emu.consent({
      authorizeUrl: `${emu.url}/authorize?${q}`,
      decision: 'approve',
    });
    assert.equal(consent.status, 302);
    assert.ok(consent.location!.startsWith('http://localhost:3000/v1/oauth/callback/ac_123?code='));

    const cc = await postToken(emu, {
      grant_type: 'client_credentials',
      client_id: 'demo-sa-client-id',
      client_secret: 'demo-sa-client-secret',
    });
    assert.equal(cc.status, 200);
    assert.equal(cc.json.scope, 'read:jira-work write:jira-work read:jira-user');
    const search = await call(
      emu,
      'GET',
      `/ex/jira/${team.id}/rest/api/3/search/jql?jql=project%20%3D%20DEMO`,
      {
        auth: cc.json.access_token as string,
      },
    );
    assert.equal(search.status, 200);
    assert.deepEqual(
      search.json.issues.map((i: { key: string }) => i.key),
      seed.issueKeys,
    );
    assert.deepEqual(seed.issueKeys, ['DEMO-1', 'DEMO-2', 'DEMO-3']);

    const classic = basicAuth('ada@example.com', 'demo-api-token');
    const me = await fetch(`${team.url}/rest/api/3/myself`, {
      headers: { authorization: classic },
    });
    assert.equal(me.status, 200);
    const page = await fetch(`${team.url}/wiki/api/v2/pages/${seed.pageId}?body-format=storage`, {
      headers: { authorization: classic },
    });
    assert.equal(page.status, 200);
    assert.equal(((await page.json()) as { title: string }).title, 'Welcome to the emulator');

    const scoped = basicAuth(seed.serviceAccount.email, 'demo-scoped-api-token');
    const sm = await call(emu, 'GET', `/ex/jira/${team.id}/rest/api/3/myself`, { auth: scoped });
    assert.equal(sm.status, 200);
    assert.equal(sm.json.accountType, 'app');

    const banner = demoBanner(emu, seed, callback);
    for (const s of [
      callback,
      'demo-client-secret',
      'demo-sa-client-id',
      'demo-sa-client-secret',
      'demo-api-token',
      'demo-scoped-api-token',
      `${emu.url}/site/ada-team/rest/api/3/`,
      `${emu.url}/site/ada-labs/rest/api/3/`,
      `${emu.url}/ex/jira/${team.id}/rest/api/3/`,
      'DEMO-1, DEMO-2, DEMO-3',
      seed.pageId,
      `${emu.url}/_emulator`,
    ]) {
      assert.ok(banner.includes(s), s);
    }
  } finally {
    await emu.close();
  }
});

test('GET /_emulator indexes every admin route with a description', async () => {
  const emu = await startEmulator();
  try {
    const res = await call(emu, 'GET', '/_emulator');
    assert.equal(res.status, 200);
    const routes = res.json.routes as {
      method: string;
      path: string;
      description: string | null;
    }[];
    assert.ok(
      res.json.api.some((n: string) => n.includes('project = KEY')),
      'the JQL subset is documented',
    );
    const undocumented = routes.filter((r) => !r.description).map((r) => `${r.method} ${r.path}`);
    assert.deepEqual(undocumented, []);
    const listed = new Set(routes.map((r) => `${r.method} ${r.path}`));
    for (const r of [
      'GET /_emulator',
      'PUT /_emulator/apps/:clientId',
      'POST /_emulator/access-tokens/revoke',
      'POST /_emulator/service-accounts',
      'DELETE /_emulator/service-accounts/:clientId',
      'POST /_emulator/api-tokens',
      'GET /_emulator/requests',
      'PUT /_emulator/faults',
    ]) {
      assert.ok(listed.has(r), r);
    }
  } finally {
    await emu.close();
  }
});

function runMain(env: Record<string, string>): {
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
  stdoutUntil: (text: string) => Promise<string>;
  kill: () => void;
} {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/emulator/main.ts'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: (() => void)[] = [];
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString();
    for (const w of waiters.splice(0)) w();
  });
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('exit', (code) => resolve({ code, stdout, stderr })),
  );
  const stdoutUntil = async (text: string) => {
    while (!stdout.includes(text)) {
      await Promise.race([new Promise<void>((r) => waiters.push(r)), done]);
      if (child.exitCode !== null && !stdout.includes(text)) throw new Error(stderr || stdout);
    }
    return stdout;
  };
  return { done, stdoutUntil, kill: () => child.kill('SIGTERM') };
}

test('npm run emulator: a bad env value stops it with a message naming the variable', async () => {
  const { done } = runMain({ EMULATOR_PORT: 'nope' });
  const { code, stderr } = await done;
  assert.equal(code, 1);
  assert.match(stderr, /EMULATOR_PORT/);
});

test('npm run emulator on a taken port: one line naming EMULATOR_PORT, no stack trace', async (t) => {
  const holder = createServer();
  await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
  t.after(() => holder.close());
  const taken = (holder.address() as AddressInfo).port;
  const { code, stderr } = await runMain({ EMULATOR_PORT: String(taken) }).done;
  assert.equal(code, 1);
  assert.equal(
    stderr.trim(),
    `emulator: 127.0.0.1:${taken} is already in use (another emulator or program listens there); set EMULATOR_PORT to a free port (0 = any free port)`,
  );
});

test('npm run emulator: starts, prints the banner, serves GET /_emulator, stops on SIGTERM', async () => {
  const proc = runMain({ EMULATOR_PORT: '0', EMULATOR_VAULT_URL: 'http://vault.test:8080' });
  try {
    const out = await proc.stdoutUntil('Ctrl+C to stop');
    const url = /listening on (http:\/\/\S+)/.exec(out)![1]!;
    assert.ok(out.includes('http://vault.test:8080/v1/oauth/callback/*'));
    const index = await fetch(`${url}/_emulator`);
    assert.equal(index.status, 200);
    assert.ok(((await index.json()) as { routes: unknown[] }).routes.length > 10);
  } finally {
    proc.kill();
  }
  assert.equal((await proc.done).code, 0);
});
