// Admin HTTP API for the GitHub side, under /_emulator/github (JSON, no auth: a local test tool).
// Same operations as the code API (code-api.ts).
import type { FastifyInstance } from 'fastify';
import { body, pick } from '../admin-input.ts';
import type { EmulatorCore } from '../core.ts';
import { EmuInputError } from '../errors.ts';
import { githubConsent } from './authorize.ts';
import { appView, userView } from './views.ts';
import { addGithubIssue, addGithubRepo, addGithubUser, revokeGithubGrant } from './code-api.ts';
import type { GithubAppInput, GithubRepoInput, GithubUserInput } from './types.ts';

/** `METHOD path` -> what it does and the body it takes (fields in camelCase or snake_case). */
export const GITHUB_ADMIN_ROUTES: Record<string, string> = {
  'GET /_emulator/github/apps': 'list GitHub apps (secrets left out)',
  'POST /_emulator/github/apps':
    '{clientSecret, name, callbackUrls (or callbackUrl), clientId? (default Iv1.<hex>), expiringTokens? (default true), accessTokenTtlSeconds? (28800), refreshTokenTtlSeconds? (15897600), revokeGrantOnRefreshReuse? (false)}',
  'PUT /_emulator/github/apps/:clientId':
    "{callbackUrls}: replace the callback URLs as in the app's settings",
  'GET /_emulator/github/users': 'list GitHub users with their repos',
  'POST /_emulator/github/users':
    '{login, id?, name?, email?, emailVerified? (default true), repos?: [{name, private?, description?}]}',
  'POST /_emulator/github/users/:login/repos': '{name, private?, description?}',
  'POST /_emulator/github/repos/:owner/:repo/issues': '{title, body?} (authored by the owner)',
  'POST /_emulator/github/consent':
    '{authorize_url, decision: approve|deny, login?}: the GitHub consent page without a browser',
  'POST /_emulator/github/grants/revoke':
    '{login, clientId}: the user revokes the app in their settings (every token dies)',
};

function appInput(b: Record<string, unknown>): GithubAppInput {
  const one = pick(b, 'callbackUrl', 'callback_url');
  return {
    clientId: pick(b, 'clientId', 'client_id') as string | undefined,
    clientSecret: pick(b, 'clientSecret', 'client_secret') as string,
    name: b.name as string,
    callbackUrls: (pick(b, 'callbackUrls', 'callback_urls') ??
      (one === undefined ? undefined : [one])) as string[],
    expiringTokens: pick(b, 'expiringTokens', 'expiring_tokens') as boolean | undefined,
    accessTokenTtlSeconds: pick(b, 'accessTokenTtlSeconds', 'access_token_ttl_seconds') as
      number | undefined,
    refreshTokenTtlSeconds: pick(b, 'refreshTokenTtlSeconds', 'refresh_token_ttl_seconds') as
      number | undefined,
    revokeGrantOnRefreshReuse: pick(
      b,
      'revokeGrantOnRefreshReuse',
      'revoke_grant_on_refresh_reuse',
    ) as boolean | undefined,
  };
}

function repoInput(b: Record<string, unknown>): GithubRepoInput {
  return {
    name: b.name as string,
    private: b.private as boolean | undefined,
    description: b.description as string | null | undefined,
  };
}

export function registerGithubAdminRoutes(app: FastifyInstance, core: EmulatorCore): void {
  const dir = core.github.dir;

  app.get('/_emulator/github/apps', async () => [...dir.apps.values()].map(appView));

  app.post('/_emulator/github/apps', async (req, reply) => {
    return reply.code(201).send(appView(dir.addApp(appInput(body(req.body)))));
  });

  app.put<{ Params: { clientId: string } }>('/_emulator/github/apps/:clientId', async (req) => {
    const b = body(req.body);
    const urls = pick(b, 'callbackUrls', 'callback_urls');
    return appView(dir.setCallbacks(req.params.clientId, urls));
  });

  app.get('/_emulator/github/users', async () => dir.users().map(userView));

  app.post('/_emulator/github/users', async (req, reply) => {
    const b = body(req.body);
    const repos = b.repos ?? [];
    if (!Array.isArray(repos)) throw new EmuInputError('repos must be an array');
    const input: GithubUserInput = {
      id: b.id as number | undefined,
      login: b.login as string,
      name: b.name as string | null | undefined,
      email: b.email as string | null | undefined,
      emailVerified: pick(b, 'emailVerified', 'email_verified') as boolean | undefined,
      repos: repos.map((r) => repoInput(body(r))),
    };
    return reply.code(201).send(addGithubUser(core, input));
  });

  app.post<{ Params: { login: string } }>(
    '/_emulator/github/users/:login/repos',
    async (req, reply) => {
      const repo = addGithubRepo(core, req.params.login, repoInput(body(req.body)));
      return reply.code(201).send(repo);
    },
  );

  app.post<{ Params: { owner: string; repo: string } }>(
    '/_emulator/github/repos/:owner/:repo/issues',
    async (req, reply) => {
      const b = body(req.body);
      const input = { title: b.title as string, body: b.body as string | null | undefined };
      return reply.code(201).send(addGithubIssue(core, req.params.owner, req.params.repo, input));
    },
  );

  app.post('/_emulator/github/consent', async (req) => {
    const b = body(req.body);
    const authorizeUrl = pick(b, 'authorize_url', 'authorizeUrl');
    const login = b.login;
    if (typeof authorizeUrl !== 'string') throw new EmuInputError('authorize_url is required');
    if (b.decision !== 'approve' && b.decision !== 'deny') {
      throw new EmuInputError('decision must be "approve" or "deny"');
    }
    if (login !== undefined && typeof login !== 'string') {
      throw new EmuInputError('login must be a string');
    }
    return githubConsent(core, { authorizeUrl, decision: b.decision, login });
  });

  app.post('/_emulator/github/grants/revoke', async (req) => {
    const b = body(req.body);
    const login = b.login;
    const clientId = pick(b, 'clientId', 'client_id');
    if (typeof login !== 'string' || typeof clientId !== 'string') {
      throw new EmuInputError('login and clientId are required');
    }
    return { revoked: revokeGithubGrant(core, login, clientId) };
  });
}
