// Requests to the vault's JSON API: auth, problem+json → VaultError, and polite bounded retries.
import { VaultError } from './errors.js';

export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface Transport {
  baseUrl: string;
  apiKey: string;
  fetch: FetchLike;
  /** wall clock (epoch ms) for Retry-After dates */
  now: () => number;
  /** per-attempt timeout */
  timeoutMs: number;
  /** bound on the time from the first attempt to the last retry */
  maxRetryWaitMs: number;
  random: () => number;
  sleep: (ms: number) => Promise<void>;
  /** monotonic ms for the retry budget: an injected `now` (frozen in tests) must not stretch it */
  monotonic: () => number;
}

/**
 * Which failures a request is retried after:
 * - `any`: every retryable one — the request does nothing twice when repeated (reads, token
 *   requests, deletes, plain updates, enable/disable);
 * - `unprocessed`: only answers proving the vault did not act — a refused connection, a 429 (its
 *   limits answer before any handler runs); for creates, where a repeat would make a second resource;
 * - `none`: never — for a client-secret rotation, whose repeat would silently move the new secret
 *   into the "previous" slot and lose the old one, beyond repair (secrets are write-only). The caller
 *   sees the error and decides.
 */
export type RetryPolicy = 'any' | 'unprocessed' | 'none';

export interface CallOptions {
  body?: unknown;
  /** a form-encoded body instead of JSON (the OAuth token endpoint) */
  form?: Record<string, string>;
  /** an array is sent as the parameter repeated (`tags=a&tags=b`) */
  query?: Record<string, string | number | boolean | readonly string[] | undefined>;
  retry: RetryPolicy;
  /**
   * the 2xx Response itself, its body unread (a streamed answer): the per-attempt timeout then
   * bounds only the wait for the answer to start
   */
  raw?: boolean;
}

/** Backoff without Retry-After: 100 ms, 200 ms, 400 ms … capped at 2 s, each with full jitter. */
export function backoffMs(attempt: number, random: () => number): number {
  const cap = Math.min(2000, 100 * 2 ** Math.min(attempt, 10));
  return cap / 2 + (cap / 2) * random();
}

/**
 * How long to wait before retry number `attempt` (0-based) after `err`, or undefined when the bound
 * does not allow one. A Retry-After is a minimum: honoured, plus up to 20% (≤ 1 s) of jitter so
 * callers told the same value do not return in step; a wait never reaches past the bound.
 */
export function retryDelay(
  err: VaultError,
  attempt: number,
  remainingMs: number,
  random: () => number,
): number | undefined {
  if (remainingMs <= 0) return undefined;
  const min = err.retryAfterMs;
  if (min === undefined) return Math.min(backoffMs(attempt, random), remainingMs);
  if (min > remainingMs) return undefined;
  return Math.min(min + Math.min(1000, 0.2 * min + 50) * random(), remainingMs);
}

function mayRetry(err: VaultError, policy: RetryPolicy): boolean {
  if (!err.retryable || policy === 'none') return false;
  if (policy === 'any') return true;
  return err.connectRefused || err.status === 429;
}

/** Runs `attempt` until it succeeds, fails for good, or the retry bound would be passed. */
export async function withRetries<T>(
  t: Pick<Transport, 'maxRetryWaitMs' | 'random' | 'sleep' | 'monotonic'>,
  policy: RetryPolicy,
  attempt: () => Promise<T>,
): Promise<T> {
  const start = t.monotonic();
  for (let n = 0; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      if (!(err instanceof VaultError)) throw err;
      const wait = mayRetry(err, policy)
        ? retryDelay(err, n, t.maxRetryWaitMs - (t.monotonic() - start), t.random)
        : undefined;
      if (wait === undefined) throw n === 0 ? err : err.withAttempts(n + 1);
      await t.sleep(wait);
    }
  }
}

function isTimeout(err: unknown): boolean {
  return (err as { name?: string } | null)?.name === 'TimeoutError';
}

/** One request, no retries: the parsed JSON on 2xx (undefined on 204), a VaultError otherwise. */
export async function send<T>(
  t: Transport,
  method: string,
  path: string,
  opts: Omit<CallOptions, 'retry'> = {},
): Promise<T> {
  let url = `${t.baseUrl}${path}`;
  if (opts.query) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(opts.query)) {
      if (Array.isArray(v)) for (const item of v) q.append(k, String(item));
      else if (v !== undefined) q.set(k, String(v));
    }
    const s = q.toString();
    if (s) url += `?${s}`;
  }
  const headers: Record<string, string> = { accept: 'application/json' };
  // A client without a key (an agent with a workload identity) sends none.
  if (t.apiKey) headers.authorization = `Bearer ${t.apiKey}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.form !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
  // A streamed answer may take long to read: only its start is bounded.
  const started = new AbortController();
  const startTimer = opts.raw ? setTimeout(() => started.abort(), t.timeoutMs) : undefined;
  let res: Response;
  try {
    res = await t.fetch(url, {
      method,
      headers,
      body:
        opts.form !== undefined
          ? new URLSearchParams(opts.form).toString()
          : opts.body === undefined
            ? undefined
            : JSON.stringify(opts.body),
      signal: opts.raw ? started.signal : AbortSignal.timeout(t.timeoutMs),
      redirect: 'manual',
    });
  } catch (err) {
    throw VaultError.fromNetwork(err, isTimeout(err) || started.signal.aborted);
  } finally {
    clearTimeout(startTimer);
  }
  if (res.status >= 200 && res.status < 300 && opts.raw) return res as T;
  if (res.status >= 200 && res.status < 300) {
    if (res.status === 204) {
      await res.body?.cancel().catch(() => {});
      return undefined as T;
    }
    try {
      return (await res.json()) as T;
    } catch (err) {
      if (isTimeout(err)) throw VaultError.fromNetwork(err, true);
      throw new VaultError({
        status: res.status,
        code: 'invalid_response',
        retryable: false,
        detail: 'the answer was not JSON',
        requestId: res.headers.get('x-request-id') ?? undefined,
      });
    }
  }
  throw await VaultError.fromResponse(res, t.now());
}

/** `send` with retries per `opts.retry`. */
export function call<T>(t: Transport, method: string, path: string, opts: CallOptions) {
  return withRetries(t, opts.retry, () => send<T>(t, method, path, opts));
}
