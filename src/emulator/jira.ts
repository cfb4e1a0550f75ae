// Jira Cloud REST v3: /myself, enhanced JQL search and issue CRUD (attachments: jira-attachments.ts).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Issue, NewIssue } from './content.ts';
import type { EmulatorCore } from './core.ts';
import { type ApiContext, productError, queryValue, registerProductRoutes } from './gateway.ts';
import { fieldSelector, type FieldSelector, pageToken, readPageToken, runJql } from './jql.ts';

type Body = Record<string, unknown>;

const NO_ISSUE = 'Issue does not exist or you do not have permission to see it.';
const PROJECT_KEY = /^[A-Z][A-Z0-9_]{0,9}$/;
const MAX_RESULTS = 5000;

/** Jira's timestamp format: 2024-05-01T10:00:00.000+0000. */
export function jiraTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

function object(v: unknown): Body | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Body) : undefined;
}

/** Validates POST /issue's `fields`; the errors are Jira's `errors` map. */
export function parseNewIssue(raw: unknown): { issue?: NewIssue; errors: Record<string, string> } {
  const fields = object(object(raw)?.fields);
  if (!fields) return { errors: { fields: 'The fields object is required.' } };
  const errors: Record<string, string> = {};
  const projectKey = object(fields.project)?.key;
  if (typeof projectKey !== 'string' || !PROJECT_KEY.test(projectKey)) {
    errors.project = 'Specify a valid project ID or key';
  }
  const summary = fields.summary;
  if (typeof summary !== 'string' || summary.trim() === '') {
    errors.summary = 'You must specify a summary of the issue.';
  }
  const issueType = object(fields.issuetype)?.name;
  if (typeof issueType !== 'string' || issueType === '') {
    errors.issuetype = 'Specify an issue type';
  }
  if (Object.keys(errors).length > 0) return { errors };
  return {
    issue: {
      projectKey: projectKey as string,
      summary: summary as string,
      issueType: issueType as string,
      description: fields.description,
    },
    errors,
  };
}

function issueJson(ctx: ApiContext, i: Issue, select: FieldSelector) {
  const all: Body = {
    summary: i.summary,
    issuetype: { name: i.issueType },
    project: { key: i.projectKey, name: i.projectKey },
    description: i.description,
    status: { name: 'To Do' },
    creator: { accountId: i.creatorId },
    created: jiraTime(i.created),
    updated: jiraTime(i.updated),
    attachment: i.attachmentIds.map((id) => {
      const a = ctx.content.attachments.get(id)!;
      return { id: a.id, filename: a.filename, size: a.bytes.length, mimeType: a.mimeType };
    }),
  };
  const out: Body = { id: i.id, key: i.key, self: `${ctx.base}/rest/api/3/issue/${i.id}` };
  const chosen = Object.keys(all).filter(select);
  if (chosen.length > 0) out.fields = Object.fromEntries(chosen.map((k) => [k, all[k]]));
  return out;
}

function findOr404(ctx: ApiContext, req: FastifyRequest, reply: FastifyReply) {
  const { issueIdOrKey } = req.params as { issueIdOrKey: string };
  const issue = ctx.content.findIssue(issueIdOrKey);
  if (!issue) void reply.code(404).send(productError('jira', 404, NO_ISSUE));
  return issue;
}

interface SearchInput {
  jql?: unknown;
  maxResults?: unknown;
  nextPageToken?: unknown;
  fields?: unknown;
}

function search(ctx: ApiContext, reply: FastifyReply, input: SearchInput) {
  const jql = typeof input.jql === 'string' ? input.jql : '';
  const max = input.maxResults === undefined ? 50 : Number(input.maxResults);
  if (!Number.isInteger(max) || max < 0) {
    return reply.code(400).send(productError('jira', 400, 'maxResults must be an integer >= 0'));
  }
  let offset = 0;
  if (input.nextPageToken !== undefined && input.nextPageToken !== null) {
    const read = readPageToken(input.nextPageToken, jql);
    if (read === undefined) {
      return reply.code(400).send(productError('jira', 400, 'Invalid nextPageToken.'));
    }
    offset = read;
  }
  const select = fieldSelector(input.fields, false);
  const matches = runJql(jql, [...ctx.content.issues.values()]);
  const page = matches.slice(offset, offset + Math.min(max, MAX_RESULTS));
  const next = offset + page.length;
  const isLast = next >= matches.length;
  return {
    issues: page.map((i) => issueJson(ctx, i, select)),
    isLast,
    ...(isLast ? {} : { nextPageToken: pageToken(next, jql) }),
  };
}

/** fields may be repeated and/or comma-separated in a query string. */
function queryFields(req: FastifyRequest): string[] | undefined {
  const v = (req.query as Record<string, unknown>).fields;
  if (v === undefined) return undefined;
  return (Array.isArray(v) ? v : [v]).flatMap((s) => String(s).split(','));
}

export function registerJiraRoutes(app: FastifyInstance, core: EmulatorCore): void {
  registerProductRoutes(app, core, 'jira', [
    {
      method: 'GET',
      url: '/rest/api/3/myself',
      access: 'none',
      handler: ({ principal: p, base }) => ({
        self: `${base}/rest/api/3/user?accountId=${encodeURIComponent(p.accountId)}`,
        accountId: p.accountId,
        accountType: p.accountType,
        emailAddress: p.email,
        displayName: p.name,
        active: true,
        timeZone: 'Europe/Amsterdam',
        locale: 'en_US',
      }),
    },
    {
      method: 'GET',
      url: '/rest/api/3/search/jql',
      access: 'read',
      handler: (ctx, req, reply) =>
        search(ctx, reply, {
          jql: queryValue(req, 'jql'),
          maxResults: queryValue(req, 'maxResults'),
          nextPageToken: queryValue(req, 'nextPageToken'),
          fields: queryFields(req),
        }),
    },
    {
      method: 'POST',
      url: '/rest/api/3/search/jql',
      access: 'read',
      handler: (ctx, req, reply) => search(ctx, reply, object(req.body) ?? {}),
    },
    {
      method: 'POST',
      url: '/rest/api/3/issue',
      access: 'write',
      handler: (ctx, req, reply) => {
        const parsed = parseNewIssue(req.body);
        if (!parsed.issue)
          return reply.code(400).send({ errorMessages: [], errors: parsed.errors });
        const i = ctx.content.createIssue(parsed.issue, ctx.principal.accountId, core.clock.now());
        return reply
          .code(201)
          .send({ id: i.id, key: i.key, self: `${ctx.base}/rest/api/3/issue/${i.id}` });
      },
    },
    {
      method: 'GET',
      url: '/rest/api/3/issue/:issueIdOrKey',
      access: 'read',
      handler: (ctx, req, reply) => {
        const issue = findOr404(ctx, req, reply);
        return issue ? issueJson(ctx, issue, fieldSelector(queryFields(req), true)) : reply;
      },
    },
    {
      method: 'PUT',
      url: '/rest/api/3/issue/:issueIdOrKey',
      access: 'write',
      handler: (ctx, req, reply) => {
        const issue = findOr404(ctx, req, reply);
        if (!issue) return reply;
        const fields = object(object(req.body)?.fields) ?? {};
        if ('summary' in fields) {
          if (typeof fields.summary !== 'string' || fields.summary.trim() === '') {
            const errors = { summary: 'You must specify a summary of the issue.' };
            return reply.code(400).send({ errorMessages: [], errors });
          }
          issue.summary = fields.summary;
        }
        if ('description' in fields) issue.description = fields.description ?? null;
        issue.updated = core.clock.now();
        return reply.code(204).send();
      },
    },
    {
      method: 'DELETE',
      url: '/rest/api/3/issue/:issueIdOrKey',
      access: 'write',
      handler: (ctx, req, reply) => {
        const issue = findOr404(ctx, req, reply);
        if (!issue) return reply;
        ctx.content.deleteIssue(issue);
        return reply.code(204).send();
      },
    },
  ]);
}
