// The request log: the most recent API requests exactly as received (headers, body size and hash),
// so that tests can prove what reached the provider, and that nothing else did.
import { createHash, type Hash } from 'node:crypto';
import { pipeline, Transform, type TransformCallback } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { LoggedRequest } from './types.ts';

const EMPTY_SHA256 = createHash('sha256').digest('hex');

/** Everything but the admin API, the consent pages and the token endpoints (Atlassian's, GitHub's). */
export function isApiRequest(url: string): boolean {
  const path = url.split('?', 1)[0]!;
  return (
    !path.startsWith('/_emulator') &&
    !path.startsWith('/authorize') &&
    !path.startsWith('/login/oauth/') &&
    path !== '/oauth/token'
  );
}

function copy(e: LoggedRequest): LoggedRequest {
  return { ...e, headers: { ...e.headers }, rawHeaders: e.rawHeaders.map(([k, v]) => [k, v]) };
}

export class RequestLog {
  private entries: LoggedRequest[] = [];

  constructor(readonly size: number) {}

  add(entry: LoggedRequest): void {
    this.entries.push(entry);
    if (this.entries.length > this.size) this.entries.shift();
  }

  /** Oldest first; the last `limit` ones. */
  recent(limit = this.size): LoggedRequest[] {
    const n = Math.max(0, Math.floor(limit));
    return n === 0 ? [] : this.entries.slice(-n).map(copy);
  }

  clear(): void {
    this.entries = [];
  }
}

/** Passes the body through while counting and hashing it for the log entry. */
class BodyTap extends Transform {
  receivedEncodedLength = 0;
  private readonly hash: Hash = createHash('sha256');

  constructor(private readonly entry: LoggedRequest) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.receivedEncodedLength += chunk.length;
    this.entry.bodySize += chunk.length;
    this.hash.update(chunk);
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    this.entry.bodySha256 = this.hash.digest('hex');
    done();
  }
}

function hasBody(req: FastifyRequest): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

export function registerRequestLog(app: FastifyInstance, log: RequestLog, now: () => number): void {
  const entries = new WeakMap<FastifyRequest, LoggedRequest>();
  app.addHook('onRequest', async (req) => {
    if (!isApiRequest(req.url)) return;
    const q = req.url.indexOf('?');
    const raw = req.raw.rawHeaders;
    const rawHeaders: [string, string][] = [];
    for (let i = 0; i + 1 < raw.length; i += 2) rawHeaders.push([raw[i]!, raw[i + 1]!]);
    const body = hasBody(req);
    const entry: LoggedRequest = {
      at: now(),
      method: req.method,
      path: q < 0 ? req.url : req.url.slice(0, q),
      query: q < 0 ? '' : req.url.slice(q + 1),
      headers: { ...req.headers },
      rawHeaders,
      bodySize: 0,
      bodySha256: body ? null : EMPTY_SHA256,
    };
    log.add(entry);
    entries.set(req, entry);
  });
  app.addHook('preParsing', async (req, _reply, payload) => {
    const entry = entries.get(req);
    if (!entry || entry.bodySha256 !== null) return payload;
    const tap = new BodyTap(entry);
    pipeline(payload, tap, () => {}); // an aborted upload errors the tap, and so its reader
    return tap;
  });
  app.addHook('onResponse', async (req, reply) => {
    const entry = entries.get(req);
    if (entry) entry.status = reply.statusCode;
  });
}
