// GET /_emulator (an index of the admin routes), the request log and content seeding.
import type { FastifyInstance } from 'fastify';
import { body, pick } from './admin-input.ts';
import type { EmulatorCore } from './core.ts';
import { EmuInputError } from './errors.ts';
import { GITHUB_ADMIN_ROUTES } from './github/admin.ts';
import { addConfluencePage, addJiraIssue } from './seed.ts';
import type { ConfluencePageInput, JiraIssueInput } from './types.ts';

/** `METHOD path` -> what it does and the body it takes (fields in camelCase or snake_case). */
export const ADMIN_ROUTES: Record<string, string> = {
  'GET /_emulator': 'this index',
  'GET /_emulator/apps': 'list apps (secrets left out)',
  'POST /_emulator/apps':
    '{clientId, clientSecret, name, callbackUrl, scopes, accessTokenTtlSeconds?, issueRefreshTokenOnRefresh?}; callbackUrl is exact or ends in /* (one more path segment)',
  'PUT /_emulator/apps/:clientId': '{callbackUrl}: change the callback URL as in the console',
  'GET /_emulator/users': 'list users with their sites',
  'POST /_emulator/users': '{email, name, accountId?, sites?: [{name, url, id?, products?}]}',
  'POST /_emulator/users/:accountId/sites': '{name, url, id?, products?}',
  'GET /_emulator/clock': '{now_ms}',
  'POST /_emulator/clock': '{advance_seconds} | {now_ms} | {reset: true}',
  'POST /_emulator/consent':
    '{authorize_url, decision: approve|deny, account_id?, site_ids?}: the consent page without a browser',
  'POST /_emulator/grants/revoke':
    '{accountId, clientId}: the user revokes the app (all tokens die)',
  'POST /_emulator/access-tokens/revoke':
    "{accountId, clientId}: the grant's access tokens die, its refresh token keeps working",
  'GET /_emulator/faults': 'the current faults',
  'PUT /_emulator/faults':
    '{target?: token|api|all, provider?: atlassian|github (default both), status?: 500|502|503|429|403 (403: provider github, target api), rate?, count?, latencyMs?, retryAfterSeconds?, holdAfterIssueMs?, rateLimitReason?}',
  'DELETE /_emulator/faults': 'clear the faults',
  'GET /_emulator/counters': 'token endpoint counters (GitHub ones under github)',
  'POST /_emulator/counters/reset': 'zero the counters',
  'POST /_emulator/service-accounts':
    '{clientId, clientSecret, scopes, name, email?, accountId?, siteIds?, sites?, accessTokenTtlSeconds?}: a service account with an OAuth 2.0 client-credentials credential',
  'PUT /_emulator/service-accounts/:clientId': '{clientSecret}: rotate the secret',
  'DELETE /_emulator/service-accounts/:clientId': 'revoke the credential (its tokens die)',
  'POST /_emulator/api-tokens':
    '{accountId, scoped, email?, token?, expiresAt? (emulator ms), siteIds?, scopes?} -> {token}; classic (scoped:false) tokens work on /site/:site/..., scoped ones on /ex/...',
  'DELETE /_emulator/api-tokens/:token': 'revoke an API token',
  'GET /_emulator/requests': '?limit=N: the most recent API requests, oldest first',
  'DELETE /_emulator/requests': 'clear the request log',
  'POST /_emulator/sites/:cloudId/jira/issues': '{projectKey, summary, issueType?, description?}',
  'POST /_emulator/sites/:cloudId/confluence/pages':
    '{spaceId, title, body?: {representation?, value}}',
};

/** What the API routes are and where they differ from Atlassian (shown in the index). */
export const API_NOTES: string[] = [
  'POST /oauth/token: authorization_code, refresh_token (rotation, 10-min reuse leeway), client_credentials (service accounts; JSON or form)',
  'GET /oauth/token/accessible-resources, GET /me: Bearer tokens (3LO or client credentials)',
  'Jira  /ex/jira/:cloudId/rest/api/3/... (Bearer, scoped API tokens) and /site/:siteKey/rest/api/3/... (classic API tokens; siteKey = cloud id or site name): myself, search/jql (GET, POST), issue (POST), issue/:idOrKey (GET, PUT, DELETE), issue/:idOrKey/attachments (POST, X-Atlassian-Token: no-check), attachment/content/:id (GET)',
  "JQL: only `project = KEY` (filter) and `ORDER BY created [ASC|DESC]` (default oldest first) are understood; every other clause is ignored, so a query without `project = KEY` returns all of the site's issues. search/jql returns id, key and self unless `fields` asks for more",
  'Confluence  /ex/confluence/:cloudId/wiki/api/v2/... and /site/:siteKey/wiki/api/v2/...: pages (GET with limit, cursor, space-id; POST), pages/:id (GET with body-format, PUT with version.number + 1, DELETE); spaces are not checked',
  "Scopes: reads need a read:*<product>* scope; Jira writes write:jira-work; Confluence writes write:confluence-content or write:page:confluence. Classic API tokens carry no scopes (the account's own rights)",
  'JSON answers above 1 KB are gzipped when Accept-Encoding allows gzip; API faults (target api|all) hit every route above before authentication',
  'GitHub (GITHUB_URL and GITHUB_API_URL = this origin): GET|POST /login/oauth/authorize (consent page; client_id, redirect_uri, state, code_challenge + S256, login), POST /login/oauth/access_token (code and refresh_token grants, form or JSON or query; errors are HTTP 200 with error; JSON only with Accept: application/json)',
  'GitHub user tokens: ghu_ access tokens (8 h) and ghr_ refresh tokens (about 6 months) rotate on every refresh: the spent refresh token and the previous access token die at once, no leeway; a reuse answers bad_refresh_token (and revokes the grant if the app says so)',
  'GitHub API (Bearer or token): GET /user, GET /rate_limit, GET /user/repos, GET /repos/:owner/:repo, GET|POST /repos/:owner/:repo/issues, GET /repos/:owner/:repo/issues/:number; DELETE /applications/:client_id/grant (Basic client_id:client_secret, {access_token}); x-ratelimit-* on every answer, a per-user hourly quota (403 once spent), API faults with provider github (403/429 = secondary rate limit with retry-after)',
];

/** `registered` fills up as routes are added (fastify's onRoute); the index lists what is there. */
export function registerIndexAdminRoutes(
  app: FastifyInstance,
  core: EmulatorCore,
  registered: readonly string[],
): void {
  app.get('/_emulator', async () => ({
    emulator:
      'Atlassian (auth.atlassian.com + api.atlassian.com) and GitHub (github.com + api.github.com) emulator',
    api: API_NOTES,
    routes: registered.map((route) => {
      const [method, path] = route.split(' ');
      return {
        method,
        path,
        description: ADMIN_ROUTES[route] ?? GITHUB_ADMIN_ROUTES[route] ?? null,
      };
    }),
  }));

  app.get('/_emulator/requests', async (req) => {
    const raw = (req.query as Record<string, unknown>).limit;
    if (raw === undefined) return { requests: core.requests.recent() };
    const limit = Number(raw);
    if (!Number.isInteger(limit) || limit < 0) {
      throw new EmuInputError('limit must be a non-negative integer');
    }
    return { requests: core.requests.recent(limit) };
  });

  app.delete('/_emulator/requests', async () => {
    core.requests.clear();
    return { requests: [] };
  });

  app.post<{ Params: { cloudId: string } }>(
    '/_emulator/sites/:cloudId/jira/issues',
    async (req, reply) => {
      const b = body(req.body);
      const input: JiraIssueInput = {
        projectKey: pick(b, 'projectKey', 'project_key') as string,
        summary: b.summary as string,
        issueType: pick(b, 'issueType', 'issue_type') as string | undefined,
        description: b.description,
      };
      return reply.code(201).send(addJiraIssue(core, req.params.cloudId, input));
    },
  );

  app.post<{ Params: { cloudId: string } }>(
    '/_emulator/sites/:cloudId/confluence/pages',
    async (req, reply) => {
      const b = body(req.body);
      const input: ConfluencePageInput = {
        spaceId: pick(b, 'spaceId', 'space_id') as string,
        title: b.title as string,
        body: b.body as ConfluencePageInput['body'],
      };
      return reply.code(201).send(addConfluencePage(core, req.params.cloudId, input));
    },
  );
}
