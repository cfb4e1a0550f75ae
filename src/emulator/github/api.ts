// The api.github.com look-alike: GET /user, GET /rate_limit and DELETE /applications/:client_id/grant
// here, repositories and issues in repos.ts; all behind guard.ts (faults, authentication, quota).
import type { FastifyInstance } from 'fastify';
import type { EmulatorCore } from '../core.ts';
import { gzipJson } from '../gzip.ts';
import {
  applyGithubFault,
  ghError,
  guard,
  isoSeconds,
  livePrincipal,
  origin,
  REST_DOCS,
  simpleUser,
} from './guard.ts';
import { registerGithubRepoRoutes } from './repos.ts';
import { revokeGrant } from './token.ts';

function registerUserRoutes(app: FastifyInstance, core: EmulatorCore): void {
  app.get('/user', async (req, reply) => {
    const p = await guard(core, req, reply);
    if (!p) return reply;
    const u = p.user;
    const iso = isoSeconds(u.createdAt);
    return {
      ...simpleUser(origin(req), u),
      name: u.name,
      company: null,
      blog: '',
      location: null,
      email: u.email,
      hireable: null,
      bio: null,
      twitter_username: null,
      public_repos: u.repos.filter((r) => !r.private).length,
      public_gists: 0,
      followers: 0,
      following: 0,
      created_at: iso,
      updated_at: iso,
    };
  });

  // GitHub does not count this route against the quota.
  app.get('/rate_limit', async (req, reply) => {
    const p = await guard(core, req, reply, false);
    if (!p) return reply;
    const { resource: _resource, ...core_ } = core.github.rate.peek(p.user.id, core.clock.now());
    return { resources: { core: core_ }, rate: core_ };
  });
}

function basicPair(header: string | undefined): { id: string; secret: string } | undefined {
  if (!header || !/^basic /i.test(header)) return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  return i <= 0 ? undefined : { id: decoded.slice(0, i), secret: decoded.slice(i + 1) };
}

/** The app (Basic client_id:client_secret) revokes a user's grant, named by one of its tokens. */
function registerGrantRoute(app: FastifyInstance, core: EmulatorCore): void {
  const docs = `${REST_DOCS}/apps/oauth-applications#delete-an-app-authorization`;
  app.delete<{ Params: { clientId: string } }>(
    '/applications/:clientId/grant',
    async (req, reply) => {
      const fault = core.faults.pick('api', 'github');
      if (fault && (await applyGithubFault(core.faults, fault, reply, undefined))) return reply;
      const pair = basicPair(req.headers.authorization);
      if (!pair) return reply.code(401).send(ghError(401, 'Requires authentication', docs));
      const ghApp = core.github.dir.apps.get(pair.id);
      if (!ghApp || ghApp.clientSecret !== pair.secret) {
        core.github.counters.inc('badCredentials');
        return reply.code(401).send(ghError(401, 'Bad credentials', docs));
      }
      if (req.params.clientId !== ghApp.clientId) {
        return reply.code(404).send(ghError(404, 'Not Found', docs));
      }
      const body = req.body as Record<string, unknown> | undefined;
      const token = body && typeof body === 'object' ? body.access_token : undefined;
      if (typeof token !== 'string' || token === '') {
        return reply
          .code(422)
          .send(ghError(422, 'Invalid request: access_token is required.', docs));
      }
      const p = livePrincipal(core, token);
      if (!p || p.access.chain.clientId !== ghApp.clientId) {
        return reply.code(404).send(ghError(404, 'Not Found', docs));
      }
      revokeGrant(core, p.user.id, ghApp.clientId);
      return reply.code(204).send();
    },
  );
}

export function registerGithubApiRoutes(app: FastifyInstance, core: EmulatorCore): void {
  void app.register(async (api) => {
    api.addHook('onSend', gzipJson);
    api.addHook('onRequest', async (_req, reply) => {
      reply
        .header('x-github-api-version-selected', '2022-11-28')
        .header('x-github-media-type', 'github.v3; format=json');
    });
    // An empty body with a JSON content type is no body; a malformed one gets GitHub's message.
    api.removeContentTypeParser('application/json');
    api.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, text, done) => {
      if (text === '') return done(null, undefined);
      try {
        done(null, JSON.parse(text as string));
      } catch {
        done(Object.assign(new Error('Problems parsing JSON'), { statusCode: 400 }), undefined);
      }
    });
    api.setErrorHandler((error: Error & { statusCode?: number }, _req, reply) => {
      const status = error.statusCode ?? 500;
      if (status >= 400 && status < 500)
        return reply.code(status).send(ghError(status, error.message));
      api.log.error(error);
      return reply.code(500).send(ghError(500, 'Server Error'));
    });
    registerUserRoutes(api, core);
    registerGrantRoute(api, core);
    registerGithubRepoRoutes(api, core);
  });
}
