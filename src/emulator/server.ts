// createEmulator/startEmulator: one fastify server serving the auth host, the api host and the site
// paths, and GitHub's github.com and api.github.com (github/).
import formbody from '@fastify/formbody';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { registerCredentialAdminRoutes } from './admin-credentials.ts';
import { registerIndexAdminRoutes } from './admin-index.ts';
import { registerAdminRoutes } from './admin.ts';
import { registerApiRoutes } from './api.ts';
import { consent, registerAuthorizeRoutes } from './authorize.ts';
import { EmulatorCore } from './core.ts';
import { githubMethods } from './github/code-api.ts';
import { registerGithubRoutes } from './github/routes.ts';
import { registerRequestLog } from './requests.ts';
import { addConfluencePage, addJiraIssue } from './seed.ts';
import { EmuInputError } from './state.ts';
import { registerTokenRoute } from './token.ts';
import type { Emulator, EmulatorOptions } from './types.ts';

export interface CreatedEmulator {
  core: EmulatorCore;
  server: FastifyInstance;
}

function githubRateLimit(v: number | undefined): number {
  if (v === undefined) return 5000;
  if (!Number.isSafeInteger(v) || v < 1)
    throw new TypeError('githubRateLimit must be a positive integer');
  return v;
}

/** Builds the server without listening (useful with fastify's inject()). */
export async function createEmulator(opts: EmulatorOptions = {}): Promise<CreatedEmulator> {
  const core = new EmulatorCore({
    leewaySeconds: opts.leewaySeconds ?? 600,
    accessTokenTtlSeconds: opts.accessTokenTtlSeconds ?? 3600,
    authCodeTtlSeconds: opts.authCodeTtlSeconds ?? 600,
    githubRateLimit: githubRateLimit(opts.githubRateLimit),
  });
  const server = Fastify({ logger: opts.logger ?? false, forceCloseConnections: true });
  await server.register(formbody);
  server.setErrorHandler((error: FastifyError, _req, reply) => {
    if (error instanceof EmuInputError) {
      return reply.code(error.status).send({
        error: error.status === 404 ? 'not_found' : 'invalid_request',
        error_description: error.message,
      });
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return reply
        .code(status)
        .send({ error: 'invalid_request', error_description: error.message });
    }
    server.log.error(error);
    return reply.code(500).send({ error: 'server_error' });
  });
  server.setNotFoundHandler((_req, reply) =>
    reply.code(404).send({ code: 404, message: 'Not Found' }),
  );
  registerRequestLog(server, core.requests, () => core.clock.now());
  const adminRoutes: string[] = [];
  server.addHook('onRoute', (r) => {
    if (!r.url.startsWith('/_emulator')) return;
    for (const m of [r.method].flat()) if (m !== 'HEAD') adminRoutes.push(`${m} ${r.url}`);
  });
  registerAuthorizeRoutes(server, core);
  registerTokenRoute(server, core);
  registerApiRoutes(server, core);
  registerAdminRoutes(server, core);
  registerCredentialAdminRoutes(server, core);
  registerGithubRoutes(server, core);
  registerIndexAdminRoutes(server, core, adminRoutes);
  server.addHook('onClose', async () => core.faults.wakeAll());
  return { core, server };
}

export async function startEmulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  const { core, server } = await createEmulator(opts);
  const host = opts.host ?? '127.0.0.1';
  await server.listen({ port: opts.port ?? 0, host });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url,
    clock: core.clock,
    addApp: (a) => void core.dir.addApp(a),
    addUser: (u) => core.dir.addUser(u),
    addSite: (accountId, site) => core.dir.addSite(accountId, site),
    revokeGrant: (accountId, clientId) => void core.dir.revokeGrant(accountId, clientId),
    setFaults: (f) => core.faults.set(f),
    clearFaults: () => core.faults.clear(),
    counters: () => core.countersSnapshot(),
    resetCounters: () => core.resetCounters(),
    consent: async (p) => consent(core, p),
    setAppCallback: (clientId, callbackUrl) => void core.dir.setAppCallback(clientId, callbackUrl),
    revokeAccessTokens: (accountId, clientId) => core.dir.revokeAccessTokens(accountId, clientId),
    addServiceAccount: (input) => core.accounts.addServiceAccount(input),
    revokeServiceAccountCredential: (clientId) => core.accounts.revokeCredential(clientId),
    setServiceAccountSecret: (clientId, secret) => core.accounts.setSecret(clientId, secret),
    addApiToken: (input) => core.accounts.addApiToken(input),
    revokeApiToken: (token) => core.accounts.revokeApiToken(token),
    siteUrl: (name) => `${url}/site/${encodeURIComponent(name)}`,
    requests: (limit) => core.requests.recent(limit),
    clearRequests: () => core.requests.clear(),
    addJiraIssue: (cloudId, issue) => addJiraIssue(core, cloudId, issue),
    addConfluencePage: (cloudId, page) => addConfluencePage(core, cloudId, page),
    ...githubMethods(core),
    close: async () => {
      core.faults.wakeAll();
      await server.close();
    },
  };
}
