// The venue's highlight buttons end to end: socat's pseudo-terminal pair stands in for the Arduino on its USB serial
// line, the running service reads it through BUTTON_SERIAL_PORT, and each test checks what a person at the venue or
// an operator sees: the clip at GET /api/videos, the counts at GET /api/buttons, /metrics, the log.

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { startService, type RunningService } from '../src/service.js';
import { ayoBooking, startFakeAyo, TEST_AYO, type FakeAyo } from './fixtures/fake-ayo.js';
import { partnerEnv, venueLocal } from './fixtures/env.js';
import { captureLogger, tempDir, waitFor } from './fixtures/helpers.js';
import { startPtyPair, type PtyPair } from './fixtures/pty-pair.js';

let ayo: FakeAyo;
let service: RunningService;
let tmp: ReturnType<typeof tempDir>;
let ptyDir: ReturnType<typeof tempDir>;
let pty: PtyPair | undefined;
const log = captureLogger();

const api = async (p: string, init?: RequestInit) => {
  const res = await fetch(service.url + p, init);
  return { status: res.status, headers: res.headers, body: (await res.json()) as any };
};
const post = (p: string, body: unknown) =>
  api(p, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const buttons = async () => (await api('/api/buttons')).body.data;
const button = async (n: number) => (await buttons()).buttons.find((b: any) => b.button === n);
const clipsOf = async (camera: string) => (await api(`/api/videos?type=clip&camera=${camera}`)).body.data as any[];
const metrics = async () => (await fetch(`${service.url}/metrics`)).text();
/** The line was opened at or after `t`: not an `open` left from before an unplug the service has yet to notice. */
const openSince = (t: number) => async () => {
  const line = (await buttons()).line;
  return line.state === 'open' && Date.parse(line.since) >= t ? true : undefined;
};
/** Pids of processes whose command line names every one of `texts`. */
const processesNaming = (...texts: string[]) =>
  fs.readdirSync('/proc').filter((pid) => {
    try {
      return /^\d+$/.test(pid) && texts.every((t) => fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(t));
    } catch {
      return false; // it ended meanwhile
    }
  });
const logged = (text: string) => () => log.lines.some((l) => l.includes(text));

const CAMERAS = [
  { name: 'CAM_B1', fieldId: 61, url: 'testsrc', enabled: true, buttonNo: 1 },
  { name: 'CAM_B2', fieldId: 62, url: 'testsrc', enabled: true, buttonNo: 2 },
  { name: 'CAM_B4', fieldId: 64, url: 'testsrc', enabled: true, buttonNo: 4 },
  { name: 'CAM_B5', fieldId: 65, url: 'testsrc', enabled: false, buttonNo: 5 },
];
let camerasFile: string;

// Fields 61 and 64 have a booking running for the whole suite; field 62 has none; camera CAM_B5 is disabled.
beforeAll(async () => {
  ayo = await startFakeAyo(TEST_AYO);
  tmp = tempDir();
  ptyDir = tempDir('vr-pty-');
  const now = Date.now();
  const start = venueLocal(now - 60_000);
  const end = venueLocal(now + 2 * 3_600_000);
  const running = (id: string, field: number) =>
    ayoBooking({ booking_id: id, date: start.date, start_time: start.time, end_time: end.time, field_id: field });
  ayo.setBookings(start.date, [running('BK/BTN/61', 61), running('BK/BTN/64', 64)]);
  camerasFile = path.join(tmp.dir, 'cameras.json');
  fs.writeFileSync(camerasFile, JSON.stringify(CAMERAS));
  service = await startService(
    loadConfig({
      PORT: '0',
      DATA_DIR: tmp.dir,
      MIN_FREE_DISK_MB: '0',
      SEGMENT_SECONDS: '1',
      CLIP_SECONDS: '5',
      CLIP_CONCURRENCY: '1',
      BOOKING_SYNC_INTERVAL: '1h',
      ...partnerEnv(ayo),
      // A file, so that a test can change the cameras while the service runs (SIGHUP's reload).
      CAMERAS_FILE: camerasFile,
      BUTTON_SERIAL_PORT: path.join(ptyDir.dir, 'ttyBTN'),
    }),
    log.logger,
  );
  // A sync still running from the start-up may have missed them: sync until both bookings are stored.
  await waitFor(
    async () => {
      await post('/api/sync', {});
      return (
        (await api('/api/bookings/BK/BTN/61')).status === 200 && (await api('/api/bookings/BK/BTN/64')).status === 200
      );
    },
    'the bookings to be synced',
    60_000,
    200,
  );
}, 150_000);
afterAll(async () => {
  await pty?.unplug();
  await service?.stop();
  await ayo?.close();
  tmp?.cleanup();
  ptyDir?.cleanup();
});

// Each test plugs the "Arduino" in and waits until the service has the line open; afterEach unplugs it.
beforeEach(async () => {
  const plugged = Date.now();
  pty = await startPtyPair(ptyDir.dir);
  await waitFor(openSince(plugged), 'the service to open the button line', 60_000, 100);
}, 90_000);
afterEach(async () => {
  await pty?.unplug();
  pty = undefined;
});

describe('highlight buttons', () => {
  it(
    "a press (split across writes) makes a manual clip of that button's camera; a second press or request within 30 s is limited, not queued",
    { timeout: 90_000 },
    async () => {
      expect(
        logged(`${path.join(ptyDir.dir, 'ttyBTN')}: button 1 → CAM_B1, 2 → CAM_B2, 4 → CAM_B4, 5 → CAM_B5`)(),
      ).toBe(true);
      await pty!.write('1');
      await pty!.write(';');
      await waitFor(async () => (await button(1)).presses.clip === 1, 'the press to make a clip', 30_000, 100);
      const clips = await clipsOf('CAM_B1');
      expect(clips).toHaveLength(1);
      expect(clips[0]).toMatchObject({ bookingId: 'BK/BTN/61', camera: 'CAM_B1', fieldId: 61, type: 'clip' });
      expect(
        log.lines.some((l) => l.includes('button 1 (camera CAM_B1, field 61): highlight clip of booking BK/BTN/61')),
      ).toBe(true);

      // Right after the clip (well within its 30 s): a second press, and the tablet's request for the same field,
      // which shares the button's limit.
      await pty!.write('1;\r\n');
      const again = await post('/api/request-booking-video', { field_id: 61 });
      expect(again.status).toBe(429);
      expect(Number(again.headers.get('retry-after'))).toBeGreaterThan(0);
      const b1 = await waitFor(
        async () => {
          const b = await button(1);
          return b.presses.limited === 1 ? b : undefined;
        },
        'the second press to be counted as limited',
        30_000,
        100,
      );
      expect(b1).toMatchObject({ camera: 'CAM_B1', fieldId: 61, enabled: true, lastOutcome: 'limited' });
      expect(b1.presses.clip).toBe(1);
      await waitFor(logged('button 1 (camera CAM_B1, field 61): a clip of field 61 was requested'), 'the limited line');
      expect(await clipsOf('CAM_B1')).toHaveLength(1);
      expect(await metrics()).toContain('venue_recorder_button_presses_total{button="1",outcome="limited"} 1');
    },
  );

  it('a request through the HTTP route first limits the button of that field too', { timeout: 90_000 }, async () => {
    const r = await post('/api/request-booking-video', { field_id: 64, camera_name: 'CAM_B4' });
    expect(r.status).toBe(202);
    await pty!.write('4;');
    const b4 = await waitFor(
      async () => {
        const b = await button(4);
        return b.presses.limited === 1 ? b : undefined;
      },
      'the press to be counted as limited',
      30_000,
      100,
    );
    expect(b4.presses.clip).toBe(0);
    expect(await clipsOf('CAM_B4')).toHaveLength(1);
  });

  it(
    'reads joined frames among noise and line ends; an unknown number, a disabled camera and a field without a booking make no clip',
    { timeout: 90_000 },
    async () => {
      const before = (await buttons()).unknownPresses;
      await pty!.write(Buffer.concat([Buffer.from([0xff, 0x00]), Buffer.from('garbage;2;5;\r\n99;')]));
      await waitFor(async () => (await button(2)).presses['no-booking'] === 1, 'the press of button 2', 30_000, 100);
      // Nothing was made, so the field is not held: the next press is tried again, not limited.
      await pty!.write('12345678;2;\r\n');
      await waitFor(
        async () => (await button(2)).presses['no-booking'] === 2,
        'the next press of button 2',
        30_000,
        100,
      );
      const status = await buttons();
      expect(status.unknownPresses).toBe(before + 1);
      expect(status.buttons.find((b: any) => b.button === 2).presses).toMatchObject({ clip: 0, limited: 0 });
      expect(status.buttons.find((b: any) => b.button === 5).presses['camera-disabled']).toBe(1);
      expect(await clipsOf('CAM_B2')).toEqual([]);
      expect(await clipsOf('CAM_B5')).toEqual([]);
      await waitFor(
        logged('button 99 pressed, but no camera has "buttonNo": 99; ignored'),
        'the unknown number logged',
      );
      await waitFor(logged('that are not "N;" frames'), 'the noise logged');
      expect(
        log.lines.some((l) =>
          l.includes('button 2 (camera CAM_B2, field 62): no clip: No booking with status success'),
        ),
      ).toBe(true);
      const text = await metrics();
      expect(text).toContain('venue_recorder_button_presses_total{button="2",outcome="no-booking"} 2');
      expect(text).toContain('venue_recorder_button_presses_total{button="unknown",outcome="unknown-button"} 1');
      expect(text).toContain('venue_recorder_button_presses_total{button="4",outcome="clip"} 0');
      expect(text).toContain('venue_recorder_button_port_up 1');
    },
  );

  it(
    'unplugged, the line waits and retries while the cameras record on; plugged back in, presses work again',
    { timeout: 150_000 },
    async () => {
      // Recording is under way before the unplug, so that its progress afterwards can be seen.
      const segmentEnd = async () =>
        (await api('/api/cameras')).body.data.find((c: any) => c.name === 'CAM_B1').lastSegmentEndAt as string | null;
      await waitFor(segmentEnd, 'CAM_B1 to record', 90_000, 200);

      await pty!.unplug();
      const unpluggedAt = Date.now();
      const line = await waitFor(
        async () => {
          const l = (await buttons()).line;
          return l.state === 'waiting' && l.nextAttemptAt ? l : undefined;
        },
        'the line to wait for its device',
        30_000,
        100,
      );
      expect(line.lastError).toBeTruthy();
      expect(line.path).toBe(path.join(ptyDir.dir, 'ttyBTN'));
      await waitFor(logged(`serial line ${path.join(ptyDir.dir, 'ttyBTN')} lost`), 'the loss logged');
      expect(await metrics()).toContain('venue_recorder_button_port_up 0');
      // The retries go on without ever failing the actor: it runs, and so does every camera.
      await waitFor(
        async () => (await buttons()).line.failedAttempts > line.failedAttempts,
        'another failed attempt',
        30_000,
        100,
      );
      const actors = (await api('/api/actors')).body.data as any[];
      expect(actors.find((a) => a.id === 'button')).toMatchObject({ state: 'running', restarts: 0, domain: 'buttons' });
      await waitFor(
        async () => Date.parse((await segmentEnd()) ?? '') > unpluggedAt,
        'a segment closed after the unplug',
        60_000,
        200,
      );

      const pressesBefore = (await button(2)).presses['no-booking'];
      const replugged = Date.now();
      pty = await startPtyPair(ptyDir.dir);
      await waitFor(openSince(replugged), 'the line to be open again', 60_000, 100);
      await pty.write('2;');
      await waitFor(
        async () => (await button(2)).presses['no-booking'] === pressesBefore + 1,
        'a press after the replug',
        30_000,
        100,
      );
      expect(await metrics()).toContain('venue_recorder_button_port_up 1');
    },
  );

  it(
    'a fault of the process that holds the port is handled as an unplug: the actor runs on',
    { timeout: 90_000 },
    async () => {
      const own = processesNaming('serialport', path.join(ptyDir.dir, 'ttyBTN'));
      expect(own).toHaveLength(1);
      const killed = Date.now();
      process.kill(Number(own[0]), 'SIGKILL');
      await waitFor(
        async () => (await buttons()).line.lastError?.includes('SIGKILL'),
        'the line to note the fault',
        30_000,
        100,
      );
      await waitFor(openSince(killed), 'the line to be open again', 60_000, 100);
      const before = (await button(2)).presses['no-booking'];
      await pty!.write('2;');
      await waitFor(
        async () => (await button(2)).presses['no-booking'] === before + 1,
        'a press after the fault',
        30_000,
        100,
      );
      const actors = (await api('/api/actors')).body.data as any[];
      expect(actors.find((a) => a.id === 'button')).toMatchObject({ state: 'running', restarts: 0 });
    },
  );

  it('a camera change (CAMERAS_FILE reloaded) applies to the next press', { timeout: 90_000 }, async () => {
    // Button 7 now belongs to CAM_B2 (field 62, no booking); button 2 is no one's.
    const next = CAMERAS.map((c) => (c.name === 'CAM_B2' ? { ...c, buttonNo: 7 } : c));
    fs.writeFileSync(camerasFile, JSON.stringify(next));
    expect((await service.reloadCameras('signal')).result).toBe('applied');
    const unknownBefore = (await buttons()).unknownPresses;
    await pty!.write('7;2;');
    await waitFor(async () => (await button(7))?.presses['no-booking'] === 1, 'the press of button 7', 30_000, 100);
    expect(await button(7)).toMatchObject({ camera: 'CAM_B2', fieldId: 62 });
    expect(await button(2)).toBeUndefined();
    await waitFor(async () => (await buttons()).unknownPresses === unknownBefore + 1, 'button 2 to be unknown now');
  });

  it('holds the port in a process of its own, which ends with the service', { timeout: 90_000 }, async () => {
    // Its command line names serialport's entry and the port (socat's names the port too).
    const own = () => processesNaming('serialport', path.join(ptyDir.dir, 'ttyBTN'));
    expect(own()).toHaveLength(1);
    await service.stop();
    await waitFor(() => own().length === 0, "the serial port's process to end", 30_000, 100);
  });
});
