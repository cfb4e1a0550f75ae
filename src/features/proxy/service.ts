import type { IncomingMessage } from 'node:http';
import { Readable, Transform } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { errors as undiciErrors, request, type Dispatcher } from 'undici';
import type { TokenCandidate } from '../connected-accounts/service.ts';
import { EgressDeniedError } from '../../lib/egress.ts';
import { AppError, badRequest, conflict } from '../../lib/errors.ts';
import type { Principal } from '../../lib/principal.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { TokenService } from '../tokens/service.ts';
import { forwardedRequestHeaders, returnedResponseHeaders } from './headers.ts';
import { proxySegments, splitProxyUrl, upstreamUrl } from './paths.ts';

/** Bodies up to this size are held so a call can be sent again after a refresh or a 429. */
export const REPLAY_BUFFER_BYTES = 64 * 1024;
/** The most of a refused (401) answer kept to hand back when the retry does not happen. */
const KEPT_ANSWER_BYTES = 256 * 1024;
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
const ATLASSIAN_PRODUCTS = new Set(['jira', 'confluence']);

export interface ProxyCall {
  principal: Principal;
  method: string;
  /** the request as it arrived: raw URL, headers, unread body */
  raw: IncomingMessage;
  ip: string;
  /** the caller went away: stop talking to the provider */
  signal: AbortSignal;
}

export interface ProxyAnswer {
  status: number;
  headers: Record<string, string | string[]>;
  body: Readable | Buffer | null;
}

type Body =
  | { kind: 'none' }
  | { kind: 'buffer'; bytes: Buffer }
  /** `length`: the caller's Content-Length, passed on (the HTTP client holds the body to it) */
  | { kind: 'stream'; stream: Readable; length?: string };

const tooLarge = (limit: number) =>
  new AppError(
    'payload_too_large',
    413,
    'Payload too large',
    `the request body is larger than PROXY_MAX_BODY_BYTES (${limit} bytes)`,
  );

/**
 * The proxy (SPEC §4a): a provider call made with the account's token, streamed both ways. The
 * vault's own errors are problem+json; everything the provider answers goes back as it is.
 */
export function createProxyService(deps: {
  tokens: Pick<
    TokenService,
    'candidateOfAccount' | 'candidateOfConfig' | 'forProxy' | 'afterRejection' | 'apiBaseUrl'
  >;
  metrics: Pick<Metrics, 'proxyUpstreamLatency'>;
  atlassianApiUrl: string;
  /** for the operator-configured Atlassian API URL */
  dispatcher?: Dispatcher;
  /** for URLs tenants supplied (a generic config's api_base_url, an API token's site) */
  tenantDispatcher: Dispatcher;
  maxBodyBytes: number;
  timeoutMs: number;
  retryMaxWaitSeconds: number;
}) {
  const gateway = `${deps.atlassianApiUrl.replace(/\/+$/, '')}/ex/`;

  /** The API base and dispatcher for a path: Atlassian's gateway per product, or the config's base. */
  function target(c: TokenCandidate, cloudId: string | null, segments: string[]) {
    if (c.provider === 'atlassian') {
      const product = segments[0]!;
      if (!ATLASSIAN_PRODUCTS.has(product) || segments.length < 2) {
        throw badRequest(
          'proxy_path_invalid',
          'Atlassian paths start with jira/ or confluence/ (e.g. jira/rest/api/3/myself); nothing was sent',
        );
      }
      const reported = deps.tokens.apiBaseUrl(c, cloudId);
      if (!reported) {
        throw conflict(
          'site_missing',
          `connected account ${c.account.id} has no Atlassian site to call`,
        );
      }
      // The gateway form names the product; a site's own URL (classic API tokens) serves both.
      if (reported.startsWith(gateway)) {
        return {
          base: `${gateway}${product}/${encodeURIComponent(cloudId!)}/`,
          rest: segments.slice(1),
          dispatcher: deps.dispatcher,
        };
      }
      return { base: reported, rest: segments.slice(1), dispatcher: deps.tenantDispatcher };
    }
    if (!c.apiBaseUrl) {
      throw conflict(
        'proxy_not_configured',
        `auth config ${c.account.authConfigId} has no oauth2.api_base_url; set one to proxy its calls`,
      );
    }
    return { base: c.apiBaseUrl, rest: segments, dispatcher: deps.tenantDispatcher };
  }

  /** Reads up to the replay buffer; a longer body is streamed on, counted against the limit. */
  async function readBody(raw: IncomingMessage): Promise<Body> {
    const length = raw.headers['content-length'];
    const chunked = raw.headers['transfer-encoding'] !== undefined;
    if (!chunked && (length === undefined || length === '0')) return { kind: 'none' };
    if (length !== undefined && Number(length) > deps.maxBodyBytes)
      throw tooLarge(deps.maxBodyBytes);
    const it = raw[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    const held: Buffer[] = [];
    let size = 0;
    for (;;) {
      const next = await it.next();
      if (next.done) return { kind: 'buffer', bytes: Buffer.concat(held, size) };
      size += next.value.length;
      if (size > deps.maxBodyBytes) throw tooLarge(deps.maxBodyBytes);
      held.push(next.value);
      if (size > REPLAY_BUFFER_BYTES) break;
    }
    const limit = deps.maxBodyBytes;
    const stream = Readable.from(
      (async function* () {
        yield* held;
        held.length = 0;
        for (;;) {
          const next = await it.next();
          if (next.done) return;
          size += next.value.length;
          if (size > limit) throw tooLarge(limit);
          yield next.value;
        }
      })(),
      { objectMode: false },
    );
    return { kind: 'stream', stream, length };
  }

  async function send(
    url: URL,
    method: string,
    headers: Record<string, string | string[]>,
    body: Body,
    dispatcher: Dispatcher | undefined,
    signal: AbortSignal,
  ) {
    const end = deps.metrics.proxyUpstreamLatency.startTimer();
    try {
      const h = { ...headers };
      if (body.kind === 'buffer') h['content-length'] = String(body.bytes.length);
      else if (body.kind === 'stream' && body.length !== undefined)
        h['content-length'] = body.length;
      return await request(url, {
        method: method as Dispatcher.HttpMethod,
        headers: h,
        body: body.kind === 'none' ? undefined : body.kind === 'buffer' ? body.bytes : body.stream,
        dispatcher,
        headersTimeout: deps.timeoutMs,
        bodyTimeout: deps.timeoutMs,
        signal,
      });
    } catch (err) {
      throw upstreamError(err, url);
    } finally {
      end();
    }
  }

  function upstreamError(err: unknown, url: URL): AppError {
    if (err instanceof AppError) return err;
    const cause = (err as { cause?: unknown }).cause;
    if (cause instanceof AppError) return cause;
    if (err instanceof EgressDeniedError || cause instanceof EgressDeniedError) {
      return new AppError(
        'egress_denied',
        502,
        'Bad gateway',
        `${url.host} resolves to an address this vault does not call`,
      );
    }
    if (
      err instanceof undiciErrors.HeadersTimeoutError ||
      err instanceof undiciErrors.BodyTimeoutError ||
      err instanceof undiciErrors.ConnectTimeoutError
    ) {
      return new AppError(
        'provider_timeout',
        504,
        'Provider timeout',
        `the provider did not answer within PROXY_TIMEOUT_MS (${deps.timeoutMs} ms)`,
        { retry_after_seconds: 1 },
        true,
      );
    }
    return new AppError(
      'provider_unavailable',
      502,
      'Provider unavailable',
      `the provider at ${url.host} could not be reached`,
      { retry_after_seconds: 1 },
      true,
    );
  }

  /** Seconds a Retry-After asks for (delta-seconds or an HTTP date); undefined when absent. */
  function retryAfter(v: string | string[] | undefined): number | undefined {
    const s = Array.isArray(v) ? v[0] : v;
    if (!s) return undefined;
    if (/^\d+$/.test(s.trim())) return Number(s.trim());
    const at = Date.parse(s);
    return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000));
  }

  /** Reads a (small) refused answer so it can still be handed back; larger ones are cut. */
  async function keep(body: Dispatcher.ResponseData['body']): Promise<Buffer> {
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

  /** A response body counted against the limit on its way back; beyond it the stream is cut. */
  function limited(body: Readable): Readable {
    let size = 0;
    const limit = deps.maxBodyBytes;
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

  async function forward(
    c: TokenCandidate,
    call: ProxyCall,
    cloudIdHeader: string | undefined,
  ): Promise<ProxyAnswer> {
    const { path, query } = splitProxyUrl(call.raw.url ?? '');
    const segments = proxySegments(path);
    const cred = await deps.tokens.forProxy(call.principal, c, {
      ip: call.ip,
      cloudId: cloudIdHeader,
    });
    const t = target(c, cred.site?.cloud_id ?? null, segments);
    const url = upstreamUrl(t.base, t.rest, query);
    const body = await readBody(call.raw);
    const replayable = body.kind !== 'stream';
    const base = forwardedRequestHeaders(call.raw.headers);
    let auth = `${cred.tokenType} ${cred.accessToken}`;
    let refreshed = false;
    let waited = 0;
    for (let attempt = 0; ; attempt++) {
      const res = await send(
        url,
        call.method,
        { ...base, authorization: auth },
        body,
        t.dispatcher,
        call.signal,
      );
      // A refused token: one refresh (the token endpoint's single-flight path), one retry.
      if (res.statusCode === 401 && replayable && !refreshed && cred.tokenType === 'Bearer') {
        const kept = await keep(res.body);
        refreshed = true;
        const again = await deps.tokens.afterRejection(cred.account);
        if (again) {
          auth = `${again.tokenType} ${again.accessToken}`;
          continue;
        }
        return answer(res.statusCode, res.headers, kept);
      }
      // Bounded, idempotent-only waits on a 429/503 (PROXY_RETRY_MAX_WAIT_SECONDS, default 0).
      if (
        (res.statusCode === 429 || res.statusCode === 503) &&
        replayable &&
        IDEMPOTENT.has(call.method) &&
        attempt < 3
      ) {
        const wait = retryAfter(res.headers['retry-after']);
        if (wait !== undefined && waited + wait <= deps.retryMaxWaitSeconds) {
          await res.body.dump();
          waited += wait;
          await sleep(wait * 1000, undefined, { signal: call.signal });
          continue;
        }
      }
      const length = Number(res.headers['content-length'] ?? 0);
      if (length > deps.maxBodyBytes) {
        await res.body.dump();
        throw new AppError(
          'provider_response_too_large',
          502,
          'Bad gateway',
          `the provider's answer (${length} bytes) is larger than PROXY_MAX_BODY_BYTES (${deps.maxBodyBytes})`,
        );
      }
      // A declared length within the limit is held to by the HTTP client itself; only an
      // undeclared one is counted on its way back.
      if (call.method === 'HEAD') {
        await res.body.dump();
        return answer(res.statusCode, res.headers, null);
      }
      const declared = res.headers['content-length'] !== undefined;
      return answer(res.statusCode, res.headers, declared ? res.body : limited(res.body));
    }
  }

  function answer(
    status: number,
    headers: Record<string, string | string[] | undefined>,
    body: ProxyAnswer['body'],
  ): ProxyAnswer {
    const h = returnedResponseHeaders(headers);
    if (Buffer.isBuffer(body)) h['content-length'] = String(body.length);
    return { status, headers: h, body };
  }

  return {
    async viaAccount(accountId: string, call: ProxyCall, cloudId?: string) {
      const c = await deps.tokens.candidateOfAccount(call.principal, accountId);
      return forward(c, call, cloudId);
    },
    async viaConfig(
      configId: string,
      sel: { userId?: string; accountId?: string },
      call: ProxyCall,
      cloudId?: string,
    ) {
      const c = await deps.tokens.candidateOfConfig(call.principal, configId, sel);
      return forward(c, call, cloudId);
    },
  };
}

export type ProxyService = ReturnType<typeof createProxyService>;
