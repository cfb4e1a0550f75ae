// Fault injection for the token endpoint and the API routes, plus cancellable sleeps.
import type { FastifyReply } from 'fastify';
import { EmuInputError } from './state.ts';
import type { Faults } from './types.ts';

export type FaultTarget = 'token' | 'api';

const STATUSES: ReadonlySet<unknown> = new Set([500, 502, 503, 429]);
const TARGETS: ReadonlySet<unknown> = new Set(['token', 'api', 'all']);

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
  if (r.status !== undefined && !STATUSES.has(r.status)) {
    throw new EmuInputError('faults.status must be 500, 502, 503 or 429');
  }
  optNumber(r, 'rate', 0, 1);
  optNumber(r, 'count', 0);
  optNumber(r, 'latencyMs', 0);
  optNumber(r, 'retryAfterSeconds', 0);
  optNumber(r, 'holdAfterIssueMs', 0);
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
  pick(target: FaultTarget): Faults | null {
    const f = this.faults;
    if (!f) return null;
    const t = f.target ?? 'token';
    if (t !== 'all' && t !== target) return null;
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

/** Applies latency and, when the fault has a status, sends the error. Returns true if answered. */
export async function applyFault(
  ctl: FaultController,
  f: Faults,
  reply: FastifyReply,
): Promise<boolean> {
  if (f.latencyMs) await ctl.sleep(f.latencyMs);
  if (!f.status) return false;
  if (f.retryAfterSeconds !== undefined) reply.header('retry-after', String(f.retryAfterSeconds));
  const error = f.status === 429 ? 'rate_limited' : 'server_error';
  await reply.code(f.status).send({ error });
  return true;
}
