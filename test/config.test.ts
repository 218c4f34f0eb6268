import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, isLoopbackHost, loadConfig } from '../src/config.js';
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
      port: 8080, host: '127.0.0.1', dataDir: path.resolve('data'), venueTimezone: 'Asia/Jakarta', ayo: undefined,
      sync: { intervalMs: 300_000, daysBack: 1, daysAhead: 1, retentionDays: 90 }, apiKey: undefined,
      log: { level: 'info', format: 'pretty' },
    });
    expect(c.dbPath).toBe(path.resolve('data', 'venue-recorder.db'));
  });

  it('has the documented defaults for AYO, the object store, delivery, recording and video (the seed\'s retry numbers)', () => {
    const c = loadConfig({
      AYO_API_BASE_URL: 'https://iot-api.ayo.co.id', AYO_API_TOKEN: 't', AYO_VENUE_CODE: 'V', AYO_VENUE_SECRET: 's',
      S3_ENDPOINT: 'https://x.r2.cloudflarestorage.com', S3_BUCKET: 'videos', S3_ACCESS_KEY_ID: 'k', S3_SECRET_ACCESS_KEY: 's',
      S3_PUBLIC_BASE_URL: 'https://v.example.com',
    });
    expect(c.ayo).toMatchObject({ timeoutMs: 30_000, breakAfter: 5, halfOpenAfterMs: 30_000 });
    expect(c.connectivity).toEqual({ intervalMs: 30_000, timeoutMs: 5_000 });
    expect(c.s3).toMatchObject({ region: 'auto', forcePathStyle: true, keyPrefix: '' });
    expect(c.delivery).toMatchObject({
      uploadRetryDelaysMs: [3_000, 6_000, 9_000, 12_000, 15_000], notifyRetryDelaysMs: [3_000, 6_000, 12_000],
      jobRetryDelaysMs: [300_000, 1_200_000, 2_700_000, 7_200_000, 18_000_000],
    });
    expect(c.recording).toMatchObject({ segmentSeconds: 10, retentionHours: 72, minFreeDiskMb: 2048 });
    expect(c.video).toMatchObject({
      scanIntervalMs: 120_000, clipGraceMs: 30_000, clipSeconds: 60, retryDelaysMs: [3_000, 6_000, 12_000],
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
      PORT: '99999', VENUE_TIMEZONE: 'Mars/Olympus', BOOKING_SYNC_INTERVAL: 'often', BOOKING_SYNC_DAYS_BACK: '-1',
      LOG_LEVEL: 'loud', LOG_FORMAT: 'xml', BOOKING_RETENTION_DAYS: 'abc', HOST: 'not a host',
    });
    for (const name of ['PORT', 'VENUE_TIMEZONE', 'BOOKING_SYNC_INTERVAL', 'BOOKING_SYNC_DAYS_BACK', 'LOG_LEVEL', 'LOG_FORMAT', 'BOOKING_RETENTION_DAYS', 'HOST']) {
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
    expect(problems({ AYO_API_BASE_URL: 'ftp://x', AYO_API_TOKEN: 't', AYO_VENUE_CODE: 'V', AYO_VENUE_SECRET: 's' })[0]).toMatch(/^AYO_API_BASE_URL must be an http\(s\) URL/);
    const c = loadConfig({ AYO_API_BASE_URL: 'https://iot-api.ayo.co.id', AYO_API_TOKEN: 't', AYO_VENUE_CODE: 'V', AYO_VENUE_SECRET: 's', AYO_API_TIMEOUT: '2s' });
    expect(c.ayo).toMatchObject({ baseUrl: 'https://iot-api.ayo.co.id', timeoutMs: 2000, retryBaseDelayMs: 1000 });
  });
});
