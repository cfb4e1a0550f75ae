// Confluence Cloud REST v2 pages: list (cursor pagination), create, read, update (versioned), delete.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { NewPage, Page, PageBody } from './content.ts';
import type { EmulatorCore } from './core.ts';
import { type ApiContext, productError, queryValue, registerProductRoutes } from './gateway.ts';

type Body = Record<string, unknown>;

const REPRESENTATIONS: ReadonlySet<unknown> = new Set(['storage', 'atlas_doc_format', 'wiki']);
const DEFAULT_LIMIT = 25;
const MAX_LIMIT = 250;

function object(v: unknown): Body | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Body) : undefined;
}

const fail = (reply: FastifyReply, status: number, message: string) =>
  reply.code(status).send(productError('confluence', status, message));

/** Validates a page's body; undefined body = empty storage. A string result is the error. */
function parseBody(raw: unknown): PageBody | string {
  if (raw === undefined) return { representation: 'storage', value: '' };
  const b = object(raw);
  if (!b || !REPRESENTATIONS.has(b.representation) || typeof b.value !== 'string') {
    return 'body must be {representation: storage|atlas_doc_format|wiki, value: string}';
  }
  return { representation: b.representation as string, value: b.value };
}

/** Validates POST /pages; a string result is the error message. */
export function parseNewPage(raw: unknown): NewPage | string {
  const b = object(raw);
  if (!b) return 'A JSON object body is required.';
  const spaceId = typeof b.spaceId === 'number' ? String(b.spaceId) : b.spaceId;
  if (typeof spaceId !== 'string' || spaceId === '') return 'spaceId is required.';
  if (typeof b.title !== 'string' || b.title.trim() === '') return 'title is required.';
  if (b.parentId !== undefined && typeof b.parentId !== 'string')
    return 'parentId must be a string.';
  if (b.status !== undefined && b.status !== 'current' && b.status !== 'draft') {
    return 'status must be current or draft.';
  }
  const body = parseBody(b.body);
  if (typeof body === 'string') return body;
  return {
    spaceId,
    title: b.title,
    status: b.status as string | undefined,
    parentId: b.parentId,
    body,
  };
}

function pageJson(ctx: ApiContext, p: Page, bodyFormat: string | undefined | true) {
  const iso = (ms: number) => new Date(ms).toISOString();
  const withBody = bodyFormat === true || bodyFormat === p.body.representation;
  return {
    id: p.id,
    status: p.status,
    title: p.title,
    spaceId: p.spaceId,
    parentId: p.parentId ?? null,
    authorId: p.authorId,
    ownerId: p.authorId,
    createdAt: iso(p.createdAt),
    version: { ...p.version, createdAt: iso(p.version.createdAt), minorEdit: false },
    body: withBody ? { [p.body.representation]: { ...p.body } } : {},
    _links: {
      webui: `/spaces/${p.spaceId}/pages/${p.id}`,
      editui: `/pages/resumedraft.action?draftId=${p.id}`,
      tinyui: `/x/${Buffer.from(p.id).toString('base64url')}`,
      base: `${ctx.base}/wiki`,
    },
  };
}

function cursorOf(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
}

function offsetOf(cursor: string): number | undefined {
  try {
    const o = (JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { o?: unknown }).o;
    return Number.isInteger(o) && (o as number) >= 0 ? (o as number) : undefined;
  } catch {
    return undefined;
  }
}

function list(ctx: ApiContext, req: FastifyRequest, reply: FastifyReply) {
  const limitRaw = queryValue(req, 'limit');
  const limit = limitRaw === undefined ? DEFAULT_LIMIT : Number(limitRaw);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    return fail(reply, 400, `limit must be an integer in [1, ${MAX_LIMIT}]`);
  }
  const cursor = queryValue(req, 'cursor');
  const offset = cursor === undefined ? 0 : offsetOf(cursor);
  if (offset === undefined) return fail(reply, 400, 'Invalid cursor.');
  const spaceIds = queryValue(req, 'space-id')?.split(',').filter(Boolean);
  const all = [...ctx.content.pages.values()]
    .filter((p) => !spaceIds || spaceIds.includes(p.spaceId))
    .sort((a, b) => a.seq - b.seq);
  const page = all.slice(offset, offset + limit);
  const links: Record<string, string> = { base: `${ctx.base}/wiki` };
  if (offset + page.length < all.length) {
    const q = new URLSearchParams({ limit: String(limit), cursor: cursorOf(offset + limit) });
    if (spaceIds) q.set('space-id', spaceIds.join(','));
    links.next = `/wiki/api/v2/pages?${q.toString()}`;
  }
  const format = queryValue(req, 'body-format');
  return { results: page.map((p) => pageJson(ctx, p, format)), _links: links };
}

function findOr404(ctx: ApiContext, req: FastifyRequest, reply: FastifyReply) {
  const page = ctx.content.pages.get((req.params as { id: string }).id);
  if (!page) void fail(reply, 404, 'Not Found');
  return page;
}

function update(core: EmulatorCore, ctx: ApiContext, req: FastifyRequest, reply: FastifyReply) {
  const page = findOr404(ctx, req, reply);
  if (!page) return reply;
  const b = object(req.body);
  if (!b) return fail(reply, 400, 'A JSON object body is required.');
  const version = object(b.version)?.number;
  if (!Number.isInteger(version)) return fail(reply, 400, 'version.number is required.');
  if (version !== page.version.number + 1) {
    return fail(reply, 409, `Version must be ${page.version.number + 1}.`);
  }
  if (typeof b.title !== 'string' || b.title.trim() === '')
    return fail(reply, 400, 'title is required.');
  const clash = ctx.content.pageTitled(page.spaceId, b.title);
  if (clash && clash !== page) return fail(reply, 400, 'A page with this title already exists.');
  const body = b.body === undefined ? page.body : parseBody(b.body);
  if (typeof body === 'string') return fail(reply, 400, body);
  const now = core.clock.now();
  const message = object(b.version)?.message;
  page.title = b.title;
  page.body = body;
  if (b.status === 'current' || b.status === 'draft') page.status = b.status;
  page.version = {
    number: version,
    createdAt: now,
    authorId: ctx.principal.accountId,
    message: typeof message === 'string' ? message : '',
  };
  return pageJson(ctx, page, true);
}

export function registerConfluenceRoutes(app: FastifyInstance, core: EmulatorCore): void {
  registerProductRoutes(app, core, 'confluence', [
    { method: 'GET', url: '/wiki/api/v2/pages', access: 'read', handler: list },
    {
      method: 'POST',
      url: '/wiki/api/v2/pages',
      access: 'write',
      handler: (ctx, req, reply) => {
        const input = parseNewPage(req.body);
        if (typeof input === 'string') return fail(reply, 400, input);
        if (ctx.content.pageTitled(input.spaceId, input.title)) {
          return fail(reply, 400, 'A page with this title already exists.');
        }
        const page = ctx.content.createPage(input, ctx.principal.accountId, core.clock.now());
        return pageJson(ctx, page, true);
      },
    },
    {
      method: 'GET',
      url: '/wiki/api/v2/pages/:id',
      access: 'read',
      handler: (ctx, req, reply) => {
        const page = findOr404(ctx, req, reply);
        return page ? pageJson(ctx, page, queryValue(req, 'body-format')) : reply;
      },
    },
    {
      method: 'PUT',
      url: '/wiki/api/v2/pages/:id',
      access: 'write',
      handler: (ctx, req, reply) => update(core, ctx, req, reply),
    },
    {
      method: 'DELETE',
      url: '/wiki/api/v2/pages/:id',
      access: 'write',
      handler: (ctx, req, reply) => {
        const page = findOr404(ctx, req, reply);
        if (!page) return reply;
        ctx.content.pages.delete(page.id);
        return reply.code(204).send();
      },
    },
  ]);
}
