// A booking as stored in `raw_json`: AYO's object rendered again within bounds, so that an over-long or deeply nested
// field cannot bloat the database and every API answer, nor throw (JSON.stringify recurses and overflows its stack).

/** Bounds of {@link boundedJson}: what a normal booking (about 300 characters, 2 levels) never comes near. */
export const RAW_JSON_LIMITS = {
  /** Characters kept of one string. */
  maxString: 1_000,
  /** Levels of nesting kept (the booking object is level 1). */
  maxDepth: 16,
  /** Items kept of one list, keys of one object. */
  maxEntries: 200,
  /** Characters of text (strings and keys) kept over the whole booking. */
  maxTotal: 16_384,
} as const;

/** Bounds of {@link boundedJson}. */
export type RawJsonLimits = { readonly [K in keyof typeof RAW_JSON_LIMITS]: number };

/**
 * `JSON.stringify(value)` for a value within the limits (the same text, key order kept); past a limit, the excess is
 * replaced by a marker `…[truncated: <what>]`. Never throws, whatever the nesting.
 */
export function boundedJson(value: unknown, limits: RawJsonLimits = RAW_JSON_LIMITS): string {
  let budget = limits.maxTotal;
  const over = '…[truncated: the booking is longer than its limit]';

  const text = (s: string): string => {
    const keep = Math.min(s.length, limits.maxString, Math.max(0, budget));
    budget -= keep;
    return keep === s.length ? s : `${s.slice(0, keep)}…[truncated: ${s.length} characters]`;
  };

  // Recursion is bounded by maxDepth, so it cannot overflow the stack.
  const bound = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') return text(v);
    if (v === null || typeof v !== 'object') return v;
    if (depth > limits.maxDepth) return `…[truncated: nested deeper than ${limits.maxDepth} levels]`;
    if (Array.isArray(v)) {
      const out: unknown[] = [];
      for (let i = 0; i < v.length; i++) {
        if (i >= limits.maxEntries || budget <= 0) {
          out.push(budget <= 0 ? over : `…[truncated: ${v.length - i} more items]`);
          break;
        }
        out.push(bound(v[i], depth + 1));
      }
      return out;
    }
    // No prototype: a key `__proto__` (JSON.parse makes it an own key) stays a key instead of setting one.
    const out = Object.create(null) as Record<string, unknown>;
    const keys = Object.keys(v);
    for (let i = 0; i < keys.length; i++) {
      if (i >= limits.maxEntries || budget <= 0) {
        out['…'] = budget <= 0 ? over : `…[truncated: ${keys.length - i} more keys]`;
        break;
      }
      const key = keys[i]!;
      out[text(key)] = bound((v as Record<string, unknown>)[key], depth + 1);
    }
    return out;
  };

  return JSON.stringify(bound(value, 1)) ?? 'null';
}
