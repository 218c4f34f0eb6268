// Log lines that a flood of input could repeat many times a second (noise on the line, a button held down, an
// unknown number sent in a loop) go through a throttle: one line per key per interval, with the count held back.

/**
 * Returns `say(key, write)`: calls `write(heldBack)` at most once per `everyMs` for each key, where `heldBack` is how
 * many calls for that key were skipped since its last line. Keys must come from a small set (a button number).
 * Example: `say('noise', (n) => logger.warn(\`noise${n ? \` (+${n} more)\` : ''}\`))`.
 */
export function createLogThrottle(everyMs: number, now: () => number = Date.now) {
  const last = new Map<string, { at: number; held: number }>();
  return (key: string, write: (heldBack: number) => void): void => {
    const t = now();
    const seen = last.get(key);
    if (seen && t - seen.at < everyMs) {
      seen.held++;
      return;
    }
    last.set(key, { at: t, held: 0 });
    write(seen?.held ?? 0);
  };
}
