import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAyoClient, fetchBookings, isAyoError, normalizeBaseUrl, type AyoClient } from '../src/ayo/index.js';
import { isRetryable } from '../src/errors.js';
import { createResilience } from '../src/util/resilience.js';
import { ayoBooking, startFakeAyo, TEST_AYO, type FakeAyo } from './fixtures/fake-ayo.js';
import { captureLogger, freePort, waitFor } from './fixtures/helpers.js';

let ayo: FakeAyo;
let client: AyoClient;
beforeAll(async () => {
  ayo = await startFakeAyo(TEST_AYO);
  // Long enough for any answer on a busy machine; the tests of a timeout use a client of their own.
  client = createAyoClient({ ...TEST_AYO, baseUrl: ayo.baseUrl, timeoutMs: 30_000 });
});
afterAll(() => ayo.close());
beforeEach(() => {
  ayo.clearFaults();
  ayo.clearBookings();
  ayo.calls.length = 0;
});

async function failure(
  p: Promise<unknown>,
): Promise<{ message: string; retryable: boolean; status?: number; code?: string }> {
  try {
    await p;
  } catch (e) {
    expect(isAyoError(e)).toBe(true);
    const { status, code } = e as { status?: number; code?: string };
    return { message: (e as Error).message, retryable: isRetryable(e), status, code };
  }
  throw new Error('expected a failure');
}

/** A plain HTTP server on 127.0.0.1:0 answering with `handler`; stopped by the test. */
async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('AYO client', () => {
  it('accepts a base URL with or without a trailing slash and /api/v1', () => {
    for (const b of [
      'https://h.example',
      'https://h.example/',
      'https://h.example/api/v1',
      'https://h.example/api/v1/',
    ]) {
      expect(normalizeBaseUrl(b)).toBe('https://h.example/api/v1');
    }
  });

  it('sends a signed GET that the fake accepts and parses the bookings', async () => {
    ayo.setBookings('2025-04-10', [
      ayoBooking(),
      ayoBooking({ booking_id: 'BK/2', start_time: '23:00:00', end_time: '01:00:00' }),
    ]);
    const parsed = await fetchBookings(client, '2025-04-10', 'Asia/Jakarta');
    expect(parsed.skipped).toEqual([]);
    expect(parsed.bookings.map((b) => b.bookingId)).toEqual(['BK/0042/250410/0000001', 'BK/2']);
    expect(parsed.bookings[0]).toMatchObject({
      status: 'success',
      fieldId: 50,
      startAt: '2025-04-10T03:00:00.000Z',
      endAt: '2025-04-10T05:00:00.000Z',
    });
    // Past midnight: ends the next day.
    expect(parsed.bookings[1]).toMatchObject({
      startAt: '2025-04-10T16:00:00.000Z',
      endAt: '2025-04-10T18:00:00.000Z',
    });
    const call = ayo.calls[0]!;
    expect(call).toMatchObject({ method: 'GET', endpoint: 'bookings', signatureValid: true });
    expect(call.params).toMatchObject({ date: '2025-04-10', venue_code: TEST_AYO.venueCode });
  });

  it('signs POST bodies with arrays the same way the fake checks them', async () => {
    await client.call('POST', 'video-unavailable', { unique_ids: ['a_b', 'c d/é'] });
    expect(ayo.calls[0]).toMatchObject({ method: 'POST', endpoint: 'video-unavailable', signatureValid: true });
  });

  it('a wrong secret is a permanent 403 Invalid Signature', async () => {
    const bad = createAyoClient({ ...TEST_AYO, secret: 'wrong', baseUrl: ayo.baseUrl, timeoutMs: 30_000 });
    const f = await failure(bad.call('GET', 'bookings', { date: '2025-04-10' }));
    expect(f).toMatchObject({ status: 403, retryable: false });
    expect(f.message).toContain('Invalid Signature');
  });

  it('a wrong token is a permanent 403 and never appears in the error', async () => {
    const bad = createAyoClient({ ...TEST_AYO, token: 'not-the-token-123', baseUrl: ayo.baseUrl, timeoutMs: 30_000 });
    const f = await failure(bad.call('GET', 'bookings', { date: '2025-04-10' }));
    expect(f).toMatchObject({ status: 403, retryable: false });
    expect(f.message).not.toContain('not-the-token-123');
  });

  it.each([
    ['500', 500, true, /HTTP 500/],
    ['400', 400, false, /HTTP 400/],
    ['malformed', 200, true, /not JSON/],
    ['html', 502, true, /HTTP 502/],
    ['error-envelope', 500, true, /reported an error \(500\): Database busy/],
  ] as const)('fault %s → status %s, retryable %s', async (kind, status, retryable, message) => {
    ayo.fault({ kind, times: 1 });
    const f = await failure(client.call('GET', 'bookings', { date: '2025-04-10' }));
    expect(f).toMatchObject({ status, retryable });
    expect(f.message).toMatch(message);
  });

  it.each([
    ['not-a-list', /not a list/],
    ['no-data', /without a data field/],
    ['string-flag', /error flag is "true", not true or false/],
  ] as const)(
    'a bookings body of the wrong shape (%s) is an error, not a crash and not "no bookings"',
    async (kind, message) => {
      ayo.fault({ kind, times: 1 });
      const f = await failure(fetchBookings(client, '2025-04-10', 'Asia/Jakarta'));
      expect(f.message).toMatch(message);
    },
  );

  it('a slow answer within the timeout is taken; one slower than the timeout is a retryable timeout', async () => {
    // Margins wide enough for a starved machine: 100 ms against 5 s, and 15 s against 5 s.
    const timed = createAyoClient({ ...TEST_AYO, baseUrl: ayo.baseUrl, timeoutMs: 5_000 });
    ayo.setBookings('2025-04-10', [ayoBooking({ booking_id: 'BK/SLOW' })]);
    ayo.fault({ kind: 'slow', delayMs: 100, times: 1 });
    const ok = await fetchBookings(timed, '2025-04-10', 'Asia/Jakarta');
    expect(ok.bookings.map((b) => b.bookingId)).toEqual(['BK/SLOW']);
    ayo.fault({ kind: 'slow', delayMs: 15_000, times: 1 });
    const late = await failure(timed.call('GET', 'bookings', { date: '2025-04-10' }));
    expect(late).toMatchObject({ retryable: true });
    expect(late.message).toMatch(/timed out after 5000 ms/);
  });

  it('a hang times out and a reset fails, both retryable, without the token in the message', async () => {
    const timed = createAyoClient({ ...TEST_AYO, baseUrl: ayo.baseUrl, timeoutMs: 500 });
    ayo.fault({ kind: 'hang', times: 1 });
    const hang = await failure(timed.call('GET', 'bookings', { date: '2025-04-10' }));
    expect(hang).toMatchObject({ retryable: true });
    expect(hang.message).toMatch(/timed out after 500 ms/);
    ayo.fault({ kind: 'reset', times: 1 });
    const reset = await failure(client.call('GET', 'bookings', { date: '2025-04-10' }));
    expect(reset.retryable).toBe(true);
    expect(reset.message).not.toContain(TEST_AYO.token);
  });
});

describe('AYO client: large answers', () => {
  it('an answer over 1 MiB is parsed on a worker thread, with the same results and the same errors', async () => {
    const many = Array.from({ length: 6_000 }, (_, i) => ayoBooking({ booking_id: `BK/${i}` })); // ~1.6 MB
    ayo.setBookings('2025-04-10', many);
    const parsed = await fetchBookings(client, '2025-04-10', 'Asia/Jakarta');
    expect(parsed.skipped).toEqual([]);
    expect(parsed.bookings.map((b) => b.bookingId)).toEqual(many.map((b) => b.booking_id));
    expect(JSON.parse(parsed.bookings[5_999]!.rawJson)).toEqual(many[5_999]);
    const pad = 'x'.repeat(2_000_000);
    const cases: [string, RegExp][] = [
      [`{"error":false,"data":["${pad}`, /answered a body that is not JSON/],
      [JSON.stringify({ error: false, data: { pad } }), /answered data that is not a list/],
      [JSON.stringify({ error: false, pad }), /answered without a data field/],
      [JSON.stringify([pad]), /answered JSON that is not an object/],
      [
        JSON.stringify({ error: true, status_code: 500, message: 'Database busy', data: pad }),
        /reported an error \(500\): Database busy/,
      ],
    ];
    for (const [body, message] of cases) {
      ayo.setBookingsBody('2025-04-10', body);
      expect((await failure(fetchBookings(client, '2025-04-10', 'Asia/Jakarta'))).message).toMatch(message);
    }
    ayo.setBookingsBody('2025-04-10', JSON.stringify({ error: false, data: null, pad }));
    expect(await fetchBookings(client, '2025-04-10', 'Asia/Jakarta')).toEqual({ bookings: [], skipped: [] });
  });
});

describe('AYO client: what it does not do', () => {
  it.each([302, 307, 308])(
    'a redirect (%s) is a permanent error and is never followed: the signed request reaches no other origin',
    async (status) => {
      const other: string[] = [];
      const elsewhere = await serve((req, res) => {
        other.push(`${req.method} ${req.url}`);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"error":false,"data":[]}');
      });
      const redirecting = await serve((req, res) => {
        res.writeHead(status, { location: `${elsewhere.url}${req.url}` }).end();
      });
      try {
        const c = createAyoClient({ ...TEST_AYO, baseUrl: redirecting.url, timeoutMs: 5_000 });
        const get = await failure(c.call('GET', 'bookings', { date: '2025-04-10' }));
        expect(get).toMatchObject({ status, retryable: false, code: 'bad-answer' });
        expect(get.message).toBe(`AYO bookings answered a redirect (HTTP ${status}), which is not followed`);
        const post = await failure(c.call('POST', 'save-video-available', { unique_id: 'X_CAM_1' }));
        expect(post).toMatchObject({ status, retryable: false, code: 'bad-answer' });
        expect(other).toEqual([]);
      } finally {
        await redirecting.close();
        await elsewhere.close();
      }
    },
  );

  it('a base URL with user:pass@ is refused without calling, and no error names the URL, token or signature', async () => {
    const c = createAyoClient({
      ...TEST_AYO,
      baseUrl: `http://admin:hunter2secret@${new URL(ayo.baseUrl).host}`,
      timeoutMs: 2_000,
    });
    const f = await failure(c.call('GET', 'bookings', { date: '2025-04-10' }));
    expect(f).toMatchObject({ retryable: false, code: 'permanent' });
    expect(f.message).toMatch(/carries credentials/);
    expect(ayo.calls).toHaveLength(0);
    // A host that refuses the connection: the reason is the errno, not the signed URL.
    const nowhere = createAyoClient({ ...TEST_AYO, baseUrl: `http://127.0.0.1:${await freePort()}`, timeoutMs: 2_000 });
    const refused = await failure(nowhere.call('GET', 'bookings', { date: '2025-04-10' }));
    expect(refused.message).toBe('AYO bookings failed: ECONNREFUSED');
    for (const m of [f.message, refused.message]) {
      for (const leak of ['hunter2secret', 'admin:', TEST_AYO.token, 'signature', '?', 'venue_code']) {
        expect(m).not.toContain(leak);
      }
    }
  });

  it('an answer past AYO_MAX_RESPONSE_BYTES is refused: declared, it is not read; streamed, the read stops there', async () => {
    const cap = 65_536;
    const c = createAyoClient({ ...TEST_AYO, baseUrl: ayo.baseUrl, timeoutMs: 10_000, maxResponseBytes: cap });
    // Declared (Content-Length): 1,000 bookings are about 270 kB.
    ayo.setBookingsBody(
      '2025-04-10',
      JSON.stringify({
        error: false,
        data: Array.from({ length: 1_000 }, (_, i) => ayoBooking({ booking_id: `B${i}` })),
      }),
    );
    const declared = await failure(fetchBookings(c, '2025-04-10', 'Asia/Jakarta'));
    expect(declared).toMatchObject({ retryable: false, code: 'bad-answer' });
    expect(declared.message).toMatch(
      /^AYO bookings answered \d+ bytes, more than AYO_MAX_RESPONSE_BYTES \(65536 bytes\); the answer was refused$/,
    );
    // Streamed without a length, and without end: the client stops reading past the cap and drops the connection.
    let written = 0;
    let closed = false;
    const endless = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"error":false,"data":[');
      const chunk = `${JSON.stringify(ayoBooking())},`.repeat(64);
      const more = () => {
        while (!closed && written < 512 * 1024 * 1024) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', more);
        }
      };
      res.on('close', () => (closed = true));
      more();
    });
    try {
      const s = createAyoClient({ ...TEST_AYO, baseUrl: endless.url, timeoutMs: 60_000, maxResponseBytes: cap });
      const streamed = await failure(s.call('GET', 'bookings', { date: '2025-04-10' }));
      expect(streamed).toMatchObject({ retryable: false, code: 'bad-answer' });
      expect(streamed.message).toBe(
        'AYO bookings answered a body more than AYO_MAX_RESPONSE_BYTES (65536 bytes); the answer was refused',
      );
      await waitFor(() => closed, 'the server to see the connection dropped');
      // Socket buffers hold a few MB at most: nowhere near the 512 MB the server would have sent.
      expect(written).toBeLessThan(64 * 1024 * 1024);
    } finally {
      await endless.close();
    }
  });
});

describe('AYO policies', () => {
  it('retries 5xx and resets, logging the seed lines, and succeeds', async () => {
    const { logger, lines } = captureLogger();
    const r = createResilience({ name: 'AYO', maxAttempts: 3, baseDelayMs: 5 }, logger);
    ayo.setBookings('2025-04-10', [ayoBooking()]);
    ayo.fault({ kind: '500', times: 1 });
    ayo.fault({ kind: 'reset', times: 1 });
    const parsed = await r.execute('Booking sync for 2025-04-10', (s) =>
      fetchBookings(client, '2025-04-10', 'Asia/Jakarta', s),
    );
    expect(parsed.bookings).toHaveLength(1);
    expect(ayo.bookingCalls()).toHaveLength(3);
    expect(lines.filter((l) => l.includes('🔄 RETRY: Will retry error:'))).toHaveLength(2);
    expect(
      lines.some((l) => l.includes('🔄 RETRY: Booking sync for 2025-04-10 ✅ Berhasil setelah 2 kali retry')),
    ).toBe(true);
  });

  it('does not retry a 4xx', async () => {
    const r = createResilience({ name: 'AYO', maxAttempts: 3, baseDelayMs: 5 }, captureLogger().logger);
    ayo.fault({ kind: '400', times: 5 });
    await expect(r.execute('x', (s) => client.call('GET', 'bookings', { date: '2025-04-10' }, s))).rejects.toThrow(
      /HTTP 400/,
    );
    expect(ayo.bookingCalls()).toHaveLength(1);
  });

  it('gives up after the attempts with the seed line, and the circuit opens and stops calls', async () => {
    const { logger, lines } = captureLogger();
    const states: string[] = [];
    const r = createResilience(
      { name: 'AYO', maxAttempts: 2, baseDelayMs: 1, breaker: { threshold: 4, halfOpenAfterMs: 60_000 } },
      logger,
    );
    r.onCircuitChange((s) => states.push(s));
    ayo.fault({ kind: '503' });
    await expect(r.execute('Call A', (s) => client.call('GET', 'bookings', { date: '2025-04-10' }, s))).rejects.toThrow(
      /503/,
    );
    expect(lines.some((l) => l.includes('🔄 RETRY: Call A ❌ Gagal setelah 2 percobaan'))).toBe(true);
    await expect(r.execute('Call B', (s) => client.call('GET', 'bookings', { date: '2025-04-10' }, s))).rejects.toThrow(
      /503/,
    );
    expect(r.circuit()).toBe('open');
    expect(states).toEqual(['open']);
    const before = ayo.bookingCalls().length;
    const err: Error = await r
      .execute('Call C', (s) => client.call('GET', 'bookings', { date: '2025-04-10' }, s))
      .then(
        () => new Error('expected a failure'),
        (e: unknown) => e as Error,
      );
    expect(err.name).toBe('CircuitOpenError');
    expect(err.message).toMatch(/AYO circuit is open/);
    expect(isRetryable(err)).toBe(true);
    expect(ayo.bookingCalls().length).toBe(before);
    expect(lines.some((l) => l.includes('⚡ CIRCUIT: AYO circuit opened'))).toBe(true);
  });
});
