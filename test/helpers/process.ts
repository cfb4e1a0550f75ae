import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { DIST, build, isStale } from '../../scripts/build.mjs';

export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });

export interface VaultProcess {
  child: ChildProcess;
  url: string;
  stdout: () => string;
  stderr: () => string;
  /** resolves when the output matches */
  waitFor(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** polls /healthz until the process serves (independent of the log level) */
  waitReady(timeoutMs?: number): Promise<void>;
  exited: Promise<number | null>;
}

let built: Promise<void> | undefined;
/**
 * dist/ as it is built from the current sources. `npm test` builds before any file runs, so this
 * only builds when a test file is run by hand after an edit.
 */
export const ensureBuilt = () => (built ??= isStale() ? build() : Promise.resolve());

/** Starts the compiled vault (`dist/main.js`) as a real process, as `npm start` and Docker do. */
export async function spawnVault(
  env: Record<string, string>,
  args: string[] = [],
): Promise<VaultProcess> {
  await ensureBuilt();
  const port = Number(env.PORT ?? (await freePort()));
  const child = spawn(process.execPath, [join(DIST, 'main.js'), ...args], {
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      // Many vaults run side by side here: each metrics listener takes a free port.
      METRICS_PORT: '0',
      ...env,
      PORT: String(port),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  child.stdout!.on('data', (d) => {
    out += String(d);
    listeners.forEach((l) => l());
  });
  child.stderr!.on('data', (d) => {
    err += String(d);
    listeners.forEach((l) => l());
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    exited,
    url: `http://127.0.0.1:${port}`,
    stdout: () => out,
    stderr: () => err,
    waitFor: (re, timeoutMs = 60_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const m = out.match(re);
          if (m) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve(m);
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`timed out waiting for ${re}; stdout:\n${out}\nstderr:\n${err}`));
        }, timeoutMs);
        listeners.add(check);
        void exited.then((code) => {
          if (listeners.has(check)) {
            listeners.delete(check);
            clearTimeout(timer);
            reject(
              new Error(`process exited (${code}) before ${re}; stdout:\n${out}\nstderr:\n${err}`),
            );
          }
        });
        check();
      }),
    async waitReady(timeoutMs = 60_000) {
      const until = Date.now() + timeoutMs;
      while (Date.now() < until) {
        if (child.exitCode !== null)
          throw new Error(`process exited (${child.exitCode}); stderr:\n${err}`);
        const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
          (r) => r.ok,
          () => false,
        );
        if (ok) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`not ready after ${timeoutMs} ms; stderr:\n${err}`);
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs an npm script the way a user types it (`npm run -s keys -- generate`), in the repo root. */
export function runNpm(args: string[], env: Record<string, string>): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', args, {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/root',
        METRICS_PORT: '0',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += String(d)));
    child.stderr!.on('data', (d) => (stderr += String(d)));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
