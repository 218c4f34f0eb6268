// The demo's stand-in for the AYO partner API: a real HTTP server on 127.0.0.1 that checks every request's
// signature exactly as AYO does, lists a few bookings every few minutes on two fields (one of them cancelled
// once it has started), accepts the partner calls, and buys the first full video announced whole (a purchase request that
// video-requests lists until save-video delivers it). The service talks to it through its ordinary AYO client.

import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signParams } from '../ayo/index.js';
import type { AyoConfig } from '../config.js';
import { toVenueIso } from '../util/venue-time.js';

/** How the simulated venue is booked. */
export interface SimulatorOptions {
  timeZone: string;
  /** Length of each booking. */
  bookingMs: number;
  /** Time between booking starts (alternating between field 1 and field 2). */
  intervalMs: number;
  /** When the first booking starts, after the simulator starts. */
  firstAfterMs: number;
  now?: () => number;
}

/** A booking the simulator lists. */
interface SimBooking {
  k: number;
  startMs: number;
  endMs: number;
  field: number;
  listedFrom: number;
}

/** Starts the simulator; answers its AYO configuration (base URL and fresh credentials) and a stop function. */
export async function startAyoSimulator(opts: SimulatorOptions) {
  const now = opts.now ?? Date.now;
  const t0 = now();
  const creds = {
    token: randomBytes(24).toString('hex'),
    venueCode: 'DEMOVENUE1',
    secret: randomBytes(48).toString('hex'),
  };
  const received: { endpoint: string; uniqueId?: string; at: string }[] = [];
  // The demo's purchase (issue 11): one request for the first full video announced.
  const purchases: { id: string; uniqueId: string; bookingId: string; delivered?: boolean }[] = [];

  // Booking ids carry the simulator's start (venue time), so that a second demo on the same DATA_DIR makes new
  // bookings rather than moving the first run's (whose videos were delivered already).
  const run = toVenueIso(new Date(t0), opts.timeZone).slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
  const booking = (k: number): SimBooking => {
    const startMs = t0 + opts.firstAfterMs + k * opts.intervalMs;
    return {
      k,
      startMs,
      endMs: startMs + opts.bookingMs,
      field: (k % 2) + 1,
      listedFrom: Math.min(t0, startMs - 2 * opts.intervalMs),
    };
  };
  const toAyo = (b: SimBooking) => {
    const s = toVenueIso(new Date(b.startMs), opts.timeZone);
    const e = toVenueIso(new Date(b.endMs), opts.timeZone);
    // The second booking is cancelled once it is half over, as players sometimes do.
    const cancelled = b.k === 1 && now() >= b.startMs + opts.bookingMs / 2;
    return {
      order_detail_id: 900_000 + b.k,
      booking_id: `DEMO/${run}/${String(b.k).padStart(4, '0')}`,
      field_id: b.field,
      field_name: `Lapangan ${b.field}`,
      date: s.slice(0, 10),
      start_time: s.slice(11, 19),
      end_time: e.slice(11, 19),
      booking_source: 'demo',
      status: cancelled ? 'CANCELLED' : 'SUCCESS',
      user_name: `Pemain ${b.k + 1}`,
      user_phone: '0800000000',
    };
  };
  const bookingsOn = (date: string) => {
    const out: unknown[] = [];
    const last = Math.floor((now() + 2 * opts.intervalMs - t0 - opts.firstAfterMs) / opts.intervalMs);
    for (let k = 0; k <= Math.max(0, last) && k < 10_000; k++) {
      const b = booking(k);
      if (b.listedFrom > now()) continue;
      const ayo = toAyo(b);
      if (ayo.date === date) out.push(ayo);
    }
    return out;
  };

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://sim');
    if (!url.pathname.startsWith('/api/v1/'))
      return send(res, 404, { error: true, status_code: 404, message: 'Not Found' });
    const endpoint = url.pathname.slice('/api/v1/'.length);
    if (endpoint === '_demo/received') return send(res, 200, { error: false, data: received });
    let params: Record<string, unknown> = Object.fromEntries(url.searchParams);
    if (req.method === 'POST') {
      let body = '';
      for await (const c of req) body += c;
      try {
        params = JSON.parse(body) as Record<string, unknown>;
      } catch {
        return send(res, 400, { error: true, status_code: 400, message: 'invalid JSON' });
      }
    }
    if (params.token !== creds.token || params.venue_code !== creds.venueCode)
      return send(res, 403, { error: true, status_code: 403, message: 'Unauthenticated: Invalid token' });
    const { signature, ...rest } = params;
    if (signature !== signParams(rest as never, creds.secret))
      return send(res, 403, { error: true, status_code: 403, message: 'Invalid Signature' });
    received.push({
      endpoint,
      uniqueId: typeof params.unique_id === 'string' ? params.unique_id : undefined,
      at: new Date(now()).toISOString(),
    });
    if (received.length > 1000) received.shift();
    // A player buys the first full video announced that shows the whole booking (on a starved box the first booking
    // can end before the camera records, and a purchase of it is rightly incompleted): its request is listed PENDING
    // until save-video delivers it.
    if (endpoint === 'save-video-available' && purchases.length === 0 && params.type === 'full' && wholeBooking(params))
      purchases.push({
        id: `DEMO-VR-${run}-1`,
        uniqueId: String(params.unique_id),
        bookingId: String(params.booking_id),
      });
    if (endpoint === 'save-video') for (const p of purchases) if (p.id === params.video_request_id) p.delivered = true;
    if (endpoint === 'video-requests')
      return send(res, 200, {
        error: false,
        status_code: 200,
        data: purchases.map((p) => ({
          video_request_id: p.id,
          unique_id: p.uniqueId,
          booking_id: p.bookingId,
          user_id: 1,
          status: p.delivered ? 'COMPLETED' : 'PENDING',
        })),
      });
    if (endpoint === 'bookings')
      return send(res, 200, {
        error: false,
        status_code: 200,
        data: bookingsOn(typeof params.date === 'string' ? params.date : ''),
      });
    return send(res, 200, { error: false, status_code: 200, message: 'success', data: null });
  };
  const server = createServer((req, res) => {
    handle(req, res).catch(() => send(res, 500, { error: true, status_code: 500, message: 'simulator error' }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const ayo: AyoConfig = {
    baseUrl: `http://127.0.0.1:${port}/api/v1`,
    token: creds.token,
    venueCode: creds.venueCode,
    secret: creds.secret,
    timeoutMs: 10_000,
    retryBaseDelayMs: 1_000,
    breakAfter: 5,
    halfOpenAfterMs: 30_000,
    maxResponseBytes: 4 * 1024 * 1024,
    maxBookingsPerDate: 20_000,
  };
  return {
    ayo,
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Whether an announced video lasts (nearly) its whole booking window: `duration` against the two timestamps. */
function wholeBooking(params: Record<string, unknown>): boolean {
  const seconds = Number(params.duration);
  const windowMs = Date.parse(String(params.end_timestamp)) - Date.parse(String(params.start_timestamp));
  return Number.isFinite(seconds) && windowMs > 0 && seconds * 1000 >= 0.95 * windowMs;
}
