import { parseArgs } from 'node:util';
import cron from 'node-cron';
import { buildApp } from './app.ts';
import { bootstrap } from './bootstrap.ts';
import { ConfigError, loadConfig } from './config.ts';
import { migrate } from './db/migrate.ts';
import { createDeps } from './deps.ts';
import { startMetricsListener } from './features/metrics/listener.ts';
import { runKeysCommand } from './keys-command.ts';
import { StartupError } from './lib/errors.ts';
import { portTaken, reservePort } from './lib/port-reservation.ts';

/**
 * Entry point. `--role all` (default) serves the API and runs the refresh worker; `api` only serves;
 * `worker` only refreshes (with /healthz and /readyz for probes); `migrate` applies migrations and
 * exits; `keys …` manages API keys.
 */
async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  // `keys …` parses its own arguments; `keys generate` needs no configuration at all.
  if (argv[0] === 'keys') return runKeysCommand(argv.slice(1));
  const { values } = parseArgs({
    args: argv,
    options: { role: { type: 'string', default: 'all' } },
  });
  const role = values.role;
  if (!['api', 'worker', 'all', 'migrate'].includes(role ?? '')) {
    throw new ConfigError(`--role must be api, worker, all or migrate (got ${role})`);
  }
  const config = loadConfig();

  // The ports are held before anything is written (docs/operations.md#processes).
  const listens = role !== 'migrate';
  const apiPort = listens ? await reservePort('PORT', config.HOST, config.PORT) : undefined;
  const metricsHint = ' (-1 turns /metrics off)';
  const metricsPort =
    listens && config.METRICS_PORT >= 0
      ? await reservePort('METRICS_PORT', config.METRICS_HOST, config.METRICS_PORT, metricsHint)
      : undefined;
  const deps = await createDeps(config);
  const boot = { value: {} as Awaited<ReturnType<typeof bootstrap>> };
  await migrate(deps.database, async (tx) => {
    boot.value = await bootstrap(deps, tx);
  });
  if (boot.value.generatedAdminKey)
    printFirstKey(boot.value.generatedAdminKey, boot.value.tenantId!, config.PUBLIC_URL);
  // Data keys no configured master key unwraps (a rotation that dropped the old key too early):
  // said once here, and /readyz answers 503 until the configuration is fixed.
  const unwrapProblem = await deps.services.unwrapCheck.check();
  if (unwrapProblem)
    deps.logger.error({ master_kids: unwrapProblem.kids }, `not ready: ${unwrapProblem.detail}`);
  // A scheme policy added after configs were made: they keep working, and the operator is told.
  const outside = await deps.services.authConfigs.outsidePolicy(config.allowedAuthSchemes);
  if (outside.length)
    deps.logger.warn(
      { auth_configs: Object.fromEntries(outside.map((o) => [o.scheme, o.n])) },
      `${outside.reduce((n, o) => n + o.n, 0)} auth configs use auth schemes ALLOWED_AUTH_SCHEMES does not allow (${outside.map((o) => o.scheme).join(', ')}); they keep working, new ones and new accounts under them are refused: find them with GET /v1/auth-configs?auth_scheme=<scheme> and disable or delete them`,
    );
  if (role === 'migrate') {
    deps.logger.info('migrations applied');
    await deps.database.close();
    return;
  }

  // Caches serve only once subscribed to the database's change announcements.
  await deps.changes.start();
  // Made-up API keys are refused from memory once the ids of the real ones are loaded (until then,
  // and whenever that fails, each unknown key costs a lookup as long as its source is in good standing).
  if (role !== 'worker') await deps.services.apiKeys.loadKnownIds();
  const app = await buildApp(deps, { routes: role === 'worker' ? 'health' : 'all' });
  await apiPort?.release();
  await app
    .listen({ port: config.PORT, host: config.HOST })
    .catch(portTaken('PORT', config.HOST, config.PORT));
  await metricsPort?.release();
  const metricsListener =
    config.METRICS_PORT >= 0
      ? await startMetricsListener(deps.metrics, {
          host: config.METRICS_HOST,
          port: config.METRICS_PORT,
        }).catch(portTaken('METRICS_PORT', config.METRICS_HOST, config.METRICS_PORT, metricsHint))
      : undefined;
  deps.metrics.startGauges(config.METRICS_GAUGE_INTERVAL_SECONDS * 1000, (err) =>
    deps.logger.warn({ err: { message: (err as Error).message } }, 'metrics gauges not read'),
  );
  const { worker, auditWriter: audit, webhooks } = deps.services;
  audit.start();
  const background = role === 'worker' || role === 'all';
  if (background) worker.start();
  // Webhook deliveries go out from the same processes that run the worker.
  const webhookTask = background
    ? cron.schedule(config.WEBHOOK_CRON, () => webhooks.tick().then(() => undefined), {
        noOverlap: true,
      })
    : undefined;
  // Audit retention: every ten minutes, in batches, from the same processes.
  const retentionTask = background
    ? cron.schedule(
        '0 */10 * * * *',
        () =>
          audit.purge(config.AUDIT_RETENTION_DAYS).then(
            (n) => void (n && deps.logger.info({ purged: n }, 'audit retention')),
            (err: unknown) =>
              deps.logger.warn({ err: { message: (err as Error).message } }, 'audit purge failed'),
          ),
        { noOverlap: true },
      )
    : undefined;
  deps.logger.info(
    {
      db: deps.database.kind,
      url: config.PUBLIC_URL,
      metrics_url: metricsListener?.url ?? null,
      role,
      ready_ms: Math.round(process.uptime() * 1000),
    },
    'credential-vault ready',
  );

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    deps.logger.info({ signal }, 'shutting down');
    // Stop claiming, let claimed refreshes finish and release leases; stop accepting, finish requests.
    await webhookTask?.stop();
    await retentionTask?.stop();
    deps.metrics.stopGauges();
    await Promise.all([worker.stop(), app.close(), metricsListener?.close()]);
    await audit.stop();
    await deps.changes.stop();
    await deps.database.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

function printFirstKey(key: string, tenantId: string, publicUrl: string): void {
  // Shown once, on stdout, deliberately outside the logger (which never carries secrets).
  process.stdout.write(
    [
      '',
      '================================================================================',
      ` First start: created tenant ${tenantId} and its admin API key.`,
      ' It is shown ONCE; store it now:',
      '',
      `   ${key}`,
      '',
      ` Try:  curl -H "Authorization: Bearer <key>" ${publicUrl}/v1/auth-configs`,
      '================================================================================',
      '',
    ].join('\n'),
  );
}

main().catch((err: unknown) => {
  if (err instanceof StartupError) {
    process.stderr.write(`credential-vault: ${err.message}\n`);
  } else {
    process.stderr.write(
      `credential-vault: failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
  }
  process.exit(1);
});
