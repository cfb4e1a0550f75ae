// Fault injection for the token endpoint and the API routes, plus cancellable sleeps.
import type { FastifyReply } from 'fastify';
import { EmuInputError } from './errors.ts';
import type { Faults } from './types.ts';

export type FaultTarget = 'token' | 'api';
export type FaultProvider = 'atlassian' | 'github';

const STATUSES: ReadonlySet<unknown> = new Set([500, 502, 503, 429, 403]);
const TARGETS: ReadonlySet<unknown> = new Set(['token', 'api', 'all']);
const PROVIDERS: ReadonlySet<unknown> = new Set(['atlassian', 'github']);

function optNumber(f: Record<string, unknown>, key: string, min: number, max = Infinity): void {
  const v = f[key];
  if (v === undefined) return;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
    throw new EmuInputError(`faults.${key} must be a number in [${min}, ${max}]`);
  }
}

export function validateFaults(f: unknown): Faults {
  if (!f || typeof f !== 'object' || Array.isArray(f))
    throw new EmuInputError('faults must be an object');
  const r = f as Record<string, unknown>;
  if (r.target !== undefined && !TARGETS.has(r.target)) {
    throw new EmuInputError("faults.target must be 'token', 'api' or 'all'");
  }
  if (r.provider !== undefined && !PROVIDERS.has(r.provider)) {
    throw new EmuInputError("faults.provider must be 'atlassian' or 'github'");
  }
  if (r.status !== undefined && !STATUSES.has(r.status)) {
    throw new EmuInputError('faults.status must be 500, 502, 503, 429 or 403');
  }
  // A 403 is how GitHub announces a secondary rate limit on its API; nothing else answers one.
  if (r.status === 403 && (r.provider !== 'github' || r.target !== 'api')) {
    throw new EmuInputError("faults.status 403 needs provider 'github' and target 'api'");
  }
  optNumber(r, 'rate', 0, 1);
  optNumber(r, 'count', 0);
  optNumber(r, 'latencyMs', 0);
  optNumber(r, 'retryAfterSeconds', 0);
  optNumber(r, 'holdAfterIssueMs', 0);
  if (
    r.rateLimitReason !== undefined &&
    (typeof r.rateLimitReason !== 'string' || r.rateLimitReason === '')
  ) {
    throw new EmuInputError('faults.rateLimitReason must be a non-empty string');
  }
  const out: Faults = {};
  for (const k of Object.keys(r) as (keyof Faults)[]) {
    if (r[k] !== undefined) (out as Record<string, unknown>)[k] = r[k];
  }
  return out;
}

export class FaultController {
  private faults: Faults | null = null;
  private remaining = Infinity;
  private readonly sleeping = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();

  constructor(private readonly onInjected: () => void) {}

  set(f: Faults): void {
    this.faults = validateFaults(f);
    this.remaining = this.faults.count ?? Infinity;
    if (this.remaining <= 0) this.faults = null;
  }

  clear(): void {
    this.faults = null;
  }

  current(): Faults | null {
    return this.faults ? { ...this.faults } : null;
  }

  /** Decides whether this request gets the fault; counts it and consumes `count`. */
  pick(target: FaultTarget, provider: FaultProvider = 'atlassian'): Faults | null {
    const f = this.faults;
    if (!f) return null;
    const t = f.target ?? 'token';
    if (t !== 'all' && t !== target) return null;
    if (f.provider !== undefined && f.provider !== provider) return null;
    if (f.rate !== undefined && f.rate < 1 && Math.random() >= f.rate) return null;
    if (--this.remaining <= 0) this.faults = null;
    this.onInjected();
    return f;
  }

  /** A sleep that close() can cut short. */
  sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const entry = {
        resolve,
        timer: setTimeout(() => {
          this.sleeping.delete(entry);
          resolve();
        }, ms),
      };
      this.sleeping.add(entry);
    });
  }

  wakeAll(): void {
    for (const e of this.sleeping) {
      clearTimeout(e.timer);
      e.resolve();
    }
    this.sleeping.clear();
  }
}

/** The request quota the API routes announce in X-RateLimit-Limit (never enforced). */
export const API_RATE_LIMIT = 350;
/** Retry-After of API 429/503 faults that set no retryAfterSeconds (Atlassian always sends one). */
export const DEFAULT_API_RETRY_AFTER_SECONDS = 1;

/** What an API route adds to its 429/503 answers. */
export interface ApiFaultContext {
  /** RateLimit-Reason unless the fault names one. */
  reason: string;
  now: number;
}

/**
 * Applies latency and, when the fault has a status, sends the error. Returns true if answered.
 * API routes (`api` given) answer 429 and 503 with Retry-After, and 429 with Atlassian's
 * X-RateLimit-* and RateLimit-Reason headers too.
 */
export async function applyFault(
  ctl: FaultController,
  f: Faults,
  reply: FastifyReply,
  api?: ApiFaultContext,
): Promise<boolean> {
  if (f.latencyMs) await ctl.sleep(f.latencyMs);
  if (!f.status) return false;
  const throttled = f.status === 429 || f.status === 503;
  const retryAfter =
    f.retryAfterSeconds ?? (api && throttled ? DEFAULT_API_RETRY_AFTER_SECONDS : undefined);
  if (retryAfter !== undefined) reply.header('retry-after', String(retryAfter));
  if (api && f.status === 429) {
    reply
      .header('x-ratelimit-limit', String(API_RATE_LIMIT))
      .header('x-ratelimit-remaining', '0')
      .header('x-ratelimit-reset', new Date(api.now + (retryAfter ?? 0) * 1000).toISOString())
      .header('ratelimit-reason', f.rateLimitReason ?? api.reason);
  }
  const error = f.status === 429 ? 'rate_limited' : 'server_error';
  await reply.code(f.status).send({ error });
  return true;
}
