// Jira attachments: uploads are read as a raw stream (any content type, never JSON-parsed), files
// are taken out of multipart/form-data, anything else is stored whole; downloads return the bytes.
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EmulatorCore } from './core.ts';
import { type ApiContext, productError, registerProductRoutes } from './gateway.ts';
import { jiraTime } from './jira.ts';
import { boundaryOf, parseMultipartFiles, type FilePart } from './multipart.ts';

/** Uploads above this many bytes are refused with 413 (Atlassian's own limit is configurable). */
export const MAX_UPLOAD_BYTES = 64 * 1024 * 1024;

class TooLarge extends Error {}

/** Stored values end up in response headers: keep them to visible ASCII. */
const headerSafe = (v: string, fallback: string) => (/^[\x20-\x7e]+$/.test(v) ? v : fallback);

async function readAll(stream: Readable | undefined, limit: number): Promise<Buffer> {
  if (!stream) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > limit) throw new TooLarge();
    chunks.push(b);
  }
  return Buffer.concat(chunks, size);
}

/** A non-multipart body is one file, named by a Content-Disposition request header if any. */
function wholeBodyFile(req: FastifyRequest, body: Buffer): FilePart {
  const disposition = req.headers['content-disposition'] ?? '';
  const filename = /filename="([^"]*)"/i.exec(disposition)?.[1] ?? 'attachment';
  const contentType = req.headers['content-type'] ?? 'application/octet-stream';
  return { filename, contentType, data: body };
}

async function upload(
  core: EmulatorCore,
  ctx: ApiContext,
  req: FastifyRequest,
  reply: FastifyReply,
) {
  const xsrf = req.headers['x-atlassian-token'];
  if (typeof xsrf !== 'string' || xsrf.toLowerCase() !== 'no-check') {
    return reply.code(403).send(productError('jira', 403, 'XSRF check failed'));
  }
  const { issueIdOrKey } = req.params as { issueIdOrKey: string };
  const issue = ctx.content.findIssue(issueIdOrKey);
  if (!issue) {
    const message = 'Issue does not exist or you do not have permission to see it.';
    return reply.code(404).send(productError('jira', 404, message));
  }
  let body: Buffer;
  try {
    body = await readAll(req.body as Readable | undefined, MAX_UPLOAD_BYTES);
  } catch (e) {
    if (!(e instanceof TooLarge)) throw e;
    const message = `The attachment exceeds ${MAX_UPLOAD_BYTES} bytes.`;
    return reply
      .code(413)
      .header('connection', 'close')
      .send(productError('jira', 413, message));
  }
  const boundary = boundaryOf(req.headers['content-type']);
  const files = boundary ? parseMultipartFiles(body, boundary) : [wholeBodyFile(req, body)];
  if (!files || files.length === 0) {
    return reply.code(400).send(productError('jira', 400, 'No file was attached.'));
  }
  const now = core.clock.now();
  const stored = files.map((f) =>
    ctx.content.addAttachment({
      issueId: issue.id,
      filename: f.filename,
      mimeType: headerSafe(f.contentType, 'application/octet-stream'),
      bytes: Buffer.from(f.data),
      sha256: createHash('sha256').update(f.data).digest('hex'),
      authorId: ctx.principal.accountId,
      created: now,
    }),
  );
  issue.updated = now;
  return stored.map((a) => ({
    self: `${ctx.base}/rest/api/3/attachment/${a.id}`,
    id: a.id,
    filename: a.filename,
    author: { accountId: a.authorId },
    created: jiraTime(a.created),
    size: a.bytes.length,
    mimeType: a.mimeType,
    content: `${ctx.base}/rest/api/3/attachment/content/${a.id}`,
    sha256: a.sha256,
  }));
}

export function registerJiraAttachmentRoutes(app: FastifyInstance, core: EmulatorCore): void {
  void app.register(async (raw) => {
    // This context hands every body to the handler as the request stream.
    raw.removeAllContentTypeParsers();
    raw.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
    registerProductRoutes(raw, core, 'jira', [
      {
        method: 'POST',
        url: '/rest/api/3/issue/:issueIdOrKey/attachments',
        access: 'write',
        handler: (ctx, req, reply) => upload(core, ctx, req, reply),
      },
    ]);
  });
  registerProductRoutes(app, core, 'jira', [
    {
      method: 'GET',
      url: '/rest/api/3/attachment/content/:id',
      access: 'read',
      handler: (ctx, req, reply) => {
        const a = ctx.content.attachments.get((req.params as { id: string }).id);
        if (!a) {
          return reply.code(404).send(productError('jira', 404, 'The attachment does not exist.'));
        }
        return reply
          .header('content-type', a.mimeType)
          .header('content-length', String(a.bytes.length))
          .header(
            'content-disposition',
            `attachment; filename="${headerSafe(a.filename.replace(/"/g, ''), 'attachment')}"`,
          )
          .send(a.bytes);
      },
    },
  ]);
}
