// Time as the supervisor sees it: restart backoff, the stable-run reset and the restart intensity all read this
// clock, so tests can step through them with a manual one instead of racing the wall clock. Real time by default.

/** An opaque timer returned by {@link Clock.setTimeout} (`undefined` stands for no timer). */
export type ClockTimer = unknown;

/** The supervisor's source of time and timers. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `fn` once after `ms`. */
  setTimeout(fn: () => void, ms: number): ClockTimer;
  /** Cancels a timer of this clock; `undefined` is ignored. */
  clearTimeout(timer: ClockTimer): void;
}

/** The wall clock and Node's timers. */
export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (timer) => clearTimeout(timer as NodeJS.Timeout | undefined),
};

/** `promise`, or a rejection with `onTimeout()` after `ms` of `clock` (its timer is cleared either way). */
export async function withTimeout<T>(
  clock: Clock,
  promise: Promise<T>,
  ms: number,
  onTimeout: () => Error,
): Promise<T> {
  let timer: ClockTimer;
  const timeout = new Promise<never>((_, reject) => {
    timer = clock.setTimeout(() => reject(onTimeout()), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clock.clearTimeout(timer));
}
