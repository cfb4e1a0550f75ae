import type { AuthConfigRow } from '../../db/schema/index.ts';
import type { Clock } from '../../lib/clock.ts';
import { ProviderError, type TokenSet } from '../../providers/types.ts';

/** How long a 429 without a Retry-After pauses the app's refreshes. */
const DEFAULT_PAUSE_SECONDS = 60;

/**
 * What an OAuth app (an auth config's client) may send to its provider's token endpoint
 * (docs/contracts.md#rate-limit-pause): at most `perApp` calls at once from this process, none
 * while its refreshes are paused. A pause is recorded in the database (auth_configs.
 * refresh_paused_until), so every worker and replica holds off; this process also keeps the
 * pauses it recorded, so that its own queued calls stop at once.
 */
export function createAppGate(deps: {
  clock: Clock;
  perApp: number;
  /** records the pause for every process; the pause in force */
  record: (tenantId: string, configId: string, until: Date) => Promise<Date | null>;
}) {
  const inFlight = new Map<string, number>();
  const waiting = new Map<string, (() => void)[]>();
  const local = new Map<string, number>();

  /** Until when the app's refreshes are paused (null: they are not). */
  function pausedUntil(config: Pick<AuthConfigRow, 'id' | 'refreshPausedUntil'>): Date | null {
    const at = Math.max(config.refreshPausedUntil?.getTime() ?? 0, local.get(config.id) ?? 0);
    if (at > deps.clock.now().getTime()) return new Date(at);
    local.delete(config.id);
    return null;
  }

  async function pause(config: Pick<AuthConfigRow, 'id' | 'tenantId'>, seconds: number) {
    const until = new Date(deps.clock.now().getTime() + seconds * 1000);
    local.set(config.id, Math.max(local.get(config.id) ?? 0, until.getTime()));
    const held = await deps.record(config.tenantId, config.id, until);
    if (held) local.set(config.id, Math.max(local.get(config.id)!, held.getTime()));
  }

  /** Waits for one of the app's slots; the release gives it to the next waiter. */
  async function slot(id: string): Promise<() => void> {
    if ((inFlight.get(id) ?? 0) >= deps.perApp) {
      await new Promise<void>((resolve) => {
        const q = waiting.get(id);
        if (q) q.push(resolve);
        else waiting.set(id, [resolve]);
      });
    } else {
      inFlight.set(id, (inFlight.get(id) ?? 0) + 1);
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = waiting.get(id)?.shift();
      if (waiting.get(id)?.length === 0) waiting.delete(id);
      // The slot passes to the next waiter as it is; otherwise it is given back.
      if (next) next();
      else if ((inFlight.get(id) ?? 0) <= 1) inFlight.delete(id);
      else inFlight.set(id, inFlight.get(id)! - 1);
    };
  }

  /**
   * One token-endpoint call of the app, under its rules: none while it is paused (`paused`: until
   * when), one of its slots held meanwhile; a 429 pauses the app (its Retry-After, or a minute),
   * and so does an answer whose rate-limit headers say the quota is nearly spent.
   */
  async function call(
    config: Pick<AuthConfigRow, 'id' | 'tenantId' | 'refreshPausedUntil'>,
    send: () => Promise<TokenSet>,
  ): Promise<{ tokens: TokenSet } | { paused: Date }> {
    const before = pausedUntil(config);
    if (before) return { paused: before };
    const release = await slot(config.id);
    let tokens: TokenSet;
    try {
      // A pause recorded while this call waited for its slot holds it back too.
      const waited = pausedUntil(config);
      if (waited) return { paused: waited };
      tokens = await send();
    } catch (err) {
      if (err instanceof ProviderError && err.status === 429)
        await pause(config, err.retryAfterSeconds ?? DEFAULT_PAUSE_SECONDS);
      throw err;
    } finally {
      release();
    }
    if (tokens.quotaSpentSeconds) await pause(config, tokens.quotaSpentSeconds);
    return { tokens };
  }

  return { pausedUntil, pause, slot, call };
}

export type AppGate = ReturnType<typeof createAppGate>;
