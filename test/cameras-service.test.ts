import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { startService, type RunningService } from '../src/service.js';
import { captureLogger, tempDir, waitFor } from './fixtures/helpers.js';

let service: RunningService;
let tmp: ReturnType<typeof tempDir>;
const log = captureLogger();
const get = async (p: string) => (await (await fetch(service.url + p)).json()) as any;

beforeAll(async () => {
  tmp = tempDir();
  service = await startService(
    loadConfig({
      PORT: '0',
      DATA_DIR: tmp.dir,
      SEGMENT_SECONDS: '1',
      MIN_FREE_DISK_MB: '0',
      CAMERAS: JSON.stringify([
        { name: 'CAM_A', fieldId: 50, url: 'testsrc', enabled: true },
        { name: 'CAM_DEAD', fieldId: 50, url: 'rtsp://admin:hunter2secret@127.0.0.1:1/stream', enabled: true },
        { name: 'CAM_OFF', fieldId: 51, url: 'testsrc', enabled: false },
      ]),
    }),
    log.logger,
  );
});
afterAll(async () => {
  await service?.stop();
  tmp?.cleanup();
});

describe('cameras in the running service', () => {
  it('runs one RecorderActor per enabled camera and shows each camera at GET /api/cameras', async () => {
    const actors = (await get('/api/actors')).data.map((a: any) => a.id);
    expect(actors).toEqual(['connectivity', 'sync', 'recorder:CAM_A', 'recorder:CAM_DEAD', 'video']);
    const cams = await waitFor(
      async () => {
        const body = await get('/api/cameras');
        const a = body.data.find((c: any) => c.name === 'CAM_A');
        return a.state === 'recording' && a.segmentsLastHour >= 2 ? body : undefined;
      },
      'CAM_A recording',
      20_000,
    );
    expect(cams.status).toBe('success');
    const byName = Object.fromEntries(cams.data.map((c: any) => [c.name, c]));
    expect(byName.CAM_A).toMatchObject({ fieldId: 50, enabled: true, url: 'testsrc', state: 'recording' });
    expect(byName.CAM_A.lastSegmentAgeSeconds).toBeLessThan(5);
    expect(byName.CAM_OFF).toMatchObject({ state: 'disabled', lastSegmentEndAt: null, segmentsLastHour: 0 });
    expect(byName.CAM_DEAD.url).toBe('rtsp://admin:***@127.0.0.1:1/stream');
    const dead = await waitFor(
      async () => {
        const c = (await get('/api/cameras')).data.find((x: any) => x.name === 'CAM_DEAD');
        return c.reason ? c : undefined;
      },
      'CAM_DEAD to fail',
      20_000,
    );
    expect(['reconnecting', 'offline']).toContain(dead.state);
    expect(dead.reason).toMatch(/ffmpeg exited/);
  });

  it("serves a snapshot of a camera's newest segment for the dashboard", async () => {
    const res = await fetch(`${service.url}/api/cameras/CAM_A/snapshot.jpg`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    const jpeg = Buffer.from(await res.arrayBuffer());
    expect(jpeg.subarray(0, 2).toString('hex')).toBe('ffd8');
    expect((await fetch(`${service.url}/api/cameras/CAM_OFF/snapshot.jpg`)).status).toBe(404);
    expect((await fetch(`${service.url}/api/cameras/NOPE/snapshot.jpg`)).status).toBe(404);
  });

  it('never logs or answers a camera password', async () => {
    const text =
      JSON.stringify(await get('/api/cameras')) + JSON.stringify(await get('/api/actors')) + log.lines.join('\n');
    expect(text).not.toContain('hunter2secret');
    expect(
      log.lines.some((l) =>
        l.includes('🎥 RECORDING: CAM_DEAD starting ffmpeg on rtsp://admin:***@127.0.0.1:1/stream'),
      ),
    ).toBe(true);
  });
});
