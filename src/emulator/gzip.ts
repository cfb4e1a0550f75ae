// Atlassian gzips JSON answers for clients that accept it; so do the emulator's API routes.
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';

const gzipAsync = promisify(gzip);
/** JSON bodies above this many bytes are compressed. */
export const GZIP_MIN_BYTES = 1024;

/** Whether an Accept-Encoding header lists gzip with a non-zero q. */
export function acceptsGzip(header: string | string[] | undefined): boolean {
  const value = Array.isArray(header) ? header.join(',') : (header ?? '');
  return value.split(',').some((part) => {
    const [coding, ...params] = part.trim().split(';');
    if (coding?.trim().toLowerCase() !== 'gzip') return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

/** onSend hook: compresses serialized JSON bodies larger than GZIP_MIN_BYTES. */
export async function gzipJson(req: FastifyRequest, reply: FastifyReply, payload: unknown) {
  if (typeof payload !== 'string' || Buffer.byteLength(payload) <= GZIP_MIN_BYTES) return payload;
  if (!String(reply.getHeader('content-type') ?? '').includes('json')) return payload;
  if (reply.getHeader('content-encoding') !== undefined) return payload;
  reply.header('vary', 'Accept-Encoding');
  if (!acceptsGzip(req.headers['accept-encoding'])) return payload;
  reply.header('content-encoding', 'gzip');
  reply.removeHeader('content-length');
  return gzipAsync(payload);
}
