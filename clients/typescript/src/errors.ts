// The one error type the client throws for anything the vault (or the way to it) answered, and the
// one verifyWebhook throws. Callers branch on `code`, `status` and `retryable`, never on messages.
import type { Problem } from './types.js';

/** `code` of errors that never reached an HTTP answer (`status` is then 0). */
export type TransportErrorCode = 'network_error' | 'timeout' | 'invalid_response';

export interface VaultErrorInit {
  status: number;
  code: string;
  retryable: boolean;
  detail?: string;
  title?: string;
  requestId?: string;
  accountStatus?: string;
  statusReason?: string;
  retryAfterMs?: number;
  problem?: Problem;
  /** how many requests were made before this error was thrown (retries included) */
  attempts?: number;
  /** a connection that was refused carried no request: safe to retry whatever the method */
  connectRefused?: boolean;
  cause?: unknown;
}

/** Statuses worth retrying after a pause (the answer says "not now", not "no"). */
const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);

export class VaultError extends Error {
  override readonly name = 'VaultError';
  /** HTTP status of the vault's answer; 0 when there was none (network error, timeout) */
  readonly status: number;
  /** the problem's stable `code` (e.g. `connected_account_not_active`), or a TransportErrorCode */
  readonly code: string;
  /** true when the same call may succeed later (429, 503, network errors); false for 4xx like 409 */
  readonly retryable: boolean;
  /** the problem's `request_id` (or the `x-request-id` header): quote it to the vault's operator */
  readonly requestId: string | undefined;
  readonly detail: string | undefined;
  readonly title: string | undefined;
  /** for `connected_account_not_active` (409): the account's status, e.g. `EXPIRED` */
  readonly accountStatus: string | undefined;
  /** for `connected_account_not_active` (409): its reason, e.g. `refresh_token_invalid` */
  readonly statusReason: string | undefined;
  /** what `Retry-After` asked for, in milliseconds */
  readonly retryAfterMs: number | undefined;
  /** the full problem body, for fields this class does not name */
  readonly problem: Problem | undefined;
  readonly attempts: number;
  /** @internal */
  declare readonly connectRefused: boolean;

  constructor(init: VaultErrorInit) {
    super(
      init.status
        ? `vault answered ${init.status} ${init.code}${init.detail ? `: ${init.detail}` : ''}`
        : `vault unreachable (${init.code})${init.detail ? `: ${init.detail}` : ''}`,
      init.cause === undefined ? undefined : { cause: init.cause },
    );
    this.status = init.status;
    this.code = init.code;
    this.retryable = init.retryable;
    this.requestId = init.requestId;
    this.detail = init.detail;
    this.title = init.title;
    this.accountStatus = init.accountStatus;
    this.statusReason = init.statusReason;
    this.retryAfterMs = init.retryAfterMs;
    this.problem = init.problem;
    this.attempts = init.attempts ?? 1;
    Object.defineProperty(this, 'connectRefused', {
      value: init.connectRefused ?? false,
      enumerable: false,
    });
  }

  /** The same error, counting the attempts that led to it. */
  withAttempts(attempts: number): VaultError {
    return new VaultError({ ...this.init(), attempts });
  }

  private init(): VaultErrorInit {
    return {
      status: this.status,
      code: this.code,
      retryable: this.retryable,
      detail: this.detail,
      title: this.title,
      requestId: this.requestId,
      accountStatus: this.accountStatus,
      statusReason: this.statusReason,
      retryAfterMs: this.retryAfterMs,
      problem: this.problem,
      connectRefused: this.connectRefused,
      cause: this.cause,
    };
  }

  /**
   * Builds the error from a non-2xx answer of the vault (reads the body). Usable on what `fetch()`
   * returns too, when its `content-type` is `application/problem+json`.
   */
  static async fromResponse(res: Response, now: number = Date.now()): Promise<VaultError> {
    let problem: Problem | undefined;
    const type = res.headers.get('content-type') ?? '';
    if (/json/i.test(type)) {
      try {
        const body: unknown = await res.json();
        if (body && typeof body === 'object' && typeof (body as Problem).code === 'string') {
          problem = body as Problem;
        }
      } catch {
        /* not JSON after all: described by the status alone */
      }
    } else {
      await res.body?.cancel().catch(() => {});
    }
    const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'), now);
    const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
    return new VaultError({
      status: res.status,
      code: problem?.code ?? `http_${res.status}`,
      // The vault marks a retryable 5xx with Retry-After; 4xx answers (409 included) are final.
      retryable:
        RETRYABLE_STATUS.has(res.status) || (res.status >= 500 && retryAfterMs !== undefined),
      // the token exchange answers RFC 6749 errors: error_description, with the vault's code
      detail: str(problem?.detail) ?? str(problem?.error_description),
      title: str(problem?.title),
      requestId: str(problem?.request_id) ?? res.headers.get('x-request-id') ?? undefined,
      accountStatus: str(problem?.connected_account_status),
      statusReason: str(problem?.status_reason),
      retryAfterMs,
      problem,
    });
  }

  /** A request that got no HTTP answer. */
  static fromNetwork(err: unknown, timedOut: boolean): VaultError {
    const code = causeCode(err);
    return new VaultError({
      status: 0,
      code: timedOut ? 'timeout' : 'network_error',
      retryable: true,
      detail: timedOut ? 'the vault did not answer in time' : (code ?? 'connection failed'),
      connectRefused: code === 'ECONNREFUSED',
      cause: err,
    });
  }
}

/** The system error code (ECONNREFUSED, ECONNRESET, …) under fetch's "fetch failed" TypeError. */
function causeCode(err: unknown): string | undefined {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return code;
    const errors = (e as { errors?: unknown[] }).errors; // AggregateError of happy-eyeballs attempts
    if (Array.isArray(errors) && errors.length) {
      const inner = causeCode(errors[0]);
      if (inner) return inner;
    }
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * `Retry-After` as milliseconds from `now`: delay-seconds or an HTTP date (RFC 9110 §10.2.3).
 * Undefined when absent or unparseable; never negative.
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  if (!/[a-z]/i.test(v)) return undefined; // "1.5", "-1": not a delay-seconds nor a date
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export type WebhookVerificationReason =
  | 'missing_headers'
  | 'invalid_secret'
  | 'invalid_timestamp'
  | 'timestamp_out_of_tolerance'
  | 'invalid_signature'
  | 'invalid_payload';

/** A webhook delivery that must not be trusted; `reason` says why. */
export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError';
  constructor(
    readonly reason: WebhookVerificationReason,
    message: string,
  ) {
    super(message);
  }
}
