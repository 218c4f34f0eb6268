// Pure pieces of the restart policy: exponential backoff with jitter and a cap, and the restart intensity window.

/** Backoff between restarts of one child. */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** 0.2 spreads each delay uniformly over ±20%. */
  jitter: number;
}

/** The delay before restart number `consecutive` (0-based) of a child; `random` is injectable for tests. */
export function restartDelay(consecutive: number, opts: BackoffOptions, random: () => number = Math.random): number {
  const base = Math.min(opts.maxMs, opts.initialMs * 2 ** Math.min(consecutive, 30));
  const spread = base * opts.jitter * (random() * 2 - 1);
  return Math.max(0, Math.min(opts.maxMs, Math.round(base + spread)));
}

/** "N restarts within T": past it the supervisor gives up instead of spinning. */
export interface IntensityOptions {
  maxRestarts: number;
  withinMs: number;
}

/** A sliding window of restart times. */
export class IntensityWindow {
  private readonly times: number[] = [];
  constructor(private readonly opts: IntensityOptions) {}

  /** Records a restart at `now`; returns false when that exceeds the budget (time to give up). */
  record(now: number): boolean {
    this.times.push(now);
    while (this.times.length > 0 && now - this.times[0]! > this.opts.withinMs) this.times.shift();
    return this.times.length <= this.opts.maxRestarts;
  }

  /** Restarts counted in the window at `now`. */
  count(now: number): number {
    return this.times.filter((t) => now - t <= this.opts.withinMs).length;
  }
}
