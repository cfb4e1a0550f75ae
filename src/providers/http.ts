import { Agent, type Dispatcher } from 'undici';
import { AnswerDeadlineError, AnswerTooLargeError, boundedRequest } from '../lib/bounded-read.ts';
import type { Clock } from '../lib/clock.ts';
import { EGRESS_DENIED, findEgressDenied } from '../lib/egress.ts';
import { OUTBOUND_BUSY, OutboundBusyError, type OutboundLimiter } from '../lib/outbound-limiter.ts';
import { retryAfterSeconds } from '../lib/retry-after.ts';
import { quotaSpentSeconds } from './rate-limit.ts';
import { ProviderError, type TokenSet } from './types.ts';

/**
 * Outbound HTTP to providers: one keep-alive agent, every call made for a tenant under that
 * tenant's (and the origin's) outbound slots, every answer read within a byte cap and one overall
 * deadline, and token responses classified by their `error` field first and their status second
 * (Atlassian answers invalid_grant with 403, others with 400).
 */
export interface ProviderHttp {
  dispatcher: Dispatcher;
  /** the whole call: connect, headers and body */
  timeoutMs: number;
  /** the most of an answer that is read */
  maxResponseBytes: number;
  outbound: Pick<OutboundLimiter, 'acquire'>;
  clock: Clock;
}

/** Codes (on ProviderError.oauthError) of the calls that ended on our side of the wire. */
export const PROVIDER_RESPONSE_TOO_LARGE = 'provider_response_too_large';
export const PROVIDER_TIMEOUT = 'provider_timeout';

export const createProviderHttp = (opts: {
  timeoutMs: number;
  maxResponseBytes: number;
  outbound: Pick<OutboundLimiter, 'acquire'>;
  clock: Clock;
  dispatcher?: Dispatcher;
  /** sockets per origin: at least the outbound limiter's per-origin cap, so it is the one that binds */
  connections: number;
}): ProviderHttp => ({
  dispatcher:
    opts.dispatcher ?? new Agent({ connections: opts.connections, keepAliveTimeout: 30_000 }),
  timeoutMs: opts.timeoutMs,
  maxResponseBytes: opts.maxResponseBytes,
  outbound: opts.outbound,
  clock: opts.clock,
});

/** The value of `Authorization: Basic …` for an API token (`email:token`, as Atlassian takes it). */
export const basicCredential = (user: string, secret: string) =>
  Buffer.from(`${user}:${secret}`, 'utf8').toString('base64');

/** True when both URLs parse and share scheme, host and port. */
export function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}

/** The standard `error` codes of a token endpoint that are not outages, by what they mean. */
const TOKEN_ERRORS: Readonly<Record<string, 'invalid_grant' | 'invalid_client'>> = {
  invalid_grant: 'invalid_grant',
  invalid_client: 'invalid_client',
  unauthorized_client: 'invalid_client',
  access_denied: 'invalid_client',
};

/** A lifetime in seconds as providers send it: a number, or a numeric string (some send those). */
const seconds = (v: unknown): number | undefined => {
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) && n > 0 ? n : undefined;
};

/** What went wrong on the way, as the ProviderError every caller already knows how to map. */
function callFailure(err: unknown, host: string): ProviderError {
  // A connection the egress policy refused is a final "no", not an outage to retry.
  const denied = findEgressDenied(err);
  if (denied) return new ProviderError('rejected', denied.message, undefined, EGRESS_DENIED);
  // The rest proves nothing about the grant or the credential: try again later.
  if (err instanceof OutboundBusyError) {
    return new ProviderError('transient', err.detail, undefined, OUTBOUND_BUSY, 1);
  }
  if (err instanceof AnswerTooLargeError) {
    return new ProviderError('transient', err.message, undefined, PROVIDER_RESPONSE_TOO_LARGE);
  }
  if (err instanceof AnswerDeadlineError) {
    return new ProviderError('transient', err.message, undefined, PROVIDER_TIMEOUT);
  }
  return new ProviderError('transient', `request to ${host} failed: ${(err as Error).name}`);
}

/** One call for `tenantId`, its answer read (bounded) and parsed as JSON where it is JSON. */
export async function sendJson(
  http: ProviderHttp,
  call: {
    tenantId: string;
    url: string;
    method: 'GET' | 'POST';
    headers?: Record<string, string>;
    body?: string;
  },
): Promise<{
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: unknown;
}> {
  const url = new URL(call.url);
  let res;
  try {
    const release = await http.outbound.acquire(call.tenantId, url.origin);
    try {
      res = await boundedRequest({
        url,
        method: call.method,
        headers: { accept: 'application/json', ...call.headers },
        body: call.body,
        dispatcher: http.dispatcher,
        timeoutMs: http.timeoutMs,
        maxBytes: http.maxResponseBytes,
      });
    } finally {
      release();
    }
  } catch (err) {
    throw callFailure(err, url.host);
  }
  const text = res.body.toString('utf8');
  let json: unknown = undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, json };
}

/**
 * POSTs a token request and turns the answer into a TokenSet or a classified ProviderError.
 * `errors` adds a provider's own `error` codes to the standard ones (a provider that calls a dead
 * refresh token something else than invalid_grant), whatever the status they come with.
 */
export async function tokenRequest(
  http: ProviderHttp,
  tenantId: string,
  url: string,
  body: Record<string, string>,
  opts: {
    format: 'json' | 'form';
    basicAuth?: { id: string; secret: string };
    errors?: Readonly<Record<string, 'invalid_grant' | 'invalid_client'>>;
    /** more request headers the provider wants (e.g. a User-Agent) */
    headers?: Readonly<Record<string, string>>;
  },
): Promise<TokenSet> {
  const headers: Record<string, string> = {
    ...opts.headers,
    'content-type':
      opts.format === 'json' ? 'application/json' : 'application/x-www-form-urlencoded',
  };
  if (opts.basicAuth) {
    const enc = (s: string) => encodeURIComponent(s);
    headers.authorization = `Basic ${Buffer.from(`${enc(opts.basicAuth.id)}:${enc(opts.basicAuth.secret)}`).toString('base64')}`;
  }
  const payload =
    opts.format === 'json' ? JSON.stringify(body) : new URLSearchParams(body).toString();
  const res = await sendJson(http, { tenantId, url, method: 'POST', headers, body: payload });
  const j = (res.json ?? {}) as Record<string, unknown>;
  const oauthError = typeof j.error === 'string' ? j.error : undefined;
  if (res.status === 200 && typeof j.access_token === 'string' && j.access_token) {
    const spent = quotaSpentSeconds(res.headers, http.clock.now());
    return {
      accessToken: j.access_token,
      refreshToken:
        typeof j.refresh_token === 'string' && j.refresh_token ? j.refresh_token : undefined,
      tokenType: typeof j.token_type === 'string' ? j.token_type : 'Bearer',
      expiresIn: seconds(j.expires_in),
      refreshTokenExpiresIn: seconds(j.refresh_token_expires_in),
      scopes: typeof j.scope === 'string' ? j.scope.split(/[\s,]+/).filter(Boolean) : undefined,
      ...(spent === undefined ? {} : { quotaSpentSeconds: spent }),
    };
  }
  const ra = retryAfterSeconds(res.headers['retry-after'], http.clock.now());
  if (res.status === 429 || res.status >= 500) {
    throw new ProviderError(
      'transient',
      `token endpoint answered ${res.status}`,
      res.status,
      oauthError,
      ra,
    );
  }
  const known = (map: Readonly<Record<string, string>> | undefined) =>
    map && oauthError && Object.hasOwn(map, oauthError) ? map[oauthError] : undefined;
  const kind = known(opts.errors) ?? known(TOKEN_ERRORS);
  if (kind === 'invalid_grant') {
    throw new ProviderError(
      'invalid_grant',
      'the provider refused the grant',
      res.status,
      oauthError,
    );
  }
  if (kind === 'invalid_client') {
    throw new ProviderError(
      'invalid_client',
      `the provider refused the client (${oauthError})`,
      res.status,
      oauthError,
    );
  }
  throw new ProviderError(
    'rejected',
    `token endpoint answered ${res.status}${oauthError ? ` ${oauthError}` : ''}`,
    res.status,
    oauthError,
  );
}
