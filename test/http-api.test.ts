import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { startService, type RunningService } from '../src/service.js';
import { addDays, localDateOf } from '../src/util/venue-time.js';
import { ayoBooking, startFakeAyo, TEST_AYO, type FakeAyo } from './fixtures/fake-ayo.js';
import { captureLogger, tempDir, waitFor } from './fixtures/helpers.js';

const TZ = 'Asia/Jakarta';
const today = localDateOf(new Date(), TZ);
const yesterday = addDays(today, -1);
const API_KEY = 'test-api-key-0123456789';

let ayo: FakeAyo;
let service: RunningService;
let tmp: ReturnType<typeof tempDir>;
const log = captureLogger();

async function get(path: string, key: string | null = API_KEY) {
  const res = await fetch(service.url + path, { headers: key ? { Authorization: `Bearer ${key}` } : {} });
  const text = await res.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, body, text, headers: res.headers };
}

beforeAll(async () => {
  ayo = await startFakeAyo(TEST_AYO);
  ayo.setBookings(yesterday, [
    ayoBooking({ booking_id: 'BK/0042/230228/0000118', date: yesterday, field_id: 7, status: 'SUCCESS' }),
  ]);
  ayo.setBookings(today, [
    ayoBooking({
      booking_id: 'BK-123456',
      date: today,
      start_time: '10:00:00',
      end_time: '12:00:00',
      status: 'SUCCESS',
    }),
    ayoBooking({
      booking_id: 'BK-2',
      date: today,
      start_time: '08:00:00',
      end_time: '09:00:00',
      status: 'CANCELLED',
      field_id: 51,
    }),
    ayoBooking({
      booking_id: 'BK-3',
      date: today,
      start_time: '14:00:00',
      end_time: '15:00:00',
      status: 'PENDING',
      user_name: undefined,
    }),
  ]);
  tmp = tempDir();
  const config = loadConfig({
    PORT: '0',
    DATA_DIR: tmp.dir,
    API_KEY,
    AYO_API_BASE_URL: ayo.baseUrl + '/',
    AYO_API_TOKEN: TEST_AYO.token,
    AYO_VENUE_CODE: TEST_AYO.venueCode,
    AYO_VENUE_SECRET: TEST_AYO.secret,
    BOOKING_SYNC_INTERVAL: '1h',
  });
  service = await startService(config, log.logger);
  await waitFor(async () => (await get('/api/sync')).body?.data?.finishedAt, 'the first sync');
});
afterAll(async () => {
  await service?.stop();
  await ayo?.close();
  tmp?.cleanup();
});

describe('REST API', () => {
  it("lists bookings in the seed's shape", async () => {
    const { status, body } = await get('/api/bookings');
    expect(status).toBe(200);
    expect(body.status).toBe('success');
    expect(body.count).toBe(4);
    expect(body.data).toHaveLength(4);
    const b = body.data.find((x: any) => x.bookingId === 'BK-123456');
    expect(Object.keys(b)).toEqual([
      'id',
      'bookingId',
      'orderDetailId',
      'fieldId',
      'date',
      'startTime',
      'endTime',
      'status',
      'fieldName',
      'userName',
      'userPhone',
      'createdAt',
      'updatedAt',
      'rawJson',
      'lastSyncAt',
    ]);
    expect(b).toMatchObject({
      orderDetailId: 186926,
      fieldId: 50,
      date: today,
      startTime: '10:00:00',
      endTime: '12:00:00',
      status: 'success',
      fieldName: 'Lapangan A',
      userName: 'Budi Santoso',
      userPhone: '081234567890',
    });
    expect(typeof b.id).toBe('number');
    for (const k of ['createdAt', 'updatedAt', 'lastSyncAt'])
      expect(b[k]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/);
    expect(JSON.parse(b.rawJson)).toMatchObject({ booking_id: 'BK-123456', status: 'SUCCESS' });
    // Newest date first, by start time within a day.
    expect(body.data.map((x: any) => x.bookingId)).toEqual(['BK-2', 'BK-123456', 'BK-3', 'BK/0042/230228/0000118']);
  });

  it('filters by status, date and limit', async () => {
    expect((await get('/api/bookings?status=success')).body.count).toBe(2);
    expect((await get(`/api/bookings?date=${today}`)).body.count).toBe(3);
    expect((await get(`/api/bookings?date=${today}&status=cancelled`)).body.data.map((x: any) => x.bookingId)).toEqual([
      'BK-2',
    ]);
    expect((await get('/api/bookings?limit=1')).body.count).toBe(1);
    expect((await get('/api/bookings?limit=1000')).body.count).toBe(4);
    expect((await get('/api/bookings/status/cancelled')).body.data.map((x: any) => x.bookingId)).toEqual(['BK-2']);
    expect((await get('/api/bookings/status/pending')).body.data[0].userName).toBeNull();
    const byDate = await get(`/api/bookings/date/${yesterday}`);
    expect(byDate.body).toMatchObject({ status: 'success', count: 1 });
    expect(byDate.body.data[0].bookingId).toBe('BK/0042/230228/0000118');
    expect((await get('/api/bookings/date/2001-01-01')).body).toEqual({ status: 'success', count: 0, data: [] });
  });

  it('finds a booking whose id contains slashes, encoded or not', async () => {
    for (const path of ['/api/bookings/BK%2F0042%2F230228%2F0000118', '/api/bookings/BK/0042/230228/0000118']) {
      const { status, body } = await get(path);
      expect(status).toBe(200);
      expect(body.status).toBe('success');
      expect(body.data).toMatchObject({ bookingId: 'BK/0042/230228/0000118', fieldId: 7, date: yesterday });
    }
    expect((await get('/api/bookings/BK-123456')).body.data.bookingId).toBe('BK-123456');
  });

  it('answers 404 JSON for an unknown id or route', async () => {
    const r = await get('/api/bookings/BK%2F9999');
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ status: 'error', message: 'Booking "BK/9999" not found' });
    const route = await get('/api/nothing-here');
    expect(route.status).toBe(404);
    expect(route.body.status).toBe('error');
  });

  it.each([
    ['/api/bookings?status=done', /Invalid status "done": must be one of success, cancelled, pending, expired/],
    ['/api/bookings?status=SUCCESS', /Invalid status/],
    ['/api/bookings?date=2025-02-30', /Invalid date "2025-02-30"/],
    ['/api/bookings?date=yesterday', /Invalid date/],
    ['/api/bookings?limit=abc', /Invalid limit "abc": must be a whole number from 1 to 1000/],
    ['/api/bookings?limit=0', /Invalid limit "0"/],
    ['/api/bookings?limit=100000', /Invalid limit "100000"/],
    ['/api/bookings?limit=-5', /Invalid limit/],
    ['/api/bookings?limit=1.5', /Invalid limit/],
    ['/api/bookings?limit=1&limit=2', /limit must be given once/],
    ["/api/bookings?status=success'%20OR%20'1'='1", /Invalid status/],
    ['/api/bookings?date=2025-01-01;DROP%20TABLE%20bookings', /Invalid date/],
    ['/api/bookings?q=%27%3B--', /Unknown parameter "q"/],
    ['/api/bookings/status/done', /Invalid status "done"/],
    ["/api/bookings/status/success'--", /Invalid status/],
    ['/api/bookings/date/2025-13-01', /Invalid date "2025-13-01"/],
    ["/api/bookings/date/2025-01-01'%20OR%201=1", /Invalid date/],
    ['/api/bookings/%E0%A4%A', /malformed percent-encoding/],
    ['/api/bookings/status/%ZZ', /Invalid status: malformed percent-encoding/],
    ['/api/bookings/date/%E0%A4%A', /Invalid date: malformed percent-encoding/],
    ['/api/videos/%ZZ', /Invalid unique id: malformed percent-encoding/],
    ['/api/sync?x=1', /Unknown parameter "x": this endpoint takes no query parameters/],
    [`/api/bookings/${'A'.repeat(513)}`, /Invalid booking id "A+…": must be 1 to 512 characters long/],
    ['/api/bookings?__proto__=1', /Unknown parameter "__proto__": allowed are status, date, limit/],
    ['/api/bookings?constructor=1', /Unknown parameter "constructor"/],
    ['/api/bookings?prototype=1', /Unknown parameter "prototype"/],
    ['/api/sync?__proto__[x]=1', /Unknown parameter "__proto__\[x\]"/],
    ['/api/videos?__proto__=1&status=ready', /Unknown parameter "__proto__"/],
  ])('GET %s → 400 naming the problem', async (path, message) => {
    const r = await get(path);
    expect(r.status).toBe(400);
    expect(r.body.status).toBe('error');
    expect(r.body.message).toMatch(message);
    expect(r.text).not.toMatch(/at .*\.(ts|js):\d+/);
    expect(r.headers.get('content-type')).toMatch(/application\/json/);
  });

  it.each([
    ["BK'%20OR%20'1'='1", "BK' OR '1'='1"],
    ['1%3B%20DROP%20TABLE%20bookings', '1; DROP TABLE bookings'],
  ])(
    'GET /api/bookings/%s is an id like any other: 404, not found (the queries are parameterised)',
    async (path, id) => {
      const r = await get(`/api/bookings/${path}`);
      expect(r.status).toBe(404);
      expect(r.body).toEqual({ status: 'error', message: `Booking ${JSON.stringify(id)} not found` });
    },
  );

  it('the table survives the SQL thrown at it', async () => {
    expect((await get('/api/bookings')).body.count).toBe(4);
  });

  it('requires the API key on /api/... and compares it exactly', async () => {
    const none = await get('/api/bookings', null);
    expect(none.status).toBe(401);
    expect(none.body).toEqual({
      status: 'error',
      message: 'Missing or invalid API key: send Authorization: Bearer <API_KEY>',
    });
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect((await get('/api/bookings', API_KEY + 'x')).status).toBe(401);
    expect((await get('/api/bookings', API_KEY.slice(0, -1))).status).toBe(401);
    expect((await get('/api/sync', 'wrong')).status).toBe(401);
    expect((await get('/healthz', null)).status).toBe(200);
  });

  it('exposes the latest sync run at GET /api/sync', async () => {
    const { status, body } = await get('/api/sync');
    expect(status).toBe(200);
    expect(body.status).toBe('success');
    expect(body.data).toMatchObject({
      trigger: 'interval',
      fetched: 4,
      created: 4,
      skipped: 0,
      failedDates: [],
      error: null,
    });
    expect(body.data.dates).toEqual([yesterday, today, addDays(today, 1)]);
    expect(body.lastSuccessfulAt).toBe(body.data.finishedAt);
  });

  it('never logs a secret', () => {
    const all = log.lines.join('\n');
    expect(all).toContain('📅 BOOKING: Created new booking BK-123456 (status: success)');
    for (const secret of [TEST_AYO.token, TEST_AYO.secret, API_KEY]) expect(all).not.toContain(secret);
  });
});
