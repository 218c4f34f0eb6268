import { describe, expect, it } from 'vitest';
import {
  addDays,
  bookingWindow,
  isValidLocalDate,
  localDateOf,
  localToUtc,
  normalizeLocalTime,
  toVenueIso,
} from '../src/util/venue-time.js';

describe('venue time', () => {
  it('converts venue-local times with the configured zone, not the host one', () => {
    expect(localToUtc('2025-04-10', '10:00:00', 'Asia/Jakarta').toISOString()).toBe('2025-04-10T03:00:00.000Z');
    expect(localToUtc('2025-04-10', '10:00:00', 'Asia/Makassar').toISOString()).toBe('2025-04-10T02:00:00.000Z');
    expect(localToUtc('2025-07-01', '10:00:00', 'America/New_York').toISOString()).toBe('2025-07-01T14:00:00.000Z');
    expect(localToUtc('2025-01-01', '10:00:00', 'America/New_York').toISOString()).toBe('2025-01-01T15:00:00.000Z');
  });

  it('runs a booking past midnight when its end is at or before its start', () => {
    const w = bookingWindow('2025-12-31', '23:00:00', '01:00:00', 'Asia/Jakarta');
    expect(w.startAt.toISOString()).toBe('2025-12-31T16:00:00.000Z');
    expect(w.endAt.toISOString()).toBe('2025-12-31T18:00:00.000Z');
    expect(bookingWindow('2025-04-10', '22:00', '00:00', 'Asia/Jakarta').endAt.toISOString()).toBe(
      '2025-04-10T17:00:00.000Z',
    );
  });

  it('finds the venue date of an instant and writes ISO with the venue offset', () => {
    expect(localDateOf(new Date('2025-04-10T18:30:00Z'), 'Asia/Jakarta')).toBe('2025-04-11');
    expect(toVenueIso(new Date('2025-04-01T08:20:15Z'), 'Asia/Jakarta')).toBe('2025-04-01T15:20:15+07:00');
    expect(toVenueIso(new Date('2025-01-01T15:00:00Z'), 'America/New_York')).toBe('2025-01-01T10:00:00-05:00');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2025-01-01', -1)).toBe('2024-12-31');
  });

  it('rejects dates and times that do not exist', () => {
    expect(isValidLocalDate('2025-02-30')).toBe(false);
    expect(isValidLocalDate('2024-02-29')).toBe(true);
    expect(isValidLocalDate('2025-4-1')).toBe(false);
    expect(normalizeLocalTime('24:00:00')).toBeUndefined();
    expect(normalizeLocalTime('10:60')).toBeUndefined();
    expect(normalizeLocalTime('10:30')).toBe('10:30:00');
  });
});
