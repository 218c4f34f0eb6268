// When a dependency answers again, the work that backs off after its failures need not wait out the full queued
// delay. This decides when a recovery may bring that work forward: once per recovery (a failure seen since the last
// one), and after a relapse (brought-forward tries that failed the same way) only after a gap that doubles with each
// relapse, up to a cap, so a dependency that flaps, or one job it keeps failing, cannot turn into a retry storm. A
// canary (one job let through on a weaker sign, a probe's answer) failing is no relapse: it is how the runner learns
// that the dependency is still down, one call per gap.

/** The first gap between two bring-forwards, doubled by each relapse; also the gap between two canaries. */
export const RECOVERY_GAP_MS = 15_000;

/** Recovery bookkeeping of one runner's dependency and failure class; time comes from the caller. */
export class RecoveryGate {
  private gap = RECOVERY_GAP_MS;
  private lastAt = Number.NEGATIVE_INFINITY;
  private lastCanaryAt = Number.NEGATIVE_INFINITY;
  /** A failure of the dependency was seen since the last bring-forward (true at start: the queue may hold some). */
  private suspect = true;
  private relapsedSinceLast = false;

  /** @param maxGapMs the longest gap (the kind's first queued delay: longer would be slower than no recovery). */
  constructor(private readonly maxGapMs: number) {}

  /** A job failed because of the dependency (5xx, timeout): the next answer is a recovery. */
  failed(): void {
    this.suspect = true;
  }

  /** A brought-forward try failed the same way: the dependency relapsed; the next recovery waits longer. */
  relapsed(): void {
    this.suspect = true;
    if (this.lastCanaryAt > this.lastAt || this.relapsedSinceLast) return;
    this.relapsedSinceLast = true;
    this.gap = Math.min(Math.max(RECOVERY_GAP_MS, this.maxGapMs), this.gap * 2);
  }

  /**
   * The dependency answered at `nowMs`: whether to bring its waiting work forward now (and note that it did). A
   * `canary` (one job) keeps only the first gap, and the rest still wait for a recovery: its success is one.
   */
  answered(nowMs: number, canary = false): boolean {
    if (!this.suspect) return false;
    if (canary) {
      if (nowMs - this.lastCanaryAt < RECOVERY_GAP_MS) return false;
      this.lastCanaryAt = nowMs;
      return true;
    }
    if (nowMs - this.lastAt < this.gap) return false;
    // The last bring-forward's tries all went through: the dependency is healthy, the gap starts over.
    if (!this.relapsedSinceLast) this.gap = RECOVERY_GAP_MS;
    this.relapsedSinceLast = false;
    this.suspect = false;
    this.lastAt = nowMs;
    return true;
  }
}
