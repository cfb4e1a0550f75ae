import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { describe, test } from 'node:test';

/**
 * scripts/compose-env.sh as a user runs it, with a fake `docker` (Compose v2) or `docker-compose`
 * (v1) on a PATH that holds nothing else of Docker's: it writes .env with every key, with either
 * spelling, and fails loudly — writing nothing — when the key generator prints nothing.
 */
const SCRIPT = join(import.meta.dirname, '../../scripts/compose-env.sh');
const TOOLS = ['bash', 'env', 'sed', 'awk', 'tr', 'tail', 'head', 'cat', 'mktemp', 'cp', 'mv'];
const MORE = ['chmod', 'rm', 'dirname', 'basename', 'openssl', 'node', 'npm', 'sh'];

/** Which of `docker compose` and `docker-compose` exist, and what `… keys generate` prints. */
type Compose = 'v2' | 'v1' | 'none';
type Generator = 'key' | 'nothing' | 'fails';

function sandbox(compose: Compose, generator: Generator) {
  const dir = mkdtempSync(join(tmpdir(), 'cv-compose-env-'));
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  // Only the tools the script may use: no real docker or docker-compose can answer.
  for (const tool of [...TOOLS, ...MORE]) {
    const found = (process.env.PATH ?? '')
      .split(delimiter)
      .map((d) => join(d, tool))
      .find((p) => existsSync(p));
    if (found) symlinkSync(found, join(bin, tool));
  }
  const log = join(dir, 'calls.log');
  const generate = {
    key: 'printf "cvk_%s_%s\\r\\n" "$RANDOM$RANDOM$RANDOM" "fakefakefakefakefakefakefakefakefakefakefak"',
    nothing: 'exit 0',
    fails: 'echo "Cannot connect to the Docker daemon" >&2; exit 1',
  }[generator];
  const fake = (name: string, body: string) => {
    writeFileSync(join(bin, name), `#!/usr/bin/env bash\necho "${name} $*" >> "${log}"\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  };
  const run = `case "$*" in *"run --rm --no-deps -T api keys generate"*) ${generate} ;; *) exit 3 ;; esac`;
  if (compose === 'v2') {
    fake('docker', `[ "$1" = compose ] || exit 3; shift\n[ "$1" = version ] && exit 0\n${run}`);
  } else {
    fake('docker', `echo "docker: 'compose' is not a docker command." >&2; exit 1`);
    if (compose === 'v1') fake('docker-compose', run);
  }
  const envFile = join(dir, '.env');
  const calls = () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []);
  const exec = (...args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn('bash', [SCRIPT, '--env-file', envFile, ...args], {
        env: { PATH: bin, HOME: dir, TMPDIR: dir },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += String(d)));
      child.stderr.on('data', (d) => (stderr += String(d)));
      child.on('exit', (code) => resolve({ code, stdout, stderr }));
    });
  const value = (name: string) =>
    new RegExp(`^${name}=(.*)$`, 'm').exec(readFileSync(envFile, 'utf8'))?.[1];
  return { envFile, calls, exec, value };
}

const API_KEY = /^cvk_[A-Za-z0-9_-]+$/;

describe('scripts/compose-env.sh', () => {
  for (const compose of ['v2', 'v1'] as const) {
    test(`Compose ${compose}: writes .env with a master key and both bootstrap keys, then keeps them`, async () => {
      const s = sandbox(compose, 'key');
      const r = await s.exec();
      assert.equal(r.code, 0, r.stderr);
      const spelling = compose === 'v2' ? 'docker compose' : 'docker-compose';
      const runs = s.calls().filter((c) => c.endsWith('run --rm --no-deps -T api keys generate'));
      assert.equal(runs.length, 2, 'one key for each bootstrap variable');
      assert.ok(
        runs.every((c) => c.startsWith(`${spelling} run`)),
        runs.join('\n'),
      );
      assert.match(s.value('VAULT_MASTER_KEYS')!, /^k1:[A-Za-z0-9+/]{43}=$/);
      assert.match(s.value('VAULT_BOOTSTRAP_OPERATOR_KEY')!, API_KEY, 'no \\r left');
      assert.match(s.value('VAULT_BOOTSTRAP_ADMIN_KEY')!, API_KEY);
      assert.notEqual(
        s.value('VAULT_BOOTSTRAP_ADMIN_KEY'),
        s.value('VAULT_BOOTSTRAP_OPERATOR_KEY'),
      );
      assert.equal(s.value('NODE_ENV'), 'production', 'the rest of .env.example is kept');
      assert.equal(statSync(s.envFile).mode & 0o777, 0o600);
      assert.ok(!r.stdout.includes(s.value('VAULT_BOOTSTRAP_ADMIN_KEY')!), 'no key on stdout');

      // A second run changes nothing: a replaced master key would leave every secret unreadable.
      const before = readFileSync(s.envFile, 'utf8');
      const again = await s.exec();
      assert.equal(again.code, 0, again.stderr);
      assert.equal(readFileSync(s.envFile, 'utf8'), before);
      assert.equal(s.calls().filter((c) => c.includes('keys generate')).length, 2);
    });
  }

  for (const generator of ['nothing', 'fails'] as const) {
    test(`a key generator that ${generator === 'nothing' ? 'prints nothing (and exits 0)' : 'fails'} stops it loudly, writing no .env`, async () => {
      const s = sandbox('v1', generator);
      const r = await s.exec();
      assert.equal(r.code, 1);
      assert.match(
        r.stderr,
        generator === 'nothing'
          ? /VAULT_BOOTSTRAP_OPERATOR_KEY came out empty/
          : /docker-compose run --rm --no-deps -T api keys generate' failed/,
      );
      assert.ok(!existsSync(s.envFile), 'no .env without keys is left behind');
    });
  }

  test('without either Compose: --keygen compose says so; auto uses the vault through node', async () => {
    const s = sandbox('none', 'key');
    const refused = await s.exec('--keygen', 'compose');
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /neither 'docker compose' \(v2\) nor 'docker-compose' \(v1\)/);
    assert.ok(!existsSync(s.envFile));

    const r = await s.exec();
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /npm run -s keys -- generate/);
    assert.match(s.value('VAULT_BOOTSTRAP_OPERATOR_KEY')!, API_KEY);
    assert.match(s.value('VAULT_BOOTSTRAP_ADMIN_KEY')!, API_KEY);
  });
});
