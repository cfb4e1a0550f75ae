// A deployment in miniature for the failover test and the chaos soak: vault processes (API
// replicas and refresh workers) on one database, accounts connected through the emulator, and
// callers that fetch tokens with min_ttl all along and check every token they get at the
// emulator's Jira. Whatever the callers see is recorded, classified and summed up here.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Emulator } from '../../src/emulator/index.ts';
import { newApiKey } from '../../src/features/api-keys/secrets.ts';
import { cookieJar } from '../helpers/cookies.ts';
import { atlassianConfig } from '../helpers/fixtures.ts';
import { freePort, spawnVault, type VaultProcess } from '../helpers/process.ts';
import { testMasterKey } from '../helpers/vault.ts';

export type Role = 'api' | 'worker';

/** One place in the deployment: a process that may be killed and started again. */
export interface Slot {
  name: string;
  role: Role;
  proc: VaultProcess;
  metricsPort: number;
  alive: boolean;
  /** SIGKILL, as a crash or an OOM kill would. */
  kill(): Promise<void>;
  /** Starts the slot's process again (same environment, same ports). */
  start(): Promise<void>;
}

export async function startFleet(opts: {
  emu: Emulator;
  /** the DATABASE_URL of each slot (a per-slot TCP proxy in the soak) */
  dbUrl: (slotName: string) => string | Promise<string>;
  env?: Record<string, string>;
}) {
  const adminKey = newApiKey().token;
  const publicPort = await freePort();
  const base: Record<string, string> = {
    VAULT_MASTER_KEYS: testMasterKey(),
    VAULT_BOOTSTRAP_ADMIN_KEY: adminKey,
    VAULT_BOOTSTRAP_OPERATOR_KEY: newApiKey().token,
    PUBLIC_URL: `http://127.0.0.1:${publicPort}`,
    ATLASSIAN_AUTH_URL: opts.emu.url,
    ATLASSIAN_API_URL: opts.emu.url,
    DATA_DIR: mkdtempSync(join(tmpdir(), 'cv-fleet-')),
    LOG_LEVEL: 'warn',
    DB_POOL_MAX: '8',
    RATE_LIMIT_PER_IP: '10000000',
    RATE_LIMIT_PER_KEY: '10000000',
    // Every second: short-lived tokens in these runs are refreshed ahead all the time.
    REFRESH_CRON: '* * * * * *',
    ...opts.env,
  };
  const slots: Slot[] = [];

  async function add(role: Role, env: Record<string, string> = {}) {
    const name = `${role}${slots.filter((s) => s.role === role).length + 1}`;
    const port = slots.length === 0 ? publicPort : await freePort();
    const metricsPort = await freePort();
    const slotEnv = {
      ...base,
      ...env,
      PORT: String(port),
      METRICS_PORT: String(metricsPort),
      DATABASE_URL: await opts.dbUrl(name),
    };
    const slot: Slot = {
      name,
      role,
      metricsPort,
      alive: false,
      proc: undefined as unknown as VaultProcess,
      async kill() {
        slot.alive = false;
        await slot.proc.stop('SIGKILL');
      },
      async start() {
        slot.proc = await spawnVault(slotEnv, ['--role', role]);
        await slot.proc.waitReady(120_000);
        slot.alive = true;
      },
    };
    await slot.start();
    slots.push(slot);
    return slot;
  }

  const api = async (p: VaultProcess, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${p.url}${path}`, {
      method,
      redirect: 'manual',
      headers: {
        authorization: `Bearer ${adminKey}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, body: text.startsWith('{') ? JSON.parse(text) : text };
  };

  /** `n` accounts of one Atlassian app whose access tokens live `ttlSeconds`. */
  async function connectAccounts(n: number, ttlSeconds: number) {
    const front = slots.find((s) => s.role === 'api' && s.alive)!.proc;
    // Every account refreshes on the worker's schedule whether or not a caller uses it: the
    // failover and the soak measure refresh safety under churn (docs/contracts.md#use-driven-refresh).
    const cfg = { ...atlassianConfig(), refresh_policy: 'always' };
    const created = await api(front, 'POST', '/v1/auth-configs', cfg);
    if (created.status !== 201) throw new Error(JSON.stringify(created.body));
    opts.emu.addApp({
      clientId: cfg.client_id,
      clientSecret: cfg.client_secret,
      name: 'fleet app',
      callbackUrl: created.body.callback_url,
      scopes: cfg.scopes,
      accessTokenTtlSeconds: ttlSeconds,
    });
    const ids: string[] = [];
    for (let i = 0; i < n; i += 10) {
      const batch = Array.from({ length: Math.min(10, n - i) }, async (_, j) => {
        const k = i + j;
        const user = opts.emu.addUser({
          email: `u${k}-${cfg.client_id}@example.com`,
          name: `U${k}`,
          sites: [{ name: `S${k}`, url: `https://s${k}-${cfg.client_id}.atlassian.net` }],
        });
        const acc = await api(front, 'POST', '/v1/connected-accounts', {
          auth_config_id: created.body.id,
          user_id: `u${k}`,
        });
        if (acc.status !== 201) throw new Error(JSON.stringify(acc.body));
        const jar = cookieJar();
        const link = new URL(acc.body.redirect_url);
        const opened = await fetch(`${front.url}${link.pathname}`, { redirect: 'manual' });
        jar.absorb(opened);
        const consent = await opts.emu.consent({
          authorizeUrl: opened.headers.get('location')!,
          accountId: user.accountId,
          decision: 'approve',
        });
        const cb = new URL(consent.location!);
        const done = await fetch(`${front.url}${cb.pathname}${cb.search}`, {
          redirect: 'manual',
          headers: jar.headerFor(cb.pathname),
        });
        if (done.status !== 200) throw new Error(`callback answered ${done.status}`);
        return acc.body.id as string;
      });
      ids.push(...(await Promise.all(batch)));
    }
    return { configId: created.body.id as string, accountIds: ids };
  }

  /** The refresh results this process reported as written (cv_refreshes_total, outcome refreshed). */
  async function refreshedBy(slot: Slot): Promise<number> {
    const text = await fetch(`http://127.0.0.1:${slot.metricsPort}/metrics`).then((r) => r.text());
    let sum = 0;
    for (const line of text.split('\n')) {
      if (line.startsWith('cv_refreshes_total{') && line.includes('outcome="refreshed"')) {
        sum += Number(line.split(' ').pop());
      }
    }
    return sum;
  }

  return {
    adminKey,
    slots,
    add,
    api,
    connectAccounts,
    refreshedBy,
    /** A live API replica, at random: what a load balancer in front would pick. */
    pickApi(): Slot | undefined {
      const live = slots.filter((s) => s.role === 'api' && s.alive);
      return live[Math.floor(Math.random() * live.length)];
    },
    async stop() {
      await Promise.all(slots.map((s) => s.proc.stop('SIGKILL')));
    },
  };
}

export type Fleet = Awaited<ReturnType<typeof startFleet>>;

/** What one token request came to. */
export interface Answer {
  at: number;
  ms: number;
  /** '200', '503 <code>' (retryable: with Retry-After), or what else came back */
  kind: string;
  ok: boolean;
  /** a problem with the token itself (shorter than min_ttl, refused by the provider) */
  bad?: string;
}

/**
 * Callers fetching tokens for random accounts from random live API replicas, `concurrency` at a
 * time, each token checked at the emulator's Jira (/rest/api/3/myself). A request whose replica
 * died under it is sent again to another (a load balancer's retry) and counted apart.
 */
export function startCallers(opts: {
  fleet: Fleet;
  accountIds: string[];
  concurrency: number;
  minTtl: () => number;
  /** a client's own timeout per request */
  timeoutMs?: number;
}) {
  const answers: Answer[] = [];
  let noAnswer = 0;
  let stopped = false;

  async function once(): Promise<void> {
    const slot = opts.fleet.pickApi();
    if (!slot) {
      await sleep(50);
      return;
    }
    const id = opts.accountIds[Math.floor(Math.random() * opts.accountIds.length)]!;
    const minTtl = opts.minTtl();
    const at = Date.now();
    let res: Response;
    try {
      res = await fetch(`${slot.proc.url}/v1/connected-accounts/${id}/token`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${opts.fleet.adminKey}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ min_ttl: minTtl }),
        signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000),
      });
    } catch (err) {
      if ((err as Error).name === 'TimeoutError') {
        answers.push({ at, ms: Date.now() - at, kind: 'timeout', ok: false });
      } else {
        // The replica went away under the request (killed): no answer to classify.
        noAnswer++;
        await sleep(20);
      }
      return;
    }
    const ms = Date.now() - at;
    const text = await res.text();
    const body = text.startsWith('{') ? JSON.parse(text) : {};
    if (res.status === 200) {
      const a: Answer = { at, ms, kind: '200', ok: true };
      if (body.expires_in < minTtl) a.bad = `expires_in ${body.expires_in} < min_ttl ${minTtl}`;
      else {
        const check = await fetch(`${body.api_base_url}/rest/api/3/myself`, {
          headers: { authorization: `${body.token_type} ${body.access_token}` },
        });
        await check.text();
        if (check.status !== 200) a.bad = `the provider refused the token (${check.status})`;
      }
      answers.push(a);
      return;
    }
    const retryable = res.status === 503 && res.headers.get('retry-after') !== null && body.code;
    answers.push({
      at,
      ms,
      kind: retryable ? `503 ${body.code}` : `${res.status} ${body.code ?? text.slice(0, 80)}`,
      ok: false,
    });
    // A caller honours Retry-After (capped: these runs measure, they do not idle).
    if (retryable) await sleep(Math.min(Number(res.headers.get('retry-after')) * 1000, 250));
  }

  const loops = Array.from({ length: opts.concurrency }, async () => {
    while (!stopped) await once();
  });

  return {
    answers,
    get noAnswer() {
      return noAnswer;
    },
    async stop() {
      stopped = true;
      await Promise.all(loops);
    },
  };
}

/** Answers by kind, latency percentiles, and what breaks the rules. */
export function summarize(answers: Answer[]) {
  const byKind: Record<string, number> = {};
  for (const a of answers) byKind[a.kind] = (byKind[a.kind] ?? 0) + 1;
  const ms = answers.map((a) => a.ms).sort((x, y) => x - y);
  const pct = (p: number) => ms[Math.min(ms.length - 1, Math.floor((p / 100) * ms.length))] ?? 0;
  const notAllowed = answers.filter((a) => a.kind !== '200' && !a.kind.startsWith('503 '));
  const bad = answers.filter((a) => a.bad);
  const failed = answers.filter((a) => !a.ok).length;
  return {
    total: answers.length,
    byKind,
    p50: pct(50),
    p99: pct(99),
    max: ms[ms.length - 1] ?? 0,
    share503: answers.length ? failed / answers.length : 0,
    notAllowed,
    bad,
  };
}

/** The first and last failed answers: the window in which callers saw the database gone. */
export function outage(answers: Answer[], from: number) {
  const failed = answers.filter((a) => a.at >= from && !a.ok);
  if (failed.length === 0) return undefined;
  const first = Math.min(...failed.map((a) => a.at));
  const lastFailedEnd = Math.max(...failed.map((a) => a.at + a.ms));
  const recovered = answers
    .filter((a) => a.ok && a.at >= lastFailedEnd - 1)
    .reduce((m, a) => Math.min(m, a.at + a.ms), Infinity);
  return { first, recovered, ms: (Number.isFinite(recovered) ? recovered : lastFailedEnd) - first };
}
