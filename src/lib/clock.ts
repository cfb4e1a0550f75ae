/**
 * Time is injected (docs/house-rules.md#time-is-injected): everything that asks "is it expired?"
 * takes a Clock, so tests move time instead of waiting for it.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests can freeze and move. */
export function manualClock(
  start = new Date(),
): Clock & { advance(seconds: number): void; set(d: Date): void } {
  let t = start.getTime();
  return {
    now: () => new Date(t),
    advance: (seconds) => {
      t += seconds * 1000;
    },
    set: (d) => {
      t = d.getTime();
    },
  };
}
