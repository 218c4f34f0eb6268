import os from 'node:os';
import path from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { createReader } from '../src/config/reader.js';
import { ConfigError, isConfigError, isLoopbackHost, loadConfig } from '../src/config.js';
import { parseDuration } from '../src/util/duration.js';

const problems = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
};

describe('configuration', () => {
  it('has the documented defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      dataDir: path.resolve('data'),
      venueTimezone: 'Asia/Jakarta',
      ayo: undefined,
      sync: { intervalMs: 300_000, daysBack: 1, daysAhead: 1, retentionDays: 90 },
      apiKey: undefined,
      log: { level: 'info', format: 'pretty' },
    });
    expect(c.dbPath).toBe(path.resolve('data', 'venue-recorder.db'));
  });

  it("has the documented defaults for AYO, the object store, delivery, recording and video (the seed's retry numbers)", () => {
    const c = loadConfig({
      AYO_API_BASE_URL: 'https://iot-api.ayo.co.id',
      AYO_API_TOKEN: 't',
      AYO_VENUE_CODE: 'V',
      AYO_VENUE_SECRET: 's',
      S3_ENDPOINT: 'https://x.r2.cloudflarestorage.com',
      S3_BUCKET: 'videos',
      S3_ACCESS_KEY_ID: 'k',
      S3_SECRET_ACCESS_KEY: 's',
      S3_PUBLIC_BASE_URL: 'https://v.example.com',
    });
    expect(c.ayo).toMatchObject({ timeoutMs: 30_000, breakAfter: 5, halfOpenAfterMs: 30_000 });
    expect(c.connectivity).toEqual({ intervalMs: 30_000, timeoutMs: 5_000 });
    expect(c.s3).toMatchObject({ region: 'auto', forcePathStyle: true, keyPrefix: '' });
    expect(c.delivery).toMatchObject({
      uploadRetryDelaysMs: [3_000, 6_000, 9_000, 12_000, 15_000],
      notifyRetryDelaysMs: [3_000, 6_000, 12_000],
      jobRetryDelaysMs: [300_000, 1_200_000, 2_700_000, 7_200_000, 18_000_000],
    });
    expect(c.recording).toMatchObject({ segmentSeconds: 10, retentionHours: 72, minFreeDiskMb: 2048 });
    expect(c.video).toMatchObject({
      scanIntervalMs: 120_000,
      clipGraceMs: 30_000,
      clipSeconds: 60,
      retryDelaysMs: [3_000, 6_000, 12_000],
      jobRetryDelaysMs: [300_000, 900_000, 1_800_000, 3_600_000, 7_200_000],
    });
    expect(c.ayoCalls).toEqual({ healthIntervalMs: 60_000, cameraStatusIntervalMs: 300_000 });
  });

  it('parses durations with units', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('2m')).toBe(120_000);
    expect(parseDuration('1h')).toBe(3_600_000);
    for (const bad of ['5', '-1s', '1d', 'abc', '', '0s']) expect(parseDuration(bad)).toBeUndefined();
    expect(loadConfig({ BOOKING_SYNC_INTERVAL: '500ms' }).sync.intervalMs).toBe(500);
  });

  it('names every bad variable at once', () => {
    const p = problems({
      PORT: '99999',
      VENUE_TIMEZONE: 'Mars/Olympus',
      BOOKING_SYNC_INTERVAL: 'often',
      BOOKING_SYNC_DAYS_BACK: '-1',
      LOG_LEVEL: 'loud',
      LOG_FORMAT: 'xml',
      BOOKING_RETENTION_DAYS: 'abc',
      HOST: 'not a host',
    });
    for (const name of [
      'PORT',
      'VENUE_TIMEZONE',
      'BOOKING_SYNC_INTERVAL',
      'BOOKING_SYNC_DAYS_BACK',
      'LOG_LEVEL',
      'LOG_FORMAT',
      'BOOKING_RETENTION_DAYS',
      'HOST',
    ]) {
      expect(p.some((line) => line.startsWith(name))).toBe(true);
    }
  });

  it('refuses a non-loopback HOST without API_KEY, and a short API_KEY', () => {
    expect(problems({ HOST: '0.0.0.0' })[0]).toMatch(/^HOST is 0\.0\.0\.0.*API_KEY is not set/);
    expect(problems({ HOST: '0.0.0.0', API_KEY: 'short' })[0]).toMatch(/^API_KEY must be at least 16/);
    expect(loadConfig({ HOST: '0.0.0.0', API_KEY: 'k'.repeat(32) }).host).toBe('0.0.0.0');
    expect(isLoopbackHost('127.0.0.5')).toBe(true);
    expect(isLoopbackHost('::1')).toBe(true);
    expect(isLoopbackHost('192.168.1.10')).toBe(false);
  });

  it('takes the AYO credentials as a set of four, never echoing a secret', () => {
    const p = problems({ AYO_API_BASE_URL: 'https://iot-api.ayo.co.id', AYO_API_TOKEN: 'tok-secret-value' });
    expect(p[0]).toMatch(/^AYO_VENUE_CODE, AYO_VENUE_SECRET must be set too/);
    expect(p.join()).not.toContain('tok-secret-value');
    expect(
      problems({ AYO_API_BASE_URL: 'ftp://x', AYO_API_TOKEN: 't', AYO_VENUE_CODE: 'V', AYO_VENUE_SECRET: 's' })[0],
    ).toMatch(/^AYO_API_BASE_URL must be an http\(s\) URL/);
    const c = loadConfig({
      AYO_API_BASE_URL: 'https://iot-api.ayo.co.id',
      AYO_API_TOKEN: 't',
      AYO_VENUE_CODE: 'V',
      AYO_VENUE_SECRET: 's',
      AYO_API_TIMEOUT: '2s',
    });
    expect(c.ayo).toMatchObject({ baseUrl: 'https://iot-api.ayo.co.id', timeoutMs: 2000, retryBaseDelayMs: 1000 });
  });

  it('words each kind of bad value as it always has, naming the variable', () => {
    const cases: [Record<string, string>, string][] = [
      [{ PORT: '99999' }, 'PORT must be a whole number from 0 to 65535 (got "99999")'],
      [{ PORT: '+1' }, 'PORT must be a whole number from 0 to 65535 (got "+1")'],
      [
        { BOOKING_SYNC_INTERVAL: 'often' },
        'BOOKING_SYNC_INTERVAL must be a duration like 500ms, 30s, 2m or 1h of at least 100ms (got "often")',
      ],
      [
        { AYO_RETRY_BASE_DELAY: 'soon' },
        'AYO_RETRY_BASE_DELAY must be a duration like 500ms, 30s, 2m or 1h (got "soon")',
      ],
      [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of debug, info, warn, error (got "loud")'],
      [
        { VIDEO_RETRY_DELAYS: '3s,,x' },
        'VIDEO_RETRY_DELAYS must be a comma-separated list of durations like 3s,6s,12s (got "3s,,x")',
      ],
      [{ DEMO: 'yes' }, 'DEMO must be true or false (got "yes")'],
      [{ HOST: 'not a host' }, 'HOST must be an IP address or localhost (got "not a host")'],
      [
        { VENUE_TIMEZONE: 'Mars/Olympus' },
        'VENUE_TIMEZONE must be an IANA time zone like Asia/Jakarta (got "Mars/Olympus")',
      ],
      [{ S3_ENDPOINT: 'ftp://x' }, 'S3_ENDPOINT must be an http(s) URL (got "ftp://x")'],
      [{ API_KEY: 'short' }, 'API_KEY must be at least 16 characters long'],
      [
        { AYO_API_BASE_URL: 'https://a', AYO_API_TOKEN: 't', AYO_VENUE_CODE: 'A B', AYO_VENUE_SECRET: 's' },
        'AYO_VENUE_CODE must not contain spaces',
      ],
      [
        { DEMO: 'true', AYO_API_BASE_URL: 'https://a', AYO_API_TOKEN: 't', AYO_VENUE_CODE: 'V', AYO_VENUE_SECRET: 's' },
        'DEMO=true runs a simulated AYO: unset AYO_API_BASE_URL, AYO_API_TOKEN, AYO_VENUE_CODE and AYO_VENUE_SECRET',
      ],
    ];
    for (const [env, message] of cases) expect(problems(env), JSON.stringify(env)).toEqual([message]);
  });

  it('takes the object store as a set of five, checked only once it is whole', () => {
    const s3 = {
      S3_ENDPOINT: 'https://x.r2.cloudflarestorage.com',
      S3_BUCKET: 'videos',
      S3_ACCESS_KEY_ID: 'k',
      S3_SECRET_ACCESS_KEY: 's',
      S3_PUBLIC_BASE_URL: 'https://v.example.com//',
    };
    expect(problems({ S3_BUCKET: 'videos' })).toEqual([
      'S3_ENDPOINT, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, S3_PUBLIC_BASE_URL must be set too: the object store needs its endpoint, bucket, keys and public URL',
    ]);
    expect(problems({ ...s3, S3_BUCKET: 'Bad_Bucket', S3_FORCE_PATH_STYLE: 'maybe', S3_KEY_PREFIX: 'a b' })).toEqual([
      'S3_BUCKET must be a bucket name: 3-63 lower-case letters, digits, dots and hyphens (got "Bad_Bucket")',
      'S3_FORCE_PATH_STYLE must be true or false (got "maybe")',
      'S3_KEY_PREFIX may hold only letters, digits and / _ . -',
    ]);
    // Settings of an object store that is not configured are not read, as before the list existed.
    expect(loadConfig({ S3_FORCE_PATH_STYLE: 'maybe' }).s3).toBeUndefined();
    const alone = loadConfig({ S3_ENDPOINT: 'https://x.example.com' });
    expect([alone.s3, alone.s3Endpoint]).toEqual([undefined, 'https://x.example.com']);
    expect(loadConfig({ ...s3, S3_FORCE_PATH_STYLE: 'false', S3_KEY_PREFIX: 'venue/1' }).s3).toEqual({
      endpoint: s3.S3_ENDPOINT,
      region: 'auto',
      bucket: 'videos',
      accessKeyId: 'k',
      secretAccessKey: 's',
      publicBaseUrl: 'https://v.example.com',
      forcePathStyle: false,
      keyPrefix: 'venue/1',
    });
  });

  it("uses the demo's faster defaults under DEMO=true, and its own cameras unless some are configured", () => {
    const demo = loadConfig({ DEMO: 'true' });
    expect(demo.demo).toEqual({ bookingMs: 120_000, intervalMs: 180_000, firstAfterMs: 30_000 });
    expect([demo.sync.intervalMs, demo.video.scanIntervalMs, demo.video.clipGraceMs]).toEqual([15_000, 10_000, 5_000]);
    expect(demo.cameras.map((c) => c.name)).toEqual(['DEMO_CAM_1', 'DEMO_CAM_2']);
    expect(loadConfig({ DEMO: 'true', BOOKING_SYNC_INTERVAL: '1m', CAMERAS: '[]' })).toMatchObject({
      sync: { intervalMs: 60_000 },
      cameras: [],
    });
    // Demo settings are read only in the demo.
    expect(loadConfig({ DEMO_BOOKING_LENGTH: 'never' }).demo).toBeUndefined();
    expect(problems({ DEMO: 'true', DEMO_BOOKING_LENGTH: '500ms' })[0]).toMatch(
      /^DEMO_BOOKING_LENGTH must be a duration .* of at least 1000ms/,
    );
  });

  it('defaults CLIP_CONCURRENCY to the number of cores', () => {
    expect(loadConfig({}).video.clipConcurrency).toBe(Math.max(1, os.availableParallelism()));
  });

  it('reads each variable at most once, typed by the list', () => {
    const r = createReader({ PORT: 'x' });
    expect([r.get('PORT'), r.get('PORT')]).toEqual([8080, 8080]);
    expect(r.problems).toHaveLength(1);
    expectTypeOf(r.get('PORT')).toEqualTypeOf<number>();
    expectTypeOf(r.get('API_KEY')).toEqualTypeOf<string | undefined>();
    expectTypeOf(r.get('LOG_FORMAT')).toEqualTypeOf<'pretty' | 'json'>();
  });

  it('raises a ConfigError that a guard recognises across threads (by name)', () => {
    const e = (() => {
      try {
        loadConfig({ PORT: 'x' });
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect(isConfigError(e)).toBe(true);
    expect(isConfigError(structuredClone({ name: (e as Error).name, message: (e as Error).message }))).toBe(true);
    expect(isConfigError(new Error('x'))).toBe(false);
  });
});
