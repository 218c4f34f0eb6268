// The production BookingSource: the AYO client behind the AYO dependency's retry and circuit policies.

import { fetchBookings, type AyoClient } from '../ayo/index.js';
import type { Resilience } from '../util/resilience.js';
import type { BookingSource } from './booking-sync.js';

/** Bookings from AYO, each date's call retried and guarded by the circuit breaker. */
export function createAyoBookingSource(client: AyoClient, resilience: Resilience, timeZone: string): BookingSource {
  return {
    fetchBookings(date, signal) {
      return resilience.execute(`Booking sync for ${date}`, (s) => fetchBookings(client, date, timeZone, s), signal);
    },
  };
}
