// The production BookingSource: the AYO client behind the AYO dependency's retry and circuit policies.

import { fetchBookingItems, type AyoClient } from '../ayo/index.js';
import type { Resilience } from '../util/resilience.js';
import type { BookingSource } from './booking-sync.js';

/** Bookings from AYO, each date's call retried and guarded by the circuit breaker; at most `maxPerDate` a date. */
export function createAyoBookingSource(client: AyoClient, resilience: Resilience, maxPerDate?: number): BookingSource {
  return {
    fetchDate(date, signal) {
      return resilience.execute(
        `Booking sync for ${date}`,
        (s) => fetchBookingItems(client, date, maxPerDate, s),
        signal,
      );
    },
  };
}
