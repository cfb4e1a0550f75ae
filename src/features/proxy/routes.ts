import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { problems } from '../../http/schemas.ts';
import { tenantPrincipal } from '../../http/auth.ts';
import type { TenantPrincipal } from '../../lib/principal.ts';
import { badRequest } from '../../lib/errors.ts';
import { ID_PATTERN } from '../../lib/ids.ts';
import type { Metrics } from '../metrics/metrics.ts';
import { SANDBOX } from './headers.ts';
import type { ProxyAnswer, ProxyService } from './service.ts';

// HEAD too: fastify answers it through the GET route (and keeps it out of the OpenAPI document,
// as for every other GET: a HEAD answer has no body to describe).
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const tags = ['proxy'];
// Proxied calls are counted like token reads (audited as proxy.request by the token service).
// Proxy tokens are accepted here, and only here, instead of a vault key.
const config = {
  roles: ['admin' as const, 'service' as const],
  audit: false as const,
  proxyTokens: true,
};
// Like the token path: no info lines per call, and never the provider's bodies or tokens.
const logLevel = 'warn';
const Path = Type.String({
  description:
    'the provider path: Atlassian `jira/…` → {ATLASSIAN_API_URL}/ex/jira/{cloudId}/…, `confluence/…` → …/ex/confluence/{cloudId}/…; generic oauth2 → {oauth2.api_base_url}/…',
});
const CLOUD_ID = /^[A-Za-z0-9-]{1,128}$/;
const USER_ID_MAX = 256;

const description = `Forwards the call, with the caller's method, query, body and content headers, to the account's API base with \`Authorization\` set to a token valid for at least 60 s. The provider's status, headers and body come back as they are, streamed. Request headers \`X-Vault-Cloud-Id\` (another granted Atlassian site), and under an auth config \`X-Vault-User-Id\` or \`X-Vault-Connected-Account-Id\` choose the account and site; they, the vault key, cookies, hop-by-hop and forwarding headers never travel on. A 401 from the provider causes at most one refresh per account and PROXY_REJECTION_COOLDOWN_SECONDS (none for a token issued in the last minute), and one retry with a newer token (bodies up to 64 KiB); otherwise the 401 comes back as it is. A 429/503 comes back with its Retry-After. PROXY_TIMEOUT_MS bounds the whole exchange: 504 before the provider's answer, 408 while the request body is still arriving, a cut-off answer after. Access-Control-* headers are dropped; every answer carries Content-Security-Policy: sandbox and X-Content-Type-Options: nosniff. Bodies beyond PROXY_MAX_BODY_BYTES: 413.`;

const responses = {
  ...problems(400, 401, 403, 404, 408, 409, 413, 502, 503, 504),
};

function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  if (v === undefined) return undefined;
  if (Array.isArray(v)) throw badRequest('invalid_request', `${name} may be sent once`);
  return v;
}

function cloudIdOf(req: FastifyRequest) {
  const v = header(req, 'x-vault-cloud-id');
  if (v !== undefined && !CLOUD_ID.test(v))
    throw badRequest('invalid_request', 'X-Vault-Cloud-Id must be an Atlassian cloud id');
  return v;
}

function send(reply: FastifyReply, a: ProxyAnswer) {
  reply.code(a.status).headers(a.headers);
  return reply.send(a.body ?? undefined);
}

/** ANY …/proxy/{path}: provider calls with the account's token. */
export const proxyRoutes =
  (svc: ProxyService, metrics: Pick<Metrics, 'proxyRequests'>): FastifyPluginAsyncTypebox =>
  async (app) => {
    // Bodies are streamed to the provider as they arrive: nothing here parses or buffers them.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', (_req, _payload, done) => done(null, undefined));
    app.addHook('onSend', (req, reply, payload, done) => {
      // The vault's own answers on these routes are sandboxed like the provider's.
      if (!reply.hasHeader('content-security-policy'))
        reply.header('content-security-policy', SANDBOX);
      // Answered before the caller's body was read in full (a refusal, the deadline): the rest of
      // it is not waited for — the connection closes once the answer is out.
      if (!req.raw.complete) reply.header('connection', 'close');
      done(null, payload);
    });
    app.addHook('onResponse', (_req, reply, done) => {
      metrics.proxyRequests.inc({ status_class: `${Math.floor(reply.statusCode / 100)}xx` });
      done();
    });

    const call = (req: FastifyRequest, reply: FastifyReply, principal: TenantPrincipal) => {
      const abort = new AbortController();
      // The caller went away before the answer was complete: stop the provider call too.
      reply.raw.once('close', () => {
        if (!reply.raw.writableFinished) abort.abort();
      });
      return {
        principal,
        method: req.method,
        raw: req.raw,
        ip: req.ip,
        signal: abort.signal,
      };
    };

    app.route({
      method: METHODS,
      url: '/v1/connected-accounts/:id/proxy/*',
      config,
      logLevel,
      schema: {
        tags,
        summary: 'Call the provider’s API with this connected account’s token',
        description,
        params: Type.Object(
          { id: Type.String({ pattern: ID_PATTERN('ca') }), '*': Path },
          { additionalProperties: false },
        ),
        response: responses,
      },
      handler: async (req, reply) => {
        const principal = tenantPrincipal(req);
        const { id } = req.params as { id: string };
        return send(reply, await svc.viaAccount(id, call(req, reply, principal), cloudIdOf(req)));
      },
    });

    app.route({
      method: METHODS,
      url: '/v1/auth-configs/:id/proxy/*',
      config,
      logLevel,
      schema: {
        tags,
        summary:
          'Call the provider’s API with a connected account of this auth config (X-Vault-User-Id or X-Vault-Connected-Account-Id)',
        description,
        params: Type.Object(
          { id: Type.String({ pattern: ID_PATTERN('ac') }), '*': Path },
          { additionalProperties: false },
        ),
        response: responses,
      },
      handler: async (req, reply) => {
        const principal = tenantPrincipal(req);
        const { id } = req.params as { id: string };
        const userId = header(req, 'x-vault-user-id');
        const accountId = header(req, 'x-vault-connected-account-id');
        if (userId !== undefined && (userId === '' || userId.length > USER_ID_MAX))
          throw badRequest('invalid_request', 'X-Vault-User-Id must be 1-256 characters');
        if (accountId !== undefined && !new RegExp(ID_PATTERN('ca')).test(accountId))
          throw badRequest(
            'invalid_request',
            'X-Vault-Connected-Account-Id must be a connected account id',
          );
        return send(
          reply,
          await svc.viaConfig(
            id,
            { userId, accountId },
            call(req, reply, principal),
            cloudIdOf(req),
          ),
        );
      },
    });
  };
