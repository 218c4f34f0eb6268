import fs from 'node:fs';
import path from 'node:path';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDateOf } from '../src/util/venue-time.js';
import { ayoBooking, startFakeAyo, TEST_AYO, type FakeAyo } from './fixtures/fake-ayo.js';
import { tempDir, waitFor } from './fixtures/helpers.js';
import { spawnService } from './fixtures/service-process.js';

let ayo: FakeAyo;
let tmp: ReturnType<typeof tempDir>;
beforeAll(async () => {
  ayo = await startFakeAyo(TEST_AYO);
  tmp = tempDir();
});
afterAll(async () => {
  await ayo.close();
  tmp.cleanup();
});

const ayoEnv = () => ({
  AYO_API_BASE_URL: ayo.baseUrl,
  AYO_API_TOKEN: TEST_AYO.token,
  AYO_VENUE_CODE: TEST_AYO.venueCode,
  AYO_VENUE_SECRET: TEST_AYO.secret,
});

describe('the service process', () => {
  it('stops with exit 2 and a message naming the variable on bad configuration', async () => {
    const p = spawnService({ DATA_DIR: tmp.dir, BOOKING_SYNC_INTERVAL: 'soon', HOST: '0.0.0.0' });
    expect((await p.exited).code).toBe(2);
    const text = p.err.join('\n');
    expect(text).toMatch(/BOOKING_SYNC_INTERVAL must be a duration/);
    expect(text).toMatch(/HOST is 0\.0\.0\.0.*API_KEY is not set/);
    expect(text).not.toMatch(/\n\s+at /);
  });

  it('exits 1 with a clear line when the port is taken or the data directory unusable', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    const p = spawnService({ DATA_DIR: path.join(tmp.dir, 'a'), PORT: String(port) });
    expect((await p.exited).code).toBe(1);
    expect(p.out.join('\n')).toMatch(/could not start: .*EADDRINUSE/);
    blocker.close();

    const file = path.join(tmp.dir, 'not-a-dir');
    fs.writeFileSync(file, 'x');
    const q = spawnService({ DATA_DIR: file, PORT: '0' });
    expect((await q.exited).code).toBe(1);
    expect(q.out.join('\n')).toMatch(/could not start: .*(ENOTDIR|EEXIST)/);
  });

  it('syncs at start, writes JSON logs when asked, and exits 0 on SIGTERM even with AYO hanging', async () => {
    const today = localDateOf(new Date(), 'Asia/Jakarta');
    ayo.setBookings(today, [ayoBooking({ booking_id: 'BK/PROC/1', date: today })]);
    const dataDir = path.join(tmp.dir, 'b');
    const p = spawnService({
      DATA_DIR: dataDir,
      PORT: '0',
      LOG_FORMAT: 'json',
      BOOKING_SYNC_INTERVAL: '200ms',
      ...ayoEnv(),
    });
    const url = await p.url();
    const res = await waitFor(async () => {
      const r = (await (await fetch(`${url}/api/bookings/BK%2FPROC%2F1`)).json()) as {
        status: string;
        data?: { status: string };
      };
      return r.status === 'success' ? r : undefined;
    }, 'the booking to be synced');
    expect(res.data!.status).toBe('success');
    for (const line of p.out) expect(() => JSON.parse(line)).not.toThrow();
    expect(p.out.some((l) => JSON.parse(l).msg === '📅 BOOKING: Created new booking BK/PROC/1 (status: success)')).toBe(
      true,
    );

    ayo.fault({ kind: 'hang' });
    const hangingSince = ayo.calls.length;
    await waitFor(() => ayo.calls.length > hangingSince, 'a sync request to hang');
    p.child.kill('SIGTERM');
    const exit = await p.exited;
    expect(exit.code).toBe(0);
    // A cancellation is not an AYO failure: no retry, no open circuit.
    expect(p.out.some((l) => /RETRY|CIRCUIT/.test(JSON.parse(l).msg))).toBe(false);
    expect(p.out.some((l) => JSON.parse(l).msg === '🛑 SHUTDOWN: stopped cleanly')).toBe(true);
    const all = [...p.out, ...p.err].join('\n');
    for (const s of [TEST_AYO.token, TEST_AYO.secret]) expect(all).not.toContain(s);
    ayo.clearFaults();
    expect(fs.existsSync(path.join(dataDir, 'venue-recorder.db'))).toBe(true);
  });
});
