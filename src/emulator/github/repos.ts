// Repositories and issues for proxy tests: GET /user/repos, GET /repos/:owner/:repo, and
// GET|POST /repos/:owner/:repo/issues, GET …/issues/:number. The app counts as installed on every
// repository of the user who authorized it: a user token reads the user's own repositories and
// public ones, and writes only to the user's own (GitHub's "Resource not accessible by
// integration" elsewhere).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EmulatorCore } from '../core.ts';
import type { GhIssue, GhRepo } from './directory.ts';
import {
  ghError,
  guard,
  type GhPrincipal,
  isoSeconds,
  origin,
  REST_DOCS,
  simpleUser,
} from './guard.ts';

type RepoParams = { owner: string; repo: string };

const DEFAULT_PER_PAGE = 30;
const MAX_PER_PAGE = 100;

function intParam(v: unknown, fallback: number, min: number, max: number): number {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < min) return fallback;
  return Math.min(n, max);
}

/** One page of `items` (per_page, page) with GitHub's Link header for the others. */
function paginate<T>(req: FastifyRequest, reply: FastifyReply, items: T[]): T[] {
  const q = req.query as Record<string, unknown>;
  const perPage = intParam(q.per_page, DEFAULT_PER_PAGE, 1, MAX_PER_PAGE);
  const page = intParam(q.page, 1, 1, Number.MAX_SAFE_INTEGER);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const link = (n: number, rel: string) => {
    const u = new URL(req.url, origin(req));
    u.searchParams.set('per_page', String(perPage));
    u.searchParams.set('page', String(n));
    return `<${u.href}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page > 1) links.push(link(Math.min(page - 1, last), 'prev'));
  if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
  if (page > 1) links.push(link(1, 'first'));
  if (links.length > 0) reply.header('link', links.join(', '));
  return items.slice((page - 1) * perPage, page * perPage);
}

function repoJson(base: string, r: GhRepo, p: GhPrincipal) {
  const full = `${r.owner.login}/${r.name}`;
  const own = r.owner.id === p.user.id;
  const open = r.issues.filter((i) => i.state === 'open').length;
  const created = isoSeconds(r.createdAt);
  return {
    id: r.id,
    node_id: Buffer.from(`010:Repository${r.id}`).toString('base64'),
    name: r.name,
    full_name: full,
    private: r.private,
    owner: simpleUser(base, r.owner),
    html_url: `${base}/${full}`,
    description: r.description,
    fork: false,
    url: `${base}/repos/${full}`,
    issues_url: `${base}/repos/${full}/issues{/number}`,
    created_at: created,
    updated_at: created,
    pushed_at: created,
    visibility: r.private ? 'private' : 'public',
    default_branch: 'main',
    has_issues: true,
    archived: false,
    open_issues_count: open,
    permissions: { admin: own, maintain: own, push: own, triage: own, pull: true },
  };
}

function issueJson(core: EmulatorCore, base: string, r: GhRepo, i: GhIssue) {
  const full = `${r.owner.login}/${r.name}`;
  const author = core.github.dir.user(i.authorId);
  return {
    id: i.id,
    node_id: Buffer.from(`05:Issue${i.id}`).toString('base64'),
    number: i.number,
    title: i.title,
    body: i.body,
    state: i.state,
    state_reason: null,
    locked: false,
    user: author ? simpleUser(base, author) : null,
    labels: [],
    assignee: null,
    assignees: [],
    comments: 0,
    url: `${base}/repos/${full}/issues/${i.number}`,
    repository_url: `${base}/repos/${full}`,
    html_url: `${base}/${full}/issues/${i.number}`,
    author_association: i.authorId === r.owner.id ? 'OWNER' : 'NONE',
    created_at: isoSeconds(i.createdAt),
    updated_at: isoSeconds(i.updatedAt),
    closed_at: null,
  };
}

/** The repository if the caller may see it (private ones only by their owner), else a 404 sent. */
async function visibleRepo(
  core: EmulatorCore,
  req: FastifyRequest<{ Params: RepoParams }>,
  reply: FastifyReply,
  p: GhPrincipal,
): Promise<GhRepo | undefined> {
  const r = core.github.dir.repo(req.params.owner, req.params.repo);
  if (r && (!r.private || r.owner.id === p.user.id)) return r;
  await reply
    .code(404)
    .send(ghError(404, 'Not Found', `${REST_DOCS}/repos/repos#get-a-repository`));
  return undefined;
}

const ISSUES_DOCS = `${REST_DOCS}/issues/issues`;

function newIssue(body: unknown): { title: string; body: string | null } | string {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return 'a JSON object is required.';
  const b = body as Record<string, unknown>;
  if (typeof b.title !== 'string' || b.title.trim() === '') return '"title" wasn\'t supplied.';
  if (b.body !== undefined && b.body !== null && typeof b.body !== 'string') {
    return '"body" must be a string or null.';
  }
  return { title: b.title, body: (b.body as string | null | undefined) ?? null };
}

export function registerGithubRepoRoutes(app: FastifyInstance, core: EmulatorCore): void {
  app.get('/user/repos', async (req, reply) => {
    const p = await guard(core, req, reply);
    if (!p) return reply;
    const base = origin(req);
    const repos = [...p.user.repos].sort((a, b) => a.name.localeCompare(b.name));
    return paginate(req, reply, repos).map((r) => repoJson(base, r, p));
  });

  app.get<{ Params: RepoParams }>('/repos/:owner/:repo', async (req, reply) => {
    const p = await guard(core, req, reply);
    if (!p) return reply;
    const r = await visibleRepo(core, req, reply, p);
    return r ? repoJson(origin(req), r, p) : reply;
  });

  app.get<{ Params: RepoParams }>('/repos/:owner/:repo/issues', async (req, reply) => {
    const p = await guard(core, req, reply);
    if (!p) return reply;
    const r = await visibleRepo(core, req, reply, p);
    if (!r) return reply;
    const q = req.query as Record<string, unknown>;
    const state = q.state ?? 'open';
    const direction = q.direction ?? 'desc';
    if (
      !['open', 'closed', 'all'].includes(state as string) ||
      !['asc', 'desc'].includes(direction as string)
    ) {
      return reply
        .code(422)
        .send(ghError(422, 'Validation Failed', `${ISSUES_DOCS}#list-repository-issues`));
    }
    const chosen = r.issues.filter((i) => state === 'all' || i.state === state);
    if (direction === 'desc') chosen.reverse();
    const base = origin(req);
    return paginate(req, reply, chosen).map((i) => issueJson(core, base, r, i));
  });

  app.get<{ Params: RepoParams & { number: string } }>(
    '/repos/:owner/:repo/issues/:number',
    async (req, reply) => {
      const p = await guard(core, req, reply);
      if (!p) return reply;
      const r = await visibleRepo(core, req, reply, p);
      if (!r) return reply;
      const issue = r.issues.find((i) => String(i.number) === req.params.number);
      if (!issue) {
        return reply.code(404).send(ghError(404, 'Not Found', `${ISSUES_DOCS}#get-an-issue`));
      }
      return issueJson(core, origin(req), r, issue);
    },
  );

  app.post<{ Params: RepoParams }>('/repos/:owner/:repo/issues', async (req, reply) => {
    const p = await guard(core, req, reply);
    if (!p) return reply;
    const r = await visibleRepo(core, req, reply, p);
    if (!r) return reply;
    const docs = `${ISSUES_DOCS}#create-an-issue`;
    if (r.owner.id !== p.user.id) {
      return reply.code(403).send(ghError(403, 'Resource not accessible by integration', docs));
    }
    const input = newIssue(req.body);
    if (typeof input === 'string') {
      return reply.code(422).send(ghError(422, `Invalid request.\n\n${input}`, docs));
    }
    const issue = core.github.dir.addIssue(r, input, p.user.id, core.clock.now());
    const json = issueJson(core, origin(req), r, issue);
    return reply.code(201).header('location', json.url).send(json);
  });
}
