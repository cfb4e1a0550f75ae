// Child processes for the bench (vault, floor, emulator) and what /proc says about them.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });

export interface Child {
  name: string;
  child: ChildProcess;
  pid: number;
  url: string;
  output: () => string;
  waitReady(path?: string, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

const live = new Set<Child>();

/** Starts `node [--import tsx] <script> …args` (node itself, so its pid is measurable); .js runs plain. */
export async function startNode(
  name: string,
  script: string,
  args: string[],
  env: Record<string, string>,
  nodeArgs: string[] = [],
): Promise<Child> {
  const port = Number(env.PORT ?? (await freePort()));
  const loader = /\.[cm]?js$/.test(script) ? [] : ['--import', 'tsx'];
  const child = spawn(process.execPath, [...nodeArgs, ...loader, script, ...args], {
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (d: Buffer) => {
    out = (out + String(d)).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const c: Child = {
    name,
    child,
    pid: child.pid!,
    url: `http://127.0.0.1:${port}`,
    output: () => out,
    async waitReady(path = '/healthz', timeoutMs = 60_000) {
      const until = Date.now() + timeoutMs;
      while (Date.now() < until) {
        if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}):\n${out}`);
        const ok = await fetch(`${c.url}${path}`).then(
          (r) => r.ok,
          () => false,
        );
        if (ok) return;
        await sleep(100);
      }
      throw new Error(`${name} not ready after ${timeoutMs} ms:\n${out}`);
    },
    async stop() {
      live.delete(c);
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
  live.add(c);
  return c;
}

/** Kills every child still running (on error or interrupt). */
export function killAll(): void {
  for (const c of live) if (c.child.exitCode === null) c.child.kill('SIGKILL');
  live.clear();
}

/** utime + stime of a process, in seconds (0 if it is gone). */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields 14 and 15 of stat; index 11 and 12 after the comm field
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return 0;
  }
}

/** CPU seconds of every process whose command line starts with `postgres` (server + backends). */
export function postgresCpuSeconds(): number {
  let total = 0;
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const comm = readFileSync(`/proc/${d}/comm`, 'utf8').trim();
      if (comm === 'postgres' || comm.startsWith('postgres')) total += cpuSeconds(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/** Busy and total CPU seconds of the machine (all cores), from /proc/stat. */
export function machineCpu(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const total = v.reduce((a, b) => a + b, 0);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  return { busy: (total - idle) / 100, total: total / 100 };
}

export function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Samples RSS every 200 ms until stopped; returns the maximum seen (MB). */
export function sampleRss(pid: number): { stop(): number } {
  let max = rssMb(pid);
  const t = setInterval(() => {
    max = Math.max(max, rssMb(pid));
  }, 200);
  return {
    stop() {
      clearInterval(t);
      return Math.max(max, rssMb(pid));
    },
  };
}

/** CPU seconds this (bench) process has used: autocannon, the poller. */
export const selfCpuSeconds = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/**
 * Waits (up to `maxS`) until processes other than ours and PostgreSQL use under `cores` of CPU over
 * one second, so that a concurrent test run does not leak into the numbers. Returns what was seen.
 */
export async function waitQuiet(ours: number[], maxS = 120, cores = 0.25): Promise<number> {
  const until = Date.now() + maxS * 1000;
  let other = 0;
  do {
    const m0 = machineCpu().busy;
    const o0 =
      ours.reduce((s, p) => s + cpuSeconds(p), 0) + postgresCpuSeconds() + selfCpuSeconds();
    await sleep(1000);
    const o1 =
      ours.reduce((s, p) => s + cpuSeconds(p), 0) + postgresCpuSeconds() + selfCpuSeconds();
    other = Math.max(0, machineCpu().busy - m0 - (o1 - o0));
    if (other < cores) return other;
  } while (Date.now() < until);
  return other;
}
