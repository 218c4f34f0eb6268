import { describe, expect, it } from 'vitest';
import { checkSlice, ConfigError, loadConfig, SLICES, type ActorName } from '../src/config.js';
import { childSpecs } from '../src/service-children.js';

const env = {
  DATA_DIR: '/srv/venue',
  CAMERAS: JSON.stringify([
    { name: 'CAMERA_1', fieldId: 50, url: 'rtsp://admin:s3cretPass@192.168.1.101/x' },
    { name: 'CAMERA_2', fieldId: 51, url: 'testsrc', enabled: false },
  ]),
  AYO_API_BASE_URL: 'https://iot-api.ayo.co.id',
  AYO_API_TOKEN: 'tok-secret',
  AYO_VENUE_CODE: 'V',
  AYO_VENUE_SECRET: 'venue-secret',
  S3_ENDPOINT: 'https://x.r2.cloudflarestorage.com',
  S3_BUCKET: 'videos',
  S3_ACCESS_KEY_ID: 'k',
  S3_SECRET_ACCESS_KEY: 's',
  S3_PUBLIC_BASE_URL: 'https://v.example.com',
};
/** The slices the service hands its actors, as each actor finds them in workerData (a structured clone). */
const slices = (config = loadConfig(env), localStore?: { dir: string; publicBaseUrl: string }) =>
  new Map(childSpecs(config, localStore).map((c) => [c.id, structuredClone(c.data) as Record<string, unknown>]));
// Slices written out by hand, so that the tests of bad fields do not hang on how the service builds them.
const ayo = {
  baseUrl: 'https://iot-api.ayo.co.id',
  token: 'tok-secret',
  venueCode: 'V',
  secret: 'venue-secret',
  timeoutMs: 30_000,
  retryBaseDelayMs: 1_000,
  breakAfter: 5,
  halfOpenAfterMs: 30_000,
  maxResponseBytes: 4_194_304,
  maxBookingsPerDate: 20_000,
};
const sync = {
  dbPath: '/srv/venue/venue-recorder.db',
  timeZone: 'Asia/Jakarta',
  ayo,
  intervalMs: 300_000,
  daysBack: 1,
  daysAhead: 1,
  retentionDays: 90,
  cameras: ['CAMERA_1'],
  segmentSeconds: 10,
  healthIntervalMs: 60_000,
  cameraStatusIntervalMs: 300_000,
};
const upload = {
  dbPath: '/srv/venue/venue-recorder.db',
  timeZone: 'Asia/Jakarta',
  s3: undefined,
  ayo: undefined,
  concurrency: 2,
  quickDelaysMs: [3_000],
  jobDelays: {
    cut: [300_000],
    upload: [300_000],
    notify: [300_000],
    'upload-full': [300_000],
    'bucket-delete': [300_000],
  },
  breaker: { threshold: 5, halfOpenAfterMs: 30_000 },
  localStore: { dir: '/srv/venue/objects', publicBaseUrl: 'http://localhost:8080/objects' },
  fullVideoUpload: 'on-purchase',
  uploadMaxMbps: 0,
  bucketRetentionDays: 0,
};
const recorder = {
  camera: { name: 'CAMERA_1', fieldId: 50, url: 'rtsp://admin:s3cretPass@192.168.1.101/x', enabled: true },
  dbPath: '/srv/venue/venue-recorder.db',
  recordingsDir: '/srv/venue/media/recordings',
  segmentSeconds: 10,
  ffmpegPath: 'ffmpeg',
  timeZone: 'Asia/Jakarta',
  retentionHours: 72,
  minFreeDiskMb: 2048,
};
const actorOf = (id: string) => id.split(':')[0] as ActorName;
const problemsOf = (actor: ActorName, data: unknown): string[] => {
  try {
    checkSlice(actor, data);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
  return [];
};

describe('actor slices', () => {
  it('accepts every slice the service builds, as the actor receives it, and hands it back unchanged', () => {
    const built = slices();
    expect([...built.keys()].sort()).toEqual([
      'connectivity',
      'notify',
      'recorder:CAMERA_1',
      'sync',
      'upload',
      'video',
    ]);
    for (const [id, data] of built) {
      expect(Object.keys(SLICES)).toContain(actorOf(id));
      expect(problemsOf(actorOf(id), data), id).toEqual([]);
      expect(checkSlice(actorOf(id), data)).toBe(data);
    }
    const demo = slices(loadConfig({ DEMO: 'true', DATA_DIR: '/srv/demo' }), {
      dir: '/srv/demo/objects',
      publicBaseUrl: 'http://localhost:8080/objects',
    });
    for (const [id, data] of demo) expect(problemsOf(actorOf(id), data), id).toEqual([]);
  });

  it("names the field and the variable it came from, held to that variable's rule", () => {
    for (const [actor, data] of [
      ['sync', sync],
      ['upload', upload],
      ['recorder', recorder],
    ] as const)
      expect(problemsOf(actor, data)).toEqual([]);
    expect(problemsOf('sync', { ...sync, intervalMs: 5, daysBack: -1 })).toEqual([
      'sync slice: intervalMs (BOOKING_SYNC_INTERVAL) must be a duration like 500ms, 30s, 2m or 1h of at least 100ms, got 5',
      'sync slice: daysBack (BOOKING_SYNC_DAYS_BACK) must be a whole number from 0 to 30, got -1',
    ]);
    expect(problemsOf('upload', { ...upload, breaker: { threshold: 0, halfOpenAfterMs: 30_000 } })).toEqual([
      'upload slice: breaker.threshold (DELIVERY_CIRCUIT_BREAK_AFTER) must be a whole number from 1 to 1000, got 0',
    ]);
    const { retentionDays: _dropped, ...withoutRetention } = sync;
    expect(problemsOf('sync', withoutRetention)).toEqual([
      'sync slice: retentionDays (BOOKING_RETENTION_DAYS) must be a whole number from 1 to 3650, got undefined',
    ]);
    expect(
      problemsOf('upload', {
        ...upload,
        jobDelays: { cut: [1], upload: [], 'upload-full': [1], 'bucket-delete': [1] },
      }),
    ).toEqual([
      'upload slice: jobDelays.upload (DELIVERY_JOB_RETRY_DELAYS) must be a comma-separated list of durations like 3s,6s,12s, got []',
      'upload slice: jobDelays.notify (DELIVERY_JOB_RETRY_DELAYS) must be a comma-separated list of durations like 3s,6s,12s, got undefined',
    ]);
    expect(problemsOf('connectivity', null)).toEqual(['connectivity slice must be an object']);
  });

  it('never quotes a secret or a camera password', () => {
    const p = problemsOf('sync', { ...sync, ayo: { ...ayo, token: 42, venueCode: 'has space' } });
    expect(p).toEqual([
      'sync slice: ayo.token (AYO_API_TOKEN) must be text',
      'sync slice: ayo.venueCode (AYO_VENUE_CODE) must not contain spaces, got "has space"',
    ]);
    const camera = { ...recorder.camera, url: 'ftp://admin:s3cretPass@h/x' };
    const bad = problemsOf('recorder', { ...recorder, camera });
    expect(bad[0]).toMatch(/^recorder slice: camera must hold valid cameras \(cameras\[0\]\.url must be rtsp/);
    expect(bad.join()).not.toContain('s3cretPass');
  });
});
