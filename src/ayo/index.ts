// Public names of the AYO partner API client.
export { formEncode, renderValue, signParams, stringToSign, type AyoParams, type AyoParamValue } from './signature.js';
export {
  createAyoClient,
  DEFAULT_MAX_RESPONSE_BYTES,
  isAyoError,
  normalizeBaseUrl,
  type AyoClient,
  type AyoClientOptions,
} from './client.js';
export {
  bookingItems,
  COLUMN_LIMITS,
  DEFAULT_MAX_BOOKINGS_PER_DATE,
  fetchBookingItems,
  fetchBookings,
  parseBooking,
  parseBookings,
  type ParsedBookings,
  type SkippedBooking,
} from './bookings.js';
export { boundedJson, RAW_JSON_LIMITS } from './raw-json.js';
