import type { EmulatorClock } from './types.ts';

/** A clock that runs with real time plus an adjustable offset. */
export function createClock(): EmulatorClock {
  let offsetMs = 0;
  return {
    now: () => Date.now() + offsetMs,
    advance(seconds: number) {
      if (!Number.isFinite(seconds))
        throw new TypeError('advance: seconds must be a finite number');
      offsetMs += seconds * 1000;
    },
    set(ms: number) {
      if (!Number.isFinite(ms)) throw new TypeError('set: ms must be a finite number');
      offsetMs = ms - Date.now();
    },
    reset() {
      offsetMs = 0;
    },
  };
}
