// A real highly available PostgreSQL on loopback for the failover tests: a pg_auto_failover
// monitor and two data nodes (a primary and a standby) under one temporary folder. Debian's
// postgresql-15-auto-failover provides `pg_autoctl`; scripts/ha/test-ha.sh installs it when missing.
//
// Everything it starts is recorded in <dir>/pgroups and the nodes' postmaster.pid files, so that
// stop() — or test-ha.sh's trap, should this process die — ends exactly those processes.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { freePort } from '../../test/helpers/process.ts';

const PG_BIN = process.env.HA_PG_BIN ?? '/usr/lib/postgresql/15/bin';
const asRoot = process.getuid?.() === 0;

export interface HaNode {
  name: string;
  port: number;
  pgdata: string;
}

export interface FormationOptions {
  /**
   * Failure detection tuned down (1 s health checks, 3 s until a node counts as unhealthy, 3 s
   * demote timeout) so a test's failover takes seconds. false: pg_auto_failover's defaults
   * (5 s checks, 20 s unhealthy, 30 s demote timeout), what a production formation starts with.
   */
  fast?: boolean;
  database?: string;
}

interface NodeState {
  name: string;
  port: number;
  reported: string;
  assigned: string;
}

export async function startFormation(opts: FormationOptions = {}) {
  const dir = process.env.HA_DIR ?? mkdtempSync(join(tmpdir(), 'cv-ha-'));
  const database = opts.database ?? 'vault';
  if (asRoot) chownSync(dir, uid('postgres'), gid('postgres'));
  const env = {
    PATH: `${PG_BIN}:/usr/bin:/bin`,
    XDG_CONFIG_HOME: join(dir, 'config'),
    XDG_DATA_HOME: join(dir, 'data'),
    PG_CONFIG: join(PG_BIN, 'pg_config'),
  };
  const children = new Map<string, ChildProcess>();
  const monitorPort = await freePort();
  const monitorData = join(dir, 'monitor');
  const nodes: HaNode[] = [];
  for (const name of ['node1', 'node2']) {
    nodes.push({ name, port: await freePort(), pgdata: join(dir, name) });
  }
  const monitorUrl = `postgres://autoctl_node@127.0.0.1:${monitorPort}/pg_auto_failover?sslmode=disable`;

  const command = (args: string[]) =>
    asRoot
      ? { cmd: 'runuser', argv: ['-u', 'postgres', '--', 'env', ...envArgs(env), ...args] }
      : { cmd: 'env', argv: [...envArgs(env), ...args] };

  /** Runs pg_autoctl to completion. */
  function autoctl(args: string[]) {
    const { cmd, argv } = command(['pg_autoctl', ...args]);
    const r = spawnSync(cmd, argv, { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) {
      throw new Error(`pg_autoctl ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
    }
    return r.stdout;
  }

  /** Starts a long-running pg_autoctl in a process group of its own (crash() kills the group). */
  function service(name: string, args: string[]) {
    const { cmd, argv } = command(['pg_autoctl', ...args]);
    const child = spawn(cmd, argv, { cwd: dir, detached: true, stdio: 'ignore' });
    appendFileSync(join(dir, 'pgroups'), `${child.pid}\n`);
    children.set(name, child);
    return child;
  }

  const sql = async (port: number, text: string, db = database) => {
    const c = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: db });
    c.on('error', () => {});
    try {
      await c.connect();
      return (await c.query(text)).rows;
    } finally {
      await c.end().catch(() => {});
    }
  };

  async function states(): Promise<NodeState[]> {
    const rows = await sql(
      monitorPort,
      `select nodename as name, nodeport as port, reportedstate as reported, goalstate as assigned
         from pgautofailover.node order by nodeid`,
      'pg_auto_failover',
    );
    return rows as NodeState[];
  }

  async function waitFor(what: string, ok: (s: NodeState[]) => boolean, timeoutMs = 120_000) {
    const until = Date.now() + timeoutMs;
    let last: NodeState[] = [];
    while (Date.now() < until) {
      last = await states().catch(() => last);
      if (ok(last)) return last;
      await sleep(200);
    }
    throw new Error(`pg_auto_failover: ${what} not reached; states: ${JSON.stringify(last)}`);
  }

  const stable = (s: NodeState[]) =>
    s.length === 2 &&
    s.some((n) => n.reported === 'primary' && n.assigned === 'primary') &&
    s.some((n) => n.reported === 'secondary' && n.assigned === 'secondary');

  /**
   * Waits until one node is primary and the other its caught-up standby. pg_basebackup waits for
   * a spread checkpoint (minutes on an idle server): the primary is asked for one meanwhile.
   */
  async function waitStable(timeoutMs = 180_000) {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      const s = await states().catch(() => [] as NodeState[]);
      if (stable(s)) return s;
      const p = s.find((n) => n.reported === 'primary' || n.reported === 'wait_primary');
      if (p) await sql(p.port, 'checkpoint').catch(() => {});
      await sleep(500);
    }
    throw new Error(
      `pg_auto_failover: no primary with a standby; ${JSON.stringify(await states())}`,
    );
  }

  // The monitor.
  autoctl([
    'create',
    'monitor',
    '--pgdata',
    monitorData,
    '--pgport',
    String(monitorPort),
    '--hostname',
    '127.0.0.1',
    '--auth',
    'trust',
    '--no-ssl',
  ]);
  // pg_autoctl makes the monitor listen on every interface; this test's belongs on loopback.
  autoctl(['config', 'set', '--pgdata', monitorData, 'postgresql.listen_addresses', '127.0.0.1']);
  service('monitor', ['run', '--pgdata', monitorData]);
  const untilMonitor = Date.now() + 30_000;
  while (
    !(await sql(monitorPort, 'select 1', 'pg_auto_failover').then(
      () => true,
      () => false,
    ))
  ) {
    if (Date.now() > untilMonitor) throw new Error('pg_auto_failover: the monitor did not start');
    await sleep(200);
  }
  if (opts.fast !== false) {
    for (const [k, v] of Object.entries({
      health_check_period: 1000,
      health_check_timeout: 1000,
      health_check_max_retries: 1,
      health_check_retry_delay: 500,
      node_considered_unhealthy_timeout: 3000,
      primary_demote_timeout: 3000,
    })) {
      await sql(monitorPort, `alter system set pgautofailover.${k} = ${v}`, 'pg_auto_failover');
    }
    await sql(monitorPort, 'select pg_reload_conf()', 'pg_auto_failover');
  }

  // The data nodes, one after the other: the first becomes the primary, the second its standby.
  for (const n of nodes) {
    service(n.name, [
      'create',
      'postgres',
      '--pgdata',
      n.pgdata,
      '--pgport',
      String(n.port),
      '--listen',
      '127.0.0.1',
      '--hostname',
      '127.0.0.1',
      '--name',
      n.name,
      '--monitor',
      monitorUrl,
      '--auth',
      'trust',
      '--no-ssl',
      '--dbname',
      database,
      '--run',
    ]);
    if (n === nodes[0]) {
      await waitFor('a single primary', (s) => s.some((x) => x.reported === 'single'));
    }
  }
  await waitStable();

  const byName = (name: string) => nodes.find((n) => n.name === name)!;

  /** Process ids of a node's postmaster and its children (from postmaster.pid and /proc). */
  function postgresPids(n: HaNode): number[] {
    const pidFile = join(n.pgdata, 'postmaster.pid');
    if (!existsSync(pidFile)) return [];
    const pm = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
    if (!pm) return [];
    const kids = spawnSync('ps', ['-o', 'pid=', '--ppid', String(pm)], { encoding: 'utf8' })
      .stdout.split('\n')
      .map(Number)
      .filter(Boolean);
    return [pm, ...kids];
  }

  const kill = (pid: number, signal: NodeJS.Signals) => {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  };

  return {
    dir,
    nodes,
    monitorPort,
    /** The connection string a vault uses: every data node, the one taking writes chosen. */
    url: (db = database) =>
      `postgres://postgres@${nodes.map((n) => `127.0.0.1:${n.port}`).join(',')}/${db}?target_session_attrs=read-write`,
    /** A database of its own for one run (created on the primary, replicated to the standby). */
    async createDatabase(name: string) {
      const p = await this.primary();
      if (!p) throw new Error('no primary');
      await sql(p.port, `create database ${name}`);
    },
    states,
    waitStable,
    /** The node that is primary now (reported and assigned). */
    async primary(): Promise<HaNode | undefined> {
      const s = await states();
      // wait_primary: a primary whose standby is away (writes go on, without a synchronous standby)
      const p = s.find(
        (n) =>
          n.reported === n.assigned && (n.reported === 'primary' || n.reported === 'wait_primary'),
      );
      return p ? byName(p.name) : undefined;
    },
    async standby(): Promise<HaNode | undefined> {
      const s = await states();
      const p = s.find((n) => n.reported === 'secondary' && n.assigned === 'secondary');
      return p ? byName(p.name) : undefined;
    },
    /** Synchronous (the standby must confirm each commit) or asynchronous replication. */
    async replication(mode: 'sync' | 'async') {
      for (const n of nodes) {
        autoctl([
          'set',
          'node',
          'replication-quorum',
          mode === 'sync' ? 'true' : 'false',
          '--pgdata',
          n.pgdata,
        ]);
      }
      const want = mode === 'sync' ? /ANY 1/ : /^$/;
      const until = Date.now() + 30_000;
      for (;;) {
        const p = await this.primary();
        const v = p
          ? ((await sql(p.port, 'show synchronous_standby_names'))[0]?.synchronous_standby_names ??
            '')
          : undefined;
        if (v !== undefined && want.test(v)) return;
        if (Date.now() > until) throw new Error(`replication ${mode} not in force (${v})`);
        await sleep(200);
      }
    },
    /**
     * The primary stops sending WAL to its standby (its WAL sender is SIGSTOPped): replication lag
     * of our own making, until the primary is crashed. With synchronous replication commits then
     * wait for the standby; without, they are acknowledged and exist on the primary only.
     */
    async freezeSender(primary: HaNode) {
      const rows = await sql(primary.port, 'select pid from pg_stat_replication');
      const pid = Number(rows[0]?.pid);
      if (!pid) throw new Error(`${primary.name} has no WAL sender`);
      kill(pid, 'SIGSTOP');
    },
    /** The node dies as in a power cut: its keeper and postmaster are SIGKILLed. */
    crash(n: HaNode) {
      const child = children.get(n.name);
      const pids = postgresPids(n);
      if (child?.pid) kill(-child.pid, 'SIGKILL');
      for (const pid of pids) kill(pid, 'SIGKILL');
      children.delete(n.name);
    },
    /** Starts a crashed node's keeper again: it rejoins as a standby (pg_rewind as needed). */
    restart(n: HaNode) {
      service(n.name, ['run', '--pgdata', n.pgdata]);
    },
    /** Stops everything this formation started and removes its folder. */
    async stop() {
      for (const child of children.values()) if (child.pid) kill(-child.pid, 'SIGTERM');
      const until = Date.now() + 15_000;
      while (Date.now() < until && [...nodes, { pgdata: monitorData }].some(running)) {
        await sleep(200);
      }
      stopNow(dir);
    },
  };
}

/** Whether a data folder's postmaster is still there. */
function running(n: { pgdata: string }) {
  const pidFile = join(n.pgdata, 'postmaster.pid');
  if (!existsSync(pidFile)) return false;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Ends, synchronously, whatever is left of a formation in `dir` (process groups it recorded and
 * the postmasters of its data folders) and removes the folder. Safe to call from an exit handler.
 */
export function stopNow(dir: string) {
  const groups = existsSync(join(dir, 'pgroups'))
    ? readFileSync(join(dir, 'pgroups'), 'utf8').split('\n').map(Number).filter(Boolean)
    : [];
  for (const g of groups) {
    try {
      process.kill(-g, 'SIGKILL');
    } catch {
      // gone
    }
  }
  for (const name of ['monitor', 'node1', 'node2']) {
    const pidFile = join(dir, name, 'postmaster.pid');
    if (!existsSync(pidFile)) continue;
    const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
    try {
      if (pid) process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  rmSync(dir, { recursive: true, force: true });
}

export type Formation = Awaited<ReturnType<typeof startFormation>>;

const envArgs = (env: Record<string, string>) => Object.entries(env).map(([k, v]) => `${k}=${v}`);

function uid(user: string) {
  return Number(spawnSync('id', ['-u', user], { encoding: 'utf8' }).stdout.trim());
}
function gid(user: string) {
  return Number(spawnSync('id', ['-g', user], { encoding: 'utf8' }).stdout.trim());
}
