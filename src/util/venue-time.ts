// Venue-local calendar dates and times ↔ UTC instants, for an IANA time zone that is configuration, never the host's.

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_RE = /^(\d{2}):(\d{2})(?::(\d{2}))?$/;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when `timeZone` is an IANA zone this Node build knows. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** Parses `YYYY-MM-DD` and rejects dates that do not exist (`2025-02-30`). */
function parseLocalDate(text: string): { year: number; month: number; day: number } | undefined {
  const m = DATE_RE.exec(text);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return undefined;
  return { year, month, day };
}

/** True for a real calendar date written `YYYY-MM-DD`. */
export function isValidLocalDate(text: string): boolean {
  return parseLocalDate(text) !== undefined;
}

/** Parses `HH:MM:SS` (or `HH:MM`) into normalized `HH:MM:SS`, or undefined when it is not a time of day. */
export function normalizeLocalTime(text: string): string | undefined {
  const m = TIME_RE.exec(text);
  if (!m) return undefined;
  const [h, min, s] = [Number(m[1]), Number(m[2]), Number(m[3] ?? '0')];
  if (h > 23 || min > 59 || s > 59) return undefined;
  return `${m[1]}:${m[2]}:${m[3] ?? '00'}`;
}

/** Offset of `timeZone` from UTC at `instantMs`, in minutes (Asia/Jakarta → 420). */
function zoneOffsetMinutes(instantMs: number, timeZone: string): number {
  const parts = Object.fromEntries(
    formatterFor(timeZone)
      .formatToParts(new Date(instantMs))
      .map((p) => [p.type, p.value]),
  );
  const asUtc = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  return Math.round((asUtc - Math.floor(instantMs / 1000) * 1000) / 60_000);
}

/** The UTC instant of a venue-local wall-clock date and time. */
export function localToUtc(date: string, time: string, timeZone: string): Date {
  const d = parseLocalDate(date);
  const t = normalizeLocalTime(time);
  if (!d || !t) throw new RangeError(`not a local date/time: ${date} ${time}`);
  const [h, m, s] = t.split(':').map(Number) as [number, number, number];
  const wall = Date.UTC(d.year, d.month - 1, d.day, h, m, s);
  // Two passes settle the offset, also next to a DST change.
  let guess = wall - zoneOffsetMinutes(wall, timeZone) * 60_000;
  guess = wall - zoneOffsetMinutes(guess, timeZone) * 60_000;
  return new Date(guess);
}

/** The venue-local calendar date (`YYYY-MM-DD`) of an instant. */
export function localDateOf(instant: Date, timeZone: string): string {
  const shifted = new Date(instant.getTime() + zoneOffsetMinutes(instant.getTime(), timeZone) * 60_000);
  return shifted.toISOString().slice(0, 10);
}

/** Adds whole days to a `YYYY-MM-DD` date. */
export function addDays(date: string, days: number): string {
  const d = parseLocalDate(date);
  if (!d) throw new RangeError(`not a date: ${date}`);
  return new Date(Date.UTC(d.year, d.month - 1, d.day + days)).toISOString().slice(0, 10);
}

/** The UTC start and end of a booking; an end at or before the start means the booking runs past midnight. */
export function bookingWindow(
  date: string,
  start: string,
  end: string,
  timeZone: string,
): { startAt: Date; endAt: Date } {
  const startAt = localToUtc(date, start, timeZone);
  const endSameDay = normalizeLocalTime(end);
  const startNorm = normalizeLocalTime(start);
  const endDate =
    endSameDay !== undefined && startNorm !== undefined && endSameDay <= startNorm ? addDays(date, 1) : date;
  return { startAt, endAt: localToUtc(endDate, end, timeZone) };
}

/** ISO-8601 with the venue's offset, as AYO expects: `2025-04-01T15:20:15+07:00`. */
export function toVenueIso(instant: Date, timeZone: string): string {
  const offset = zoneOffsetMinutes(instant.getTime(), timeZone);
  const local = new Date(instant.getTime() + offset * 60_000).toISOString().slice(0, 19);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
