import { AppError } from './errors.ts';

/** The code of a call refused because its tenant's (or its origin's) outbound slots stayed taken. */
export const OUTBOUND_BUSY = 'outbound_busy';

/** How long a refused caller is told to wait: slots free as calls end, usually within seconds. */
const BUSY_RETRY_AFTER_SECONDS = 1;

export class OutboundBusyError extends AppError {
  constructor(detail: string) {
    super(
      OUTBOUND_BUSY,
      503,
      'Service unavailable',
      detail,
      { retry_after_seconds: BUSY_RETRY_AFTER_SECONDS },
      true,
    );
    this.name = 'OutboundBusyError';
  }
}

/** How a request for a slot ended: at once, after a wait, or refused. */
export type SlotOutcome = 'immediate' | 'waited' | 'timeout' | 'aborted';

export interface OutboundLimits {
  /** concurrent outbound calls made for one tenant */
  perTenant: number;
  /** concurrent outbound calls to one origin (scheme, host, port), whichever tenant they are for */
  perOrigin: number;
  /** how long a call may wait for its slots; 0 refuses at once */
  maxWaitMs: number;
}

export interface OutboundStats {
  inFlight: number;
  waiting: number;
  tenantsAtLimit: number;
  originsAtLimit: number;
}

/** Gives the slots back; calling it again does nothing. */
export type Release = () => void;

interface Waiter {
  tenant: string;
  origin: string;
  grant(release: Release): void;
}

/**
 * The vault's outbound calls, capped per tenant and per origin, so that one tenant whose provider
 * hangs holds at most its own share of sockets and cannot make others wait, and one origin (the
 * Atlassian gateway every tenant shares) is never handed more calls than its socket pool holds.
 * A call takes one slot of each key together, never one while waiting for the other (two callers
 * cannot each hold the half the other needs); waiters are served first come, first served among
 * those whose keys have room, and wait at most `maxWaitMs`.
 */
export function createOutboundLimiter(
  limits: OutboundLimits,
  hooks: { onSlot?: (outcome: SlotOutcome) => void } = {},
) {
  const tenants = new Map<string, number>();
  const origins = new Map<string, number>();
  const tenantQueues = new Map<string, Waiter[]>();
  const originQueues = new Map<string, Waiter[]>();
  let inFlight = 0;
  let waiting = 0;

  const tenantFull = (t: string) => (tenants.get(t) ?? 0) >= limits.perTenant;
  const originFull = (o: string) => (origins.get(o) ?? 0) >= limits.perOrigin;
  const bump = (m: Map<string, number>, k: string, by: number) => {
    const n = (m.get(k) ?? 0) + by;
    if (n > 0) m.set(k, n);
    else m.delete(k);
  };
  const enqueue = (m: Map<string, Waiter[]>, k: string, w: Waiter) => {
    const q = m.get(k);
    if (q) q.push(w);
    else m.set(k, [w]);
  };
  const dequeue = (m: Map<string, Waiter[]>, k: string, w: Waiter) => {
    const q = m.get(k);
    if (!q) return;
    const i = q.indexOf(w);
    if (i >= 0) q.splice(i, 1);
    if (q.length === 0) m.delete(k);
  };
  const unqueue = (w: Waiter) => {
    dequeue(tenantQueues, w.tenant, w);
    dequeue(originQueues, w.origin, w);
    waiting--;
  };

  function take(tenant: string, origin: string): Release {
    bump(tenants, tenant, 1);
    bump(origins, origin, 1);
    inFlight++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      bump(tenants, tenant, -1);
      bump(origins, origin, -1);
      inFlight--;
      // Only these two keys gained room: only their waiters can go now.
      serve(tenantQueues.get(tenant), () => tenantFull(tenant));
      serve(originQueues.get(origin), () => originFull(origin));
    };
  }

  /** Grants waiters of one key's queue, in order, while that key has room. */
  function serve(queue: Waiter[] | undefined, full: () => boolean) {
    if (!queue) return;
    for (let i = 0; i < queue.length && !full();) {
      const w = queue[i]!;
      if (tenantFull(w.tenant) || originFull(w.origin)) {
        i++; // held back by its other key; later waiters of this key may still go
        continue;
      }
      unqueue(w);
      w.grant(take(w.tenant, w.origin));
      // unqueue removed w from this queue: the same index is the next waiter
    }
  }

  /**
   * Takes a slot of `tenantId` and of `origin`, waiting up to `maxWaitMs` for them. Throws
   * OutboundBusyError when the wait ends without them, and the signal's reason when it aborts.
   */
  function acquire(tenantId: string, origin: string, signal?: AbortSignal): Promise<Release> {
    if (signal?.aborted) return Promise.reject(signal.reason as unknown);
    // Every waiter is held back by a key that is full (a key that gains room serves its queue at
    // once), so a caller whose two keys have room takes nothing a waiter could use.
    if (!tenantFull(tenantId) && !originFull(origin)) {
      hooks.onSlot?.('immediate');
      return Promise.resolve(take(tenantId, origin));
    }
    const busy = () =>
      new OutboundBusyError(
        tenantFull(tenantId)
          ? `this tenant already has ${limits.perTenant} outbound calls under way (OUTBOUND_CONCURRENCY_PER_TENANT); retry shortly`
          : `the vault already has ${limits.perOrigin} calls under way to ${hostOf(origin)} (OUTBOUND_CONCURRENCY_PER_ORIGIN); retry shortly`,
      );
    if (limits.maxWaitMs <= 0) {
      hooks.onSlot?.('timeout');
      return Promise.reject(busy());
    }
    return new Promise<Release>((resolve, reject) => {
      const finish = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      const w: Waiter = {
        tenant: tenantId,
        origin,
        grant(release) {
          finish();
          hooks.onSlot?.('waited');
          resolve(release);
        },
      };
      const timer = setTimeout(() => {
        finish();
        unqueue(w);
        hooks.onSlot?.('timeout');
        reject(busy());
      }, limits.maxWaitMs);
      const onAbort = () => {
        finish();
        unqueue(w);
        hooks.onSlot?.('aborted');
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      enqueue(tenantQueues, tenantId, w);
      enqueue(originQueues, origin, w);
      waiting++;
    });
  }

  /** Runs `fn` holding a slot of `tenantId` and `origin`; the slot is given back however fn ends. */
  async function run<T>(
    tenantId: string,
    origin: string,
    fn: () => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T> {
    const release = await acquire(tenantId, origin, signal);
    try {
      return await fn();
    } finally {
      release();
    }
  }

  return {
    acquire,
    run,
    /** True while a call for this tenant would get its tenant slot without waiting. */
    hasRoom: (tenantId: string) => !tenantFull(tenantId),
    stats: (): OutboundStats => ({
      inFlight,
      waiting,
      tenantsAtLimit: [...tenants.values()].filter((n) => n >= limits.perTenant).length,
      originsAtLimit: [...origins.values()].filter((n) => n >= limits.perOrigin).length,
    }),
  };
}

export type OutboundLimiter = ReturnType<typeof createOutboundLimiter>;

function hostOf(origin: string): string {
  try {
    return new URL(origin).host;
  } catch {
    return origin;
  }
}
