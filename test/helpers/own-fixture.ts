import type { TestContext } from 'node:test';
import type { Emulator } from '../../src/emulator/index.ts';
import { manualClock } from '../../src/lib/clock.ts';
import { startFlowFixture } from './flow.ts';
import { openOwnDatabase } from './own-database.ts';

export type ManualClock = ReturnType<typeof manualClock>;

/**
 * A vault, an emulator and a manual clock that belong to one test (docs/house-rules.md#tests),
 * closed when the test ends, pass or fail. Nothing another test does can move this clock, this
 * emulator's faults or counters, or this vault's metrics.
 */
export async function ownFlowFixture(
  t: TestContext,
  opts: { env?: Record<string, string>; start?: Date } = {},
) {
  const clock = manualClock(opts.start);
  const fx = await startFlowFixture({ clock, env: opts.env, database: await openOwnDatabase() });
  t.after(() => fx.close());
  return { ...fx, clock };
}

/**
 * How often the emulator refreshed each refresh-token family it saw, in no particular order: for a
 * test with one connected account, `[n]` says that account's family was refreshed n times and no
 * other family was refreshed at all.
 */
export const refreshesPerFamily = (emu: Emulator): number[] =>
  Object.values(emu.counters().refreshesByFamily);
