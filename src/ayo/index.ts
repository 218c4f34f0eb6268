// Public names of the AYO partner API client.
export { formEncode, renderValue, signParams, stringToSign, type AyoParams, type AyoParamValue } from './signature.js';
export { createAyoClient, isAyoError, normalizeBaseUrl, type AyoClient, type AyoClientOptions } from './client.js';
export {
  bookingItems,
  fetchBookingItems,
  fetchBookings,
  parseBooking,
  parseBookings,
  type ParsedBookings,
  type SkippedBooking,
} from './bookings.js';
export { fetchVideoConfiguration, fetchWatermarkList } from './venue-settings.js';
