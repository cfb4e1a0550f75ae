import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT } from '../../scripts/build.mjs';
import { freePort } from '../helpers/process.ts';

/**
 * The newcomer's commands as typed: `npm start` and `npm run keys` run the compiled build, rebuild it
 * when a source changed, and `kill -TERM` of npm reaches the vault.
 */

/** `npm <args>` in `cwd` with a shell user's environment (no npm_* variables of the outer run). */
function npm(cwd: string, args: string[], env: Record<string, string> = {}) {
  const child = spawn('npm', args, {
    cwd,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? tmpdir(),
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      METRICS_PORT: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += String(d)));
  child.stderr.on('data', (d) => (err += String(d)));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    exited,
    stdout: () => out,
    stderr: () => err,
    async waitFor(re: RegExp, timeoutMs = 60_000): Promise<RegExpMatchArray> {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const m = out.match(re);
        if (m) return m;
        if (child.exitCode !== null || Date.now() > until)
          throw new Error(`no ${re} (exit ${child.exitCode}); stdout:\n${out}\nstderr:\n${err}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}

const portIsFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });

const isRunning = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test('npm start after a source edit runs the edit; keys generate keeps stdout to the key', async (t) => {
  // A copy of the repository without dist/, as a fresh clone is (node_modules shared by a link).
  const dir = mkdtempSync(join(tmpdir(), 'cv-clone-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const p of [
    'package.json',
    'package-lock.json',
    'tsconfig.json',
    'src',
    'scripts',
    'migrations',
  ])
    cpSync(join(ROOT, p), join(dir, p), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));

  // Nothing built yet: the key command builds first, and only the key reaches stdout.
  const keys = npm(dir, ['run', '-s', 'keys', '--', 'generate']);
  assert.equal(await keys.exited, 0, keys.stderr());
  assert.match(keys.stdout(), /^cvk_[A-Za-z0-9_-]+\n$/);
  assert.match(keys.stderr(), /building dist/);

  // An edit to a module deep in the vault, after that build.
  const marker = `edited-${process.pid}-${Date.now()}`;
  appendFileSync(join(dir, 'src', 'config.ts'), `\nprocess.stderr.write('${marker}\\n');\n`);
  const port = await freePort();
  const vault = npm(dir, ['start'], {
    PORT: String(port),
    DATA_DIR: mkdtempSync(join(tmpdir(), 'cv-edit-')),
  });
  t.after(() => vault.child.kill('SIGKILL'));
  await vault.waitFor(/credential-vault ready/);
  assert.match(vault.stderr(), /sources changed since the last build/);
  assert.ok(vault.stderr().includes(marker), `the edit ran; stderr:\n${vault.stderr()}`);
  vault.child.kill('SIGTERM');
  assert.equal(await vault.exited, 0);

  // Built now: the next start does not build again.
  const again = npm(dir, ['run', '-s', 'keys', '--', 'generate']);
  assert.equal(await again.exited, 0);
  assert.doesNotMatch(again.stderr(), /building/);
});

test('kill -TERM of `npm start` reaches the vault: graceful shutdown, port freed', async (t) => {
  const port = await freePort();
  const vault = npm(ROOT, ['start'], {
    PORT: String(port),
    DATA_DIR: mkdtempSync(join(tmpdir(), 'cv-term-')),
  });
  t.after(() => vault.child.kill('SIGKILL'));
  const [line] = await vault.waitFor(/^.*credential-vault ready.*$/m);
  const vaultPid = (JSON.parse(line) as { pid: number }).pid;
  assert.notEqual(vaultPid, vault.child.pid, 'npm is not the vault');

  vault.child.kill('SIGTERM');
  assert.equal(await vault.exited, 0);
  assert.match(vault.stdout(), /"signal":"SIGTERM".*"shutting down"/);
  assert.equal(isRunning(vaultPid), false, 'the vault process is gone');
  assert.equal(await portIsFree(port), true, `port ${port} is free`);
});
