import { Agent, request, type Dispatcher } from 'undici';
import type { Clock } from '../lib/clock.ts';
import { EgressDeniedError } from '../lib/egress.ts';
import { retryAfterSeconds } from '../lib/retry-after.ts';
import { ProviderError, type TokenSet } from './types.ts';

/**
 * Outbound HTTP to providers: one keep-alive agent, a deadline on every call, and token responses
 * classified by their `error` field first and their status second (Atlassian answers invalid_grant
 * with 403, others with 400).
 */
export interface ProviderHttp {
  dispatcher: Dispatcher;
  timeoutMs: number;
  clock: Clock;
}

export const createProviderHttp = (
  timeoutMs: number,
  clock: Clock,
  dispatcher?: Dispatcher,
): ProviderHttp => ({
  dispatcher: dispatcher ?? new Agent({ connections: 64, keepAliveTimeout: 30_000 }),
  timeoutMs,
  clock,
});

/** True when both URLs parse and share scheme, host and port. */
export function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}

const CLIENT_ERRORS = new Set(['invalid_client', 'unauthorized_client', 'access_denied']);

export async function sendJson(
  http: ProviderHttp,
  url: string,
  init: { method: 'GET' | 'POST'; headers?: Record<string, string>; body?: string },
): Promise<{
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: unknown;
}> {
  let res: Dispatcher.ResponseData;
  try {
    res = await request(url, {
      method: init.method,
      headers: { accept: 'application/json', ...init.headers },
      body: init.body,
      dispatcher: http.dispatcher,
      headersTimeout: http.timeoutMs,
      bodyTimeout: http.timeoutMs,
      signal: AbortSignal.timeout(http.timeoutMs),
    });
  } catch (err) {
    // A connection the egress policy refused is a final "no", not an outage to retry.
    if (err instanceof EgressDeniedError) {
      throw new ProviderError('rejected', err.message, undefined, 'egress_denied');
    }
    throw new ProviderError(
      'transient',
      `request to ${new URL(url).host} failed: ${(err as Error).name}`,
    );
  }
  const text = await res.body.text().catch(() => '');
  let json: unknown = undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.statusCode, headers: res.headers, json };
}

/** POSTs a token request and turns the answer into a TokenSet or a classified ProviderError. */
export async function tokenRequest(
  http: ProviderHttp,
  url: string,
  body: Record<string, string>,
  opts: { format: 'json' | 'form'; basicAuth?: { id: string; secret: string } },
): Promise<TokenSet> {
  const headers: Record<string, string> = {
    'content-type':
      opts.format === 'json' ? 'application/json' : 'application/x-www-form-urlencoded',
  };
  if (opts.basicAuth) {
    const enc = (s: string) => encodeURIComponent(s);
    headers.authorization = `Basic ${Buffer.from(`${enc(opts.basicAuth.id)}:${enc(opts.basicAuth.secret)}`).toString('base64')}`;
  }
  const payload =
    opts.format === 'json' ? JSON.stringify(body) : new URLSearchParams(body).toString();
  const res = await sendJson(http, url, { method: 'POST', headers, body: payload });
  const j = (res.json ?? {}) as Record<string, unknown>;
  const oauthError = typeof j.error === 'string' ? j.error : undefined;
  if (res.status === 200 && typeof j.access_token === 'string' && j.access_token) {
    return {
      accessToken: j.access_token,
      refreshToken:
        typeof j.refresh_token === 'string' && j.refresh_token ? j.refresh_token : undefined,
      tokenType: typeof j.token_type === 'string' ? j.token_type : 'Bearer',
      expiresIn:
        typeof j.expires_in === 'number' ? j.expires_in : Number(j.expires_in) || undefined,
      scopes: typeof j.scope === 'string' ? j.scope.split(/[\s,]+/).filter(Boolean) : undefined,
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
  if (oauthError === 'invalid_grant') {
    throw new ProviderError(
      'invalid_grant',
      'the provider refused the grant',
      res.status,
      oauthError,
    );
  }
  if (oauthError && CLIENT_ERRORS.has(oauthError)) {
    throw new ProviderError(
      'client_credentials',
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
