import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { errors as undiciErrors, request, type Dispatcher } from 'undici';
import type { TokenCandidate } from '../connected-accounts/service.ts';
import { EGRESS_DENIED, findEgressDenied } from '../../lib/egress.ts';
import type { Clock } from '../../lib/clock.ts';
import { AppError, badRequest, conflict } from '../../lib/errors.ts';
import type { OutboundLimiter, Release } from '../../lib/outbound-limiter.ts';
import { retryAfterSeconds } from '../../lib/retry-after.ts';
import type { Principal } from '../../lib/principal.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { TokenService } from '../tokens/service.ts';
import { keepAnswer, limited, readBody, type Body } from './bodies.ts';
import { forwardedRequestHeaders, returnedResponseHeaders } from './headers.ts';
import { proxySegments, splitProxyUrl, upstreamUrl } from './paths.ts';
import { proxyCloudId } from './site.ts';

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
  clock: Clock;
  atlassianApiUrl: string;
  /** for the operator-configured Atlassian API URL */
  dispatcher?: Dispatcher;
  /** for URLs tenants supplied (a generic config's api_base_url, an API token's site) */
  tenantDispatcher: Dispatcher;
  /** every proxied call holds a slot of its tenant and origin until its answer is done */
  outbound: Pick<OutboundLimiter, 'acquire'>;
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

  /**
   * One call to the provider, under an outbound slot of the tenant and the origin that is held
   * until the answer's body has been read to its end, cut or abandoned (its stream closes).
   */
  async function send(
    url: URL,
    method: string,
    headers: Record<string, string | string[]>,
    body: Body,
    dispatcher: Dispatcher | undefined,
    signal: AbortSignal,
    tenantId: string,
  ) {
    let release: Release | undefined;
    try {
      release = await deps.outbound.acquire(tenantId, url.origin, signal);
    } catch (err) {
      throw upstreamError(err, url);
    }
    const end = deps.metrics.proxyUpstreamLatency.startTimer();
    try {
      const h = { ...headers };
      if (body.kind === 'buffer') h['content-length'] = String(body.bytes.length);
      else if (body.kind === 'stream' && body.length !== undefined)
        h['content-length'] = body.length;
      const res = await request(url, {
        method: method as Dispatcher.HttpMethod,
        headers: h,
        body: body.kind === 'none' ? undefined : body.kind === 'buffer' ? body.bytes : body.stream,
        dispatcher,
        headersTimeout: deps.timeoutMs,
        bodyTimeout: deps.timeoutMs,
        signal,
      });
      if (res.body.closed) release();
      else res.body.once('close', release);
      return res;
    } catch (err) {
      release();
      throw upstreamError(err, url);
    } finally {
      end();
    }
  }

  function upstreamError(err: unknown, url: URL): AppError {
    if (err instanceof AppError) return err;
    const cause = (err as { cause?: unknown }).cause;
    if (cause instanceof AppError) return cause;
    // The same answer as when the URL was saved: which of the two it was is not for a tenant to learn.
    const denied = findEgressDenied(err);
    if (denied) return badRequest(EGRESS_DENIED, denied.message);
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

  async function forward(
    c: TokenCandidate,
    call: ProxyCall,
    cloudIdHeader: string | undefined,
  ): Promise<ProxyAnswer> {
    const { path, query } = splitProxyUrl(call.raw.url ?? '');
    const segments = proxySegments(path);
    const cloudId = proxyCloudId(c.account, cloudIdHeader);
    const cred = await deps.tokens.forProxy(call.principal, c, { ip: call.ip });
    const t = target(c, cloudId, segments);
    const url = upstreamUrl(t.base, t.rest, query);
    const body = await readBody(call.raw, deps.maxBodyBytes);
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
        c.account.tenantId,
      );
      // A refused token: one refresh (the token endpoint's single-flight path), one retry.
      if (res.statusCode === 401 && replayable && !refreshed && cred.tokenType === 'Bearer') {
        const kept = await keepAnswer(res.body);
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
        const wait = retryAfterSeconds(res.headers['retry-after'], deps.clock.now());
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
      return answer(
        res.statusCode,
        res.headers,
        declared ? res.body : limited(res.body, deps.maxBodyBytes),
      );
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
