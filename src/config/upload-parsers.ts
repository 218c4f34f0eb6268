// Parsers of the upload variables (issue 11): the upload rate cap in Mbit/s.

import { rule, type Parser } from './parser.js';

/** The largest cap UPLOAD_MAX_MBPS takes (10 Gbit/s): a typo of a larger number is refused, not obeyed. */
const MAX_MBPS = 10_000;

/** A rate in Mbit/s such as `20` or `2.5`, from 0 (no cap) to 10,000. */
export const megabits = (): Parser<number> =>
  rule(
    `must be a number of Mbit/s from 0 (no cap) to ${MAX_MBPS}, like 20 or 2.5`,
    (s) => (/^\d+(\.\d+)?$/.test(s) && Number(s) <= MAX_MBPS ? Number(s) : undefined),
    (v) => typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= MAX_MBPS,
  );
