import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Dispatcher } from 'undici';
import { untilAborted } from '../../lib/abort.ts';
import type { Clock } from '../../lib/clock.ts';
import { AppError } from '../../lib/errors.ts';
import type { OutboundLimiter } from '../../lib/outbound-limiter.ts';
import type { TenantPrincipal } from '../../lib/principal.ts';
import { retryAfterSeconds } from '../../lib/retry-after.ts';
import type { Providers } from '../../providers/index.ts';
import type { TokenCandidate } from '../connected-accounts/token-read-model.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { PolicyService } from '../policies/service.ts';
import type { RejectionService } from '../tokens/rejections.ts';
import { apiAccountOf, type TokenService } from '../tokens/service.ts';
import { keepAnswer, limited, readBody, type Body } from './bodies.ts';
import { createUpstreamCall } from './upstream.ts';
import { callerClosed, providerTimeout, requestTimeout } from './errors.ts';
import { forwardedRequestHeaders, returnedResponseHeaders } from './headers.ts';
import { proxySegments, splitProxyUrl, upstreamUrl } from './paths.ts';
import { proxyCloudId } from './site.ts';

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

export interface ProxyCall {
  principal: TenantPrincipal;
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

/** Where an exchange is: what its deadline, when it passes, is blamed on. */
interface Exchange {
  /** aborts when PROXY_TIMEOUT_MS has passed since the call began */
  deadline: AbortSignal;
  /** the deadline, or the caller going away: everything the exchange waits on stops at it */
  signal: AbortSignal;
  /** the deadline on performance.now()'s scale (a wait that would pass it is not started) */
  endsAt: number;
  /** the caller's body: being read (the caller is what is waited on), then what was read */
  readingBody: boolean;
  body?: Body;
}

/**
 * The proxy: a provider call made with the account's token, streamed both ways. Where it goes is
 * the provider's answer (the same as the token endpoint's api_base_url). The vault's own errors
 * are problem+json; everything the provider answers goes back as it is.
 */
export function createProxyService(deps: {
  tokens: Pick<TokenService, 'candidateOfAccount' | 'candidateOfConfig' | 'forProxy'>;
  rejections: Pick<RejectionService, 'afterRejection'>;
  /** the policies of callers that have one, checked before anything is read or sent */
  policies: Pick<PolicyService, 'proxyCall'>;
  metrics: Pick<Metrics, 'proxyUpstreamLatency' | 'proxyRejections'>;
  clock: Clock;
  providers: Providers;
  /** for the deployment's own provider URLs */
  dispatcher?: Dispatcher;
  /** for URLs tenants supplied (a generic config's api_base_url, an API token's site) */
  tenantDispatcher: Dispatcher;
  /** every proxied call holds a slot of its tenant and origin until its answer is done */
  outbound: Pick<OutboundLimiter, 'acquire'>;
  maxBodyBytes: number;
  /** the whole exchange: the caller's body, the provider's answer and streaming it back */
  timeoutMs: number;
  retryMaxWaitSeconds: number;
}) {
  const send = createUpstreamCall(deps);
  /** The API base and dispatcher for a path: the provider's answer. */
  function target(c: TokenCandidate, cloudId: string | null, segments: string[]) {
    const t = deps.providers.get(c.provider).apiTarget(apiAccountOf(c), segments, cloudId);
    return {
      base: t.base,
      rest: t.rest,
      headers: t.headers ?? {},
      dispatcher: t.origin === 'tenant' ? deps.tenantDispatcher : deps.dispatcher,
    };
  }

  /**
   * One proxied call under one deadline (PROXY_TIMEOUT_MS): choosing the account, the token, the
   * caller's body, the provider's answer and streaming it back. Before the provider's answer is
   * handed back, a passed deadline is a 504 (or 408 while the caller's body was still arriving);
   * after, the deadline aborts the provider call, which cuts the answer short.
   */
  async function exchange(
    call: ProxyCall,
    candidate: () => Promise<TokenCandidate>,
    cloudId: string | undefined,
  ): Promise<ProxyAnswer> {
    const deadline = AbortSignal.timeout(deps.timeoutMs);
    // A composite signal holds its sources only weakly: with nothing else referring to it, the
    // timeout signal could be garbage-collected (and never fire) while the answer streams. A
    // listener of its own keeps it alive until the exchange is over.
    const keepAlive = () => {};
    deadline.addEventListener('abort', keepAlive, { once: true });
    const release = () => deadline.removeEventListener('abort', keepAlive);
    const x: Exchange = {
      deadline,
      signal: AbortSignal.any([call.signal, deadline]),
      endsAt: performance.now() + deps.timeoutMs,
      readingBody: false,
    };
    let streaming = false;
    try {
      const c = await untilAborted(candidate(), x.signal);
      const a = await forward(c, call, cloudId, x);
      if (a.body instanceof Readable) {
        streaming = true;
        a.body.once('close', release);
      }
      return a;
    } catch (err) {
      if (err instanceof AppError || !x.signal.aborted) throw err;
      // Nobody is left to read the answer; this only ends the request cleanly.
      if (!deadline.aborted) throw callerClosed();
      const callerSlow = x.readingBody || (x.body?.kind === 'stream' && !x.body.arrived());
      throw callerSlow ? requestTimeout(deps.timeoutMs) : providerTimeout(deps.timeoutMs);
    } finally {
      if (!streaming) release();
    }
  }

  async function forward(
    c: TokenCandidate,
    call: ProxyCall,
    cloudIdHeader: string | undefined,
    x: Exchange,
  ): Promise<ProxyAnswer> {
    const { path, query } = splitProxyUrl(call.raw.url ?? '');
    const segments = proxySegments(path);
    const p = call.principal;
    // A key without a policy pays a null check; the others are held to theirs before the token is
    // read (no refresh for a refused call) and before anything goes upstream.
    if (p.policy || p.via) {
      const a = c.account;
      await untilAborted(
        deps.policies.proxyCall(
          p,
          { tenantId: a.tenantId, authConfigId: a.authConfigId, accountId: a.id, userId: a.userId },
          call.method,
          segments,
          call.raw.headers,
          call.ip,
        ),
        x.signal,
      );
    }
    const cloudId = proxyCloudId(c.account, cloudIdHeader);
    const cred = await untilAborted(
      deps.tokens.forProxy(call.principal, c, { ip: call.ip }),
      x.signal,
    );
    const t = target(c, cloudId, segments);
    const url = upstreamUrl(t.base, t.rest, query);
    x.readingBody = true;
    const body = await readBody(call.raw, deps.maxBodyBytes, x.signal);
    x.readingBody = false;
    x.body = body;
    const replayable = body.kind !== 'stream';
    // The provider's defaults first: what the caller sent of the same name wins.
    const base = { ...t.headers, ...forwardedRequestHeaders(call.raw.headers) };
    let auth = `${cred.tokenType} ${cred.credential}`;
    let rejected = false;
    let waited = 0;
    for (let attempt = 0; ; attempt++) {
      const res = await send(
        url,
        call.method,
        { ...base, authorization: auth },
        body,
        t.dispatcher,
        x.signal,
        c.account,
      );
      // The provider refused the token: at most one refresh per account and cool-down, and one
      // retry with a newer token if there is one and the body can be sent again.
      if (res.statusCode === 401 && !rejected) {
        rejected = true;
        const kept = await keepAnswer(res.body);
        const r = await untilAborted(deps.rejections.afterRejection(cred.account), x.signal);
        deps.metrics.proxyRejections.inc({ outcome: r.outcome });
        if (r.retryWith && replayable) {
          auth = `${r.retryWith.tokenType} ${r.retryWith.accessToken}`;
          continue;
        }
        return answer(res.statusCode, res.headers, kept);
      }
      // Bounded, idempotent-only waits on a 429/503 (PROXY_RETRY_MAX_WAIT_SECONDS, default 0),
      // never past the deadline: then the answer goes back as it is.
      if (
        (res.statusCode === 429 || res.statusCode === 503) &&
        replayable &&
        IDEMPOTENT.has(call.method) &&
        attempt < 3
      ) {
        const wait = retryAfterSeconds(res.headers['retry-after'], deps.clock.now());
        if (
          wait !== undefined &&
          waited + wait <= deps.retryMaxWaitSeconds &&
          performance.now() + wait * 1000 < x.endsAt
        ) {
          await res.body.dump();
          waited += wait;
          await sleep(wait * 1000, undefined, { signal: x.signal });
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
      // The body streams back under the exchange's signal: at the deadline the HTTP client aborts
      // the provider call (its socket is closed) and the caller's answer ends there.
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
    viaAccount: (accountId: string, call: ProxyCall, cloudId?: string) =>
      exchange(call, () => deps.tokens.candidateOfAccount(call.principal, accountId), cloudId),
    viaConfig: (
      configId: string,
      sel: { userId?: string; accountId?: string },
      call: ProxyCall,
      cloudId?: string,
    ) =>
      exchange(call, () => deps.tokens.candidateOfConfig(call.principal, configId, sel), cloudId),
  };
}

export type ProxyService = ReturnType<typeof createProxyService>;
