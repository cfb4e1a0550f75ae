// The CLI's command line, in process and without a vault: every command and group has --help,
// unknown flags and stray arguments are usage errors (exit 2) that never repeat a value, and the
// exit code of each class of vault answer.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, test } from 'node:test';
import { EXIT, exitCodeFor } from '../../clients/typescript/src/cli/exit.ts';
import type { CliIo } from '../../clients/typescript/src/cli/io.ts';
import type { Node } from '../../clients/typescript/src/cli/command.ts';
import { root, runCli } from '../../clients/typescript/src/cli/run.ts';
import { VaultError } from '../../clients/typescript/src/index.ts';

async function run(argv: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    env,
    stdin: Readable.from([]),
    out: (t) => void (stdout += t),
    err: (t) => void (stderr += t),
    errIsTTY: false,
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

/** Every path in the command tree, groups included. */
function paths(node: Node, path: string[] = []): { path: string[]; node: Node }[] {
  const here = path.length ? [{ path, node }] : [];
  if (node.kind === 'command') return here;
  return [
    ...here,
    ...Object.entries(node.children).flatMap(([name, child]) => paths(child, [...path, name])),
  ];
}

const all = paths(root);
const commands = all.filter((p) => p.node.kind === 'command');

describe('credential-vault command line', () => {
  test('the commands the admin needs are there', () => {
    const names = commands.map((c) => c.path.join(' '));
    for (const want of [
      'auth-configs create',
      'auth-configs list',
      'auth-configs get',
      'auth-configs update',
      'auth-configs rotate-secret',
      'auth-configs disable',
      'auth-configs enable',
      'auth-configs delete',
      'accounts connect',
      'accounts list',
      'accounts get',
      'accounts reconnect',
      'accounts disable',
      'accounts enable',
      'accounts delete',
      'token',
      'keys create',
      'keys list',
      'keys revoke',
      'audit tail',
      'webhooks endpoints create',
      'webhooks endpoints list',
      'webhooks endpoints delete',
      'webhooks events list',
      'webhooks replay',
    ]) {
      assert.ok(names.includes(want), `missing: ${want}`);
    }
  });

  test('--help for the program, every group and every command (exit 0, on stdout)', async () => {
    const top = await run(['--help']);
    assert.equal(top.code, 0);
    assert.match(top.stdout, /^Usage: credential-vault <command>/m);
    assert.match(top.stdout, /CV_URL/);
    assert.match(top.stdout, /CV_KEY/);
    for (const [code, what] of [
      [0, 'ok'],
      [2, 'usage'],
      [3, '401'],
      [4, '404'],
      [5, '409'],
      [6, '429'],
    ] as const) {
      assert.match(top.stdout, new RegExp(`^  ${code}  .*${what}`, 'm'));
    }
    for (const { path, node } of all) {
      const r = await run([...path, '--help']);
      assert.equal(r.code, 0, `${path.join(' ')} --help: ${r.stderr}`);
      assert.equal(r.stderr, '');
      assert.ok(r.stdout.startsWith(`credential-vault ${path.join(' ')}: ${node.summary}`));
      assert.match(r.stdout, new RegExp(`^Usage: credential-vault ${path.join(' ')} `, 'm'));
      if (node.kind === 'command') assert.match(r.stdout, /^Exit codes:\n {2}0 {2}ok/m);
      assert.deepEqual(await run(['help', ...path]), r, '`help <command>` is the same');
    }
  });

  test('an unknown flag is a usage error naming it, for every command', async () => {
    for (const { path } of commands) {
      const r = await run([...path, '--frobnicate=hunter2']);
      assert.equal(r.code, EXIT.usage);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, new RegExp(`unknown flag --frobnicate for '${path.join(' ')}'`));
      assert.ok(!r.stderr.includes('hunter2'), 'the value is not repeated');
      assert.match(r.stderr, new RegExp(`Run 'credential-vault ${path.join(' ')} --help'`));
    }
  });

  test('missing commands, arguments and settings are usage errors, before anything is sent', async () => {
    const none = await run([]);
    assert.equal(none.code, EXIT.usage);
    assert.match(none.stderr, /^Usage: credential-vault <command>/m);
    assert.equal((await run(['auth-configs', 'frobnicate'])).code, EXIT.usage);
    const noName = await run(['auth-configs', 'create', '--client-id', 'x', '--scopes', 'a']);
    assert.equal(noName.code, EXIT.usage);
    assert.match(noName.stderr, /missing --name/);
    const noId = await run(['accounts', 'get']);
    assert.match(noId.stderr, /missing <id>/);
    const extra = await run(['accounts', 'get', 'ca_1', 'hunter2']);
    assert.equal(extra.code, EXIT.usage);
    assert.ok(
      !extra.stderr.includes('hunter2'),
      'a stray word is not repeated (it may be a secret)',
    );
    const noUrl = await run(['auth-configs', 'list'], { CV_KEY: 'cvk_x' });
    assert.equal(noUrl.code, EXIT.usage);
    assert.match(noUrl.stderr, /set CV_URL/);
    const noKey = await run(['auth-configs', 'list'], { CV_URL: 'http://127.0.0.1:9' });
    assert.equal(noKey.code, EXIT.usage);
    assert.match(noKey.stderr, /set CV_KEY/);
    const ttl = await run(['token', 'ca_1', '--min-ttl', '4000'], {
      CV_URL: 'http://127.0.0.1:9',
      CV_KEY: 'cvk_x',
    });
    assert.equal(ttl.code, EXIT.usage);
    assert.match(ttl.stderr, /--min-ttl must be a whole number from 0 to 3300/);
    const json = await run(['keys', 'create', '--json'], {});
    assert.deepEqual(JSON.parse(json.stderr), { code: 'usage', detail: 'missing --name' });
  });

  test('exit codes by the class of the vault’s answer', () => {
    const err = (
      status: number,
      extra: Partial<ConstructorParameters<typeof VaultError>[0]> = {},
    ) => new VaultError({ status, code: `c${status}`, retryable: false, ...extra });
    assert.equal(exitCodeFor(err(400)), EXIT.usage);
    assert.equal(exitCodeFor(err(401)), EXIT.auth);
    assert.equal(exitCodeFor(err(403)), EXIT.auth);
    assert.equal(exitCodeFor(err(404)), EXIT.notFound);
    assert.equal(exitCodeFor(err(409)), EXIT.conflict);
    assert.equal(exitCodeFor(err(429, { retryable: true })), EXIT.retryable);
    assert.equal(exitCodeFor(err(503, { retryable: true })), EXIT.retryable);
    assert.equal(exitCodeFor(err(0, { code: 'network_error', retryable: true })), EXIT.retryable);
    assert.equal(exitCodeFor(err(500)), EXIT.error);
    assert.equal(exitCodeFor(new Error('bug')), EXIT.error);
  });
});
