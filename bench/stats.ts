// Small helpers the benchmarks share: the median of repeated runs, number formatting, target verdicts.

/** The median (the upper one of an even count). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** `1234.5` → `1,235` (or with `digits` decimals). */
export function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** How a target's line ends. */
export function verdict(ok: boolean): string {
  return ok ? 'met' : 'NOT met';
}
