// Runs the `credential-vault` CLI as a real process, the way an admin's shell does: its sources
// compiled once per test file (esbuild, as tsc would emit them), then `node cli.js …` with only
// the environment given. Output is collected; stdin is whatever the test pipes (never a TTY).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function buildCli(): Promise<string> {
  const esbuild = await import('esbuild');
  const outdir = mkdtempSync(join(tmpdir(), 'cv-cli-'));
  await esbuild.build({
    entryPoints: ['clients/typescript/src/cli.ts'],
    outdir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
  });
  return join(outdir, 'cli.js');
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** the process's command line as the kernel recorded it (/proc/<pid>/cmdline) */
  cmdline: string;
}

export interface CliProcess {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** resolves with the first match in stdout */
  waitForOutput(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  done: Promise<CliResult>;
}

export function spawnCli(
  bin: string,
  args: string[],
  env: Record<string, string>,
  opts: { command?: string[] } = {},
): CliProcess {
  const argv = opts.command ?? [process.execPath, bin];
  const child = spawn(argv[0]!, [...argv.slice(1), ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  // Read right after exec, while the process lives (it waits for stdin at least until we write).
  let cmdline = '';
  try {
    cmdline = readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    /* already gone: a command that does not read stdin */
  }
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
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: out, stderr: err, cmdline }));
  });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    done,
    waitForOutput: (re, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const m = out.match(re);
          if (!m) return;
          listeners.delete(check);
          clearTimeout(timer);
          resolve(m);
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`no ${re} in stdout:\n${out}\nstderr:\n${err}`));
        }, timeoutMs);
        listeners.add(check);
        void done.then(() => {
          if (!listeners.has(check)) return;
          listeners.delete(check);
          clearTimeout(timer);
          reject(new Error(`exited before ${re}; stdout:\n${out}\nstderr:\n${err}`));
        });
        check();
      }),
  };
}

/** Runs the CLI to its end with `stdin` piped in (empty when not given). */
export function runCli(
  bin: string,
  args: string[],
  env: Record<string, string>,
  stdin = '',
): Promise<CliResult> {
  const p = spawnCli(bin, args, env);
  p.child.stdin!.end(stdin);
  return p.done;
}
