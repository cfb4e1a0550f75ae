import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import type { Database } from '../../src/db/client.ts';
import { migrate } from '../../src/db/migrate.ts';
import { createDeps, type Deps } from '../../src/deps.ts';
import type { Clock } from '../../src/lib/clock.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { openTestDatabase } from './database.ts';

export const testMasterKey = (kid = 't1') => `${kid}:${randomBytes(32).toString('base64')}`;

/** A database a test made itself, with how to get rid of it. */
export interface TestDatabase {
  database: Database;
  drop(): Promise<void>;
}

export interface TestVault {
  app: FastifyInstance;
  deps: Deps;
  /** every log line the vault wrote, at debug level */
  logs: string[];
  operatorKey: string;
  call(
    method: InjectOptions['method'],
    url: string,
    key?: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Res>;
  newTenant(): Promise<{ tenantId: string; adminKey: string }>;
  close(): Promise<void>;
}

export interface Res {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  text: string;
  headers: Record<string, unknown>;
}

/** A real vault (real database, real HTTP stack through inject) for one test file. */
export async function startTestVault(
  opts: {
    env?: Record<string, string>;
    clock?: Clock;
    shareDatabaseOf?: TestVault;
    /** a database of the test's own making (e.g. one it can take away: helpers/outage.ts) */
    database?: TestDatabase;
  } = {},
): Promise<TestVault> {
  // A second vault on the same database plays "another replica" or "the same vault restarted".
  const { database, drop } = opts.shareDatabaseOf
    ? { database: opts.shareDatabaseOf.deps.database, drop: async () => {} }
    : (opts.database ?? (await openTestDatabase()));
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  const config = loadConfig({
    NODE_ENV: 'test',
    VAULT_MASTER_KEYS: testMasterKey(),
    PUBLIC_URL: 'http://vault.test',
    DATA_DIR: mkdtempSync(join(tmpdir(), 'cv-test-')),
    ...opts.env,
  });
  const deps = await createDeps(config, {
    database,
    logger: createLogger('debug', sink),
    clock: opts.clock,
  });
  await migrate(database);
  const app = await buildApp(deps);
  await app.ready();
  deps.services.auditWriter.start();
  await deps.changes.start();
  await deps.services.apiKeys.loadKnownIds();
  const { token: operatorKey } = await deps.services.apiKeys.createKeyIn(database.db, {
    tenantId: null,
    role: 'operator',
    name: 'test operator',
  });

  const call: TestVault['call'] = async (method, url, key, body, extra = {}) => {
    const auth = key ? { authorization: `Bearer ${key}` } : {};
    const res = await app.inject({
      method,
      url,
      headers: { ...auth, ...extra },
      ...(body === undefined
        ? {}
        : typeof body === 'string'
          ? {
              payload: body,
              headers: { ...auth, 'content-type': 'application/json', ...extra },
            }
          : { payload: body as object }),
    });
    let parsed: unknown = undefined;
    try {
      parsed = res.body ? JSON.parse(res.body) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.statusCode, body: parsed, text: res.body, headers: res.headers };
  };

  return {
    app,
    deps,
    logs,
    operatorKey,
    call,
    async newTenant() {
      const t = await call('POST', '/v1/tenants', operatorKey, {
        name: `tenant ${randomBytes(3).toString('hex')}`,
      });
      if (t.status !== 201) throw new Error(`tenant create failed: ${t.text}`);
      const k = await call('POST', `/v1/tenants/${t.body.id}/api-keys`, operatorKey, {
        name: 'admin',
        role: 'admin',
      });
      if (k.status !== 201) throw new Error(`key create failed: ${k.text}`);
      return { tenantId: t.body.id as string, adminKey: k.body.key as string };
    },
    async close() {
      await app.close();
      await deps.services.auditWriter.stop();
      await deps.changes.stop();
      await drop();
    },
  };
}
