import type { IncomingHttpHeaders } from 'node:http';
import { request, type Dispatcher } from 'undici';

/**
 * Reading an answer from a URL the vault does not control (a tenant's token endpoint, a provider's
 * discovery API, a webhook receiver) with the peer held to two bounds whatever it sends: a byte cap
 * (a declared Content-Length above it is refused before a byte is read; an undeclared body is
 * counted as it arrives and the connection is dropped the moment it passes the cap) and one
 * deadline for the whole call — connecting, headers and body together — so a peer that drips a
 * byte now and then, never idle long enough for an idle timeout, is still cut.
 */
export class AnswerTooLargeError extends Error {
  readonly code = 'response_too_large';
  constructor(
    readonly host: string,
    readonly limit: number,
  ) {
    super(`the answer from ${host} exceeded ${limit} bytes`);
    this.name = 'AnswerTooLargeError';
  }
}

export class AnswerDeadlineError extends Error {
  readonly code = 'deadline_exceeded';
  constructor(
    readonly host: string,
    readonly timeoutMs: number,
  ) {
    super(`${host} did not answer within ${timeoutMs} ms`);
    this.name = 'AnswerDeadlineError';
  }
}

export interface BoundedCall {
  url: string | URL;
  method: Dispatcher.HttpMethod;
  headers?: Record<string, string>;
  body?: string | Buffer;
  dispatcher?: Dispatcher;
  /** the whole call: connect, headers and body */
  timeoutMs: number;
  /** the most of the answer's body that is read */
  maxBytes: number;
  /** the caller's own reason to stop (it went away) */
  signal?: AbortSignal;
}

export interface BoundedAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** The declared length, when the header is a plain number. */
function declaredLength(h: string | string[] | undefined): number | undefined {
  const v = Array.isArray(h) ? h[0] : h;
  if (v === undefined || !/^\d+$/.test(v.trim())) return undefined;
  return Number(v);
}

/**
 * Sends the request and reads the whole answer within `timeoutMs` and `maxBytes`. Throws
 * AnswerTooLargeError or AnswerDeadlineError (naming the host and the bound), the caller's abort
 * reason, or what undici threw for the connection; the connection is closed, not reused, after a
 * cut.
 */
export async function boundedRequest(call: BoundedCall): Promise<BoundedAnswer> {
  const host = new URL(call.url).host;
  const deadline = new AbortController();
  const timer = setTimeout(
    () => deadline.abort(new AnswerDeadlineError(host, call.timeoutMs)),
    call.timeoutMs,
  );
  const signal = call.signal ? AbortSignal.any([deadline.signal, call.signal]) : deadline.signal;
  try {
    const res = await request(call.url, {
      method: call.method,
      headers: call.headers,
      body: call.body,
      dispatcher: call.dispatcher,
      // The idle timers too, so no undici default outlives the deadline.
      headersTimeout: call.timeoutMs,
      bodyTimeout: call.timeoutMs,
      signal,
    });
    const declared = declaredLength(res.headers['content-length']);
    if (declared !== undefined && declared > call.maxBytes) {
      res.body.destroy();
      throw new AnswerTooLargeError(host, call.maxBytes);
    }
    const parts: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > call.maxBytes) {
        // Leaving the loop destroys the stream, which closes the connection.
        throw new AnswerTooLargeError(host, call.maxBytes);
      }
      parts.push(chunk);
    }
    return { status: res.statusCode, headers: res.headers, body: Buffer.concat(parts, size) };
  } catch (err) {
    if (err instanceof AnswerTooLargeError) throw err;
    // Whatever undici reports for an aborted request, the deadline is the reason.
    if (deadline.signal.aborted) throw deadline.signal.reason as AnswerDeadlineError;
    throw err;
  } finally {
    clearTimeout(timer);
  }
}
