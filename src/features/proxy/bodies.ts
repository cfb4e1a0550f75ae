import type { IncomingMessage } from 'node:http';
import { Readable, Transform } from 'node:stream';
import type { Dispatcher } from 'undici';
import { untilAborted } from '../../lib/abort.ts';
import { AppError } from '../../lib/errors.ts';

/** Bodies up to this size are held so a call can be sent again after a refresh or a 429. */
export const REPLAY_BUFFER_BYTES = 64 * 1024;
/** The most of a refused (401) answer kept to hand back when the retry does not happen. */
const KEPT_ANSWER_BYTES = 256 * 1024;

export type Body =
  | { kind: 'none' }
  | { kind: 'buffer'; bytes: Buffer }
  /**
   * `length`: the caller's Content-Length, passed on (the HTTP client holds the body to it);
   * `arrived`: whether the caller has sent all of it yet
   */
  | { kind: 'stream'; stream: Readable; length?: string; arrived: () => boolean };

const tooLarge = (limit: number) =>
  new AppError(
    'payload_too_large',
    413,
    'Payload too large',
    `the request body is larger than PROXY_MAX_BODY_BYTES (${limit} bytes)`,
  );

/**
 * The caller's body: read up to the replay buffer (then it can be sent twice); a longer one is
 * streamed on as it arrives, counted against `limit` (413 beyond it). Reading stops when `signal`
 * aborts (the exchange's deadline): a caller that drips its upload holds nothing open past it.
 */
export async function readBody(
  raw: IncomingMessage,
  limit: number,
  signal: AbortSignal,
): Promise<Body> {
  const length = raw.headers['content-length'];
  const chunked = raw.headers['transfer-encoding'] !== undefined;
  if (!chunked && (length === undefined || length === '0')) return { kind: 'none' };
  if (length !== undefined && Number(length) > limit) throw tooLarge(limit);
  const it = raw[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const nextChunk = () => untilAborted(it.next(), signal);
  const held: Buffer[] = [];
  let size = 0;
  let arrived = false;
  for (;;) {
    const next = await nextChunk();
    if (next.done) return { kind: 'buffer', bytes: Buffer.concat(held, size) };
    size += next.value.length;
    if (size > limit) throw tooLarge(limit);
    held.push(next.value);
    if (size > REPLAY_BUFFER_BYTES) break;
  }
  const stream = Readable.from(
    (async function* () {
      yield* held;
      held.length = 0;
      for (;;) {
        const next = await nextChunk();
        if (next.done) {
          arrived = true;
          return;
        }
        size += next.value.length;
        if (size > limit) throw tooLarge(limit);
        yield next.value;
      }
    })(),
    { objectMode: false },
  );
  return { kind: 'stream', stream, length, arrived: () => arrived };
}

/** Reads a (small) refused answer so it can still be handed back; larger ones are cut. */
export async function keepAnswer(body: Dispatcher.ResponseData['body']): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    if (size + chunk.length > KEPT_ANSWER_BYTES) {
      body.destroy();
      break;
    }
    parts.push(chunk);
    size += chunk.length;
  }
  return Buffer.concat(parts, size);
}

/** A response body counted against `limit` on its way back; beyond it the stream is cut. */
export function limited(body: Readable, limit: number): Readable {
  let size = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      if (size > limit) return done(new Error('provider response exceeds PROXY_MAX_BODY_BYTES'));
      done(null, chunk);
    },
  });
  body.on('error', (err) => counter.destroy(err));
  counter.on('close', () => {
    if (!body.destroyed) body.destroy();
  });
  return body.pipe(counter);
}
