/**
 * The only module that reads the wall clock (STYLE.md §6). Everything else takes a
 * `Clock` so tests and backtests can run on their own time.
 */

export interface Clock {
  /** Milliseconds since the Unix epoch, in this clock's time. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that moves only when told to: tests and backtests. */
export class TestClock implements Clock {
  #now: number;
  constructor(start = 0) {
    this.#now = start;
  }
  now(): number {
    return this.#now;
  }
  set(time: number): void {
    this.#now = time;
  }
  advance(milliseconds: number): void {
    this.#now += milliseconds;
  }
}

/** A point where virtual time and real time were tied together. */
export interface ClockAnchor {
  readonly virtualTime: number;
  readonly realTime: number;
}

/**
 * Virtual time running `speed` times faster than `base` from `anchor`, never passing
 * `endTime`. With speed 60 a 1-minute candle closes every real second.
 */
export function acceleratedClock(anchor: ClockAnchor, speed: number, base: Clock = systemClock, endTime = Number.POSITIVE_INFINITY): Clock {
  return {
    now: () => Math.min(endTime, anchor.virtualTime + (base.now() - anchor.realTime) * speed),
  };
}

/** Resolves after `milliseconds` of real time; the one sanctioned way to wait. */
export function sleep(milliseconds: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, milliseconds);
    signal?.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
  });
}
