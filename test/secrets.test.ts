// Secrets never leave the service (issue 15, findings 4, 5 and 8's log forging): one redaction function at every
// boundary, checked from outside — the API's answers, the log in both formats, the stored rows — against a real
// service process, an AYO that echoes the token back in its errors, and cameras whose URLs hold credentials.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, ConfigError } from '../src/config.js';
import { describeError } from '../src/errors.js';
import { createLogger } from '../src/log.js';
import { addSecrets, redact, redactDeep } from '../src/redact.js';
import { secretsInField } from '../src/config/slice-secrets.js';
import { SLICES } from '../src/config/slices.js';
import { redactUrl } from '../src/recording/cameras.js';
import { tempDir, waitFor } from './fixtures/helpers.js';
import { spawnService, type ServiceProcess } from './fixtures/service-process.js';

// A token with the characters that URL-encoding changes, and a secret with those JSON escapes.
const TOKEN = 'tok/en+AB=CD-0123456789';
const VENUE_SECRET = 'sec"ret\\QUOTE-9876543210';
const CAM_PASSWORD = 'campw-ZZ-4321';
const HTTP_CAM_PASSWORD = 'httpcam-YY-8765';

/** Every form a secret travels in: raw, URL-encoded (both ways), form-encoded, JSON-escaped. */
function formsOf(secret: string): string[] {
  const uri = encodeURIComponent(secret);
  return [
    secret,
    uri,
    uri.replace(/%20/g, '+'),
    new URLSearchParams({ s: secret }).toString().slice(2),
    JSON.stringify(secret).slice(1, -1),
  ];
}

/** Whether a line holds a raw newline, carriage return, ESC or CSI (what forges a line or drives a terminal). */
const hasControls = (line: string) => ['\n', '\r', '\u001b', '\u009b'].some((c) => line.includes(c));

function expectClean(text: string, secrets = [TOKEN, VENUE_SECRET, CAM_PASSWORD, HTTP_CAM_PASSWORD]): void {
  for (const s of secrets) for (const f of formsOf(s)) expect(text, `leaks ${JSON.stringify(f)}`).not.toContain(f);
}

describe('the redaction function', () => {
  it('removes a secret in its raw, URL-encoded, form-encoded and JSON-escaped forms', () => {
    const secret = 'a/b+c=d "e\\f g';
    for (const form of formsOf(secret)) {
      const out = redact(`before ${form} after`, [secret]);
      expect(out).toBe('before *** after');
    }
    // Also once registered for the thread, without being passed.
    addSecrets([secret]);
    expect(redact(`x ${encodeURIComponent(secret)} y`)).toBe('x *** y');
  });

  it('masks URL passwords and credential-looking query parameters, keeping the rest', () => {
    expect(redact('rtsp://admin:p%40ss@10.0.0.5:554/ch1?user=admin&pwd=hunter22&channel=1')).toBe(
      'rtsp://admin:***@10.0.0.5:554/ch1?user=admin&pwd=***&channel=1',
    );
    expect(redact('GET https://api.x/v1/b?api_key=K1&X-Signature=S1&Password=P1&auth=A1&secret=S2&token=T1')).toBe(
      'GET https://api.x/v1/b?api_key=***&X-Signature=***&Password=***&auth=***&secret=***&token=***',
    );
    expect(redact('AYO said {"message":"no","token":"abc123"}')).toBe('AYO said {"message":"no","token":"***"}');
    expect(redact('Authorization: Bearer abcdef123')).toBe('Authorization: Bearer ***');
    expect(redactUrl('http://cam.local/video.cgi?user=admin&password=xyz')).toBe(
      'http://cam.local/video.cgi?user=admin&password=***',
    );
  });

  it('has a deep variant for answers: every string, and whole values of credential-named properties', () => {
    const out = redactDeep({
      lastError: 'failed on rtsp://u:pw@cam/x',
      failedDates: [{ date: '2025-01-01', error: 'bad ?token=abc' }],
      apiKey: 'k-123456',
      objectKey: 'videos/a.mp4',
      restarts: 3,
    });
    expect(out).toEqual({
      lastError: 'failed on rtsp://u:***@cam/x',
      failedDates: [{ date: '2025-01-01', error: 'bad ?token=***' }],
      apiKey: '***',
      objectKey: 'videos/a.mp4',
      restarts: 3,
    });
  });

  it('is what describeError applies, so stored error texts are clean and bounded', () => {
    addSecrets([TOKEN]);
    const e = new Error(`AYO bookings answered HTTP 500: invalid token ${encodeURIComponent(TOKEN)}`, {
      cause: new Error(`GET https://u:pw@h/x?token=${TOKEN}`),
    });
    const text = describeError(e);
    expectClean(text, [TOKEN]);
    expect(text).toContain('AYO bookings answered HTTP 500: invalid token ***');
    expect(describeError(new Error('x'.repeat(100_000))).length).toBeLessThan(2_100);
  });
});

describe('an actor thread', () => {
  it('finds the secrets of its slice by the table that checks it: AYO and S3 keys, camera credentials', () => {
    const ayo = { baseUrl: 'http://a', token: 'tok-1111', venueCode: 'V', secret: 'sec-2222', timeoutMs: 1 };
    const s3 = { endpoint: 'http://s', accessKeyId: 'AKIA-3333', secretAccessKey: 'sk-4444', bucket: 'b' };
    const camera = { name: 'C', fieldId: 1, url: 'rtsp://u:pw-5555@h/x?pwd=pw-6666', enabled: true };
    expect(secretsInField(SLICES.sync, { ayo, intervalMs: 1 }).sort()).toEqual(['sec-2222', 'tok-1111']);
    expect(secretsInField(SLICES.upload, { s3, ayo }).sort()).toEqual(['AKIA-3333', 'sec-2222', 'sk-4444', 'tok-1111']);
    expect(secretsInField(SLICES.recorder, { camera }).sort()).toEqual(['pw-5555', 'pw-6666']);
    expect(secretsInField(SLICES.video, { cameras: [camera] }).sort()).toEqual(['pw-5555', 'pw-6666']);
    expect(secretsInField(SLICES.connectivity, { targets: [{ name: 'ayo', url: 'http://a' }] })).toEqual([]);
  });
});

describe('the logger', () => {
  const capture = (format: 'json' | 'pretty') => {
    const lines: string[] = [];
    return { lines, logger: createLogger({ format, secrets: [VENUE_SECRET], sink: (l) => lines.push(l) }) };
  };

  it('redacts before serialising: a secret with " or \\ does not escape the JSON format', () => {
    const { lines, logger } = capture('json');
    logger.warn(`signing with ${VENUE_SECRET}`, { detail: `{"s":${JSON.stringify(VENUE_SECRET)}}`, secret: 'raw' });
    expect(lines).toHaveLength(1);
    expectClean(lines[0]!, [VENUE_SECRET]);
    const parsed = JSON.parse(lines[0]!) as Record<string, string>;
    expect(parsed.msg).toBe('signing with ***');
    expect(parsed.secret).toBe('***');
  });

  it('escapes newlines and terminal escapes: outside text cannot forge a line in the pretty format', () => {
    const { lines, logger } = capture('pretty');
    const forged = 'Closed\n2026-01-01T00:00:00.000Z INFO  🛑 SHUTDOWN: stopped cleanly\u001b[2K\r\u009b31m';
    logger.warn(`📅 BOOKING: Skipped booking ${forged}`, { name: forged });
    expect(lines).toHaveLength(1);
    expect(hasControls(lines[0]!)).toBe(false);
    expect(lines[0]).toContain('Closed\\n2026-01-01T00:00:00.000Z INFO  🛑 SHUTDOWN');
    expect(lines[0]).toContain('\\x1b[2K\\r\\x9b31m');
    const json = capture('json');
    json.logger.warn(forged);
    expect(hasControls(json.lines[0]!)).toBe(false);
    expect((JSON.parse(json.lines[0]!) as { msg: string }).msg).toBe(forged);
  });

  it('caps a line: a 100 kB field or message is not echoed whole', () => {
    for (const format of ['json', 'pretty'] as const) {
      const { lines, logger } = capture(format);
      logger.warn('x'.repeat(100_000), { name: 'y'.repeat(100_000) });
      expect(lines[0]!.length).toBeLessThan(5_000);
      expect(lines[0]).toContain('…[+99500 chars]');
    }
  });
});

describe('configuration', () => {
  it('refuses base URLs with credentials, without quoting them', () => {
    const ayo = { AYO_API_TOKEN: 'token-1234', AYO_VENUE_CODE: 'V1', AYO_VENUE_SECRET: 'secret-1234' };
    const s3 = {
      S3_ENDPOINT: 'https://x.r2.cloudflarestorage.com',
      S3_BUCKET: 'videos',
      S3_ACCESS_KEY_ID: 'AKIA-1234',
      S3_SECRET_ACCESS_KEY: 'sk-1234',
      S3_PUBLIC_BASE_URL: 'https://v.example.com',
    };
    for (const [name, url, others] of [
      ['AYO_API_BASE_URL', 'https://user:pa55word@iot-api.ayo.co.id/api/v1', ayo],
      ['S3_ENDPOINT', 'https://x.r2.cloudflarestorage.com/?X-Amz-Signature=sig123', s3],
      ['S3_PUBLIC_BASE_URL', 'https://cdn:pa55word@v.example.com', s3],
    ] as const) {
      let error: unknown;
      try {
        loadConfig({ ...others, [name]: url });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toContain(`${name} must not hold credentials`);
      expect((error as Error).message).not.toMatch(/pa55word|sig123/);
    }
  });
});

/** The service's base URL once it logs that it listens (a busy machine may take a while). */
function listening(p: ServiceProcess): Promise<string> {
  return waitFor(
    () => {
      if (p.child.exitCode !== null) throw new Error(`service exited ${p.child.exitCode}: ${p.err.join('\n')}`);
      for (const l of p.out) {
        const m = /listening on (http:\/\/[^\s"]+)/.exec(l);
        if (m) return m[1];
      }
      return undefined;
    },
    'the service to listen',
    120_000,
    100,
  );
}

/** An "AYO" that answers every request with an error echoing the request: its URL (token included) and the token. */
async function startEchoingAyo(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    res.writeHead(500, { 'content-type': 'application/json' });
    // A newline and terminal escapes first: the pretty log must not show them as a line of its own.
    const forged = '\nFORGED 🛑 SHUTDOWN: stopped cleanly\u001b[31m\r';
    const echo = `invalid token ${TOKEN}${forged} (${encodeURIComponent(TOKEN)}) on ${req.url} with "${VENUE_SECRET}"`;
    res.end(JSON.stringify({ error: true, status_code: 500, message: echo }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('a running service', () => {
  let ayo: { url: string; server: Server };
  let tmp: ReturnType<typeof tempDir>;
  beforeAll(async () => {
    ayo = await startEchoingAyo();
    tmp = tempDir();
  });
  afterAll(async () => {
    await new Promise((r) => ayo.server.close(r));
    tmp.cleanup();
  });

  const env = (format: 'json' | 'pretty', dir: string, withCameras: boolean) => ({
    DATA_DIR: path.join(tmp.dir, dir),
    PORT: '0',
    LOG_FORMAT: format,
    AYO_API_BASE_URL: ayo.url,
    AYO_API_TOKEN: TOKEN,
    AYO_VENUE_CODE: 'VENUE1',
    AYO_VENUE_SECRET: VENUE_SECRET,
    AYO_RETRY_BASE_DELAY: '10ms',
    BOOKING_SYNC_DAYS_BACK: '0',
    BOOKING_SYNC_DAYS_AHEAD: '0',
    CAMERAS: JSON.stringify(
      withCameras
        ? [
            {
              name: 'CAM_RTSP',
              fieldId: 1,
              url: `rtsp://admin:${CAM_PASSWORD}@127.0.0.1:1/stream?user=admin&pwd=${CAM_PASSWORD}`,
              enabled: true,
            },
            {
              name: 'CAM_HTTP',
              fieldId: 1,
              url: `http://127.0.0.1:1/video.cgi?user=admin&password=${HTTP_CAM_PASSWORD}`,
              enabled: true,
            },
          ]
        : [],
    ),
  });

  async function runUntilSyncFailed(p: ServiceProcess, withCameras: boolean) {
    const url = await listening(p);
    const sync = await waitFor(
      async () => {
        const body = await (await fetch(`${url}/api/sync`)).text();
        return body.includes('failedDates') && /"error":"[^"]/.test(body) ? body : undefined;
      },
      'a sync run with a failed date',
      120_000,
      200,
    );
    let cameras = '';
    if (withCameras) {
      // Both cameras have failed at least once (ffmpeg cannot reach them): their errors named their URLs.
      await waitFor(
        () => ['CAM_RTSP', 'CAM_HTTP'].every((c) => p.out.some((l) => l.includes(`${c} ffmpeg exited`))),
        'both cameras to fail',
        120_000,
        200,
      );
      cameras = await (await fetch(`${url}/api/cameras`)).text();
    }
    const actors = await (await fetch(`${url}/api/actors`)).text();
    return { url, sync, cameras, actors };
  }

  it('keeps secrets out of GET /api/sync, /api/cameras, /api/actors, the JSON log and the stored rows', async () => {
    const p = spawnService(env('json', 'json', true));
    try {
      const { sync, cameras, actors } = await runUntilSyncFailed(p, true);
      expectClean(sync);
      expectClean(cameras);
      expectClean(actors);
      // What was said stays useful: AYO's words with the token masked, the cameras' URLs with their parameters.
      expect(sync).toContain('invalid token ***');
      expect(cameras).toContain(`rtsp://admin:***@127.0.0.1:1/stream?user=admin&pwd=***`);
      expect(cameras).toContain(`http://127.0.0.1:1/video.cgi?user=admin&password=***`);
      p.child.kill('SIGTERM');
      expect((await p.exited).code).toBe(0);
      expectClean([...p.out, ...p.err].join('\n'));
      for (const line of p.out) expect(() => JSON.parse(line)).not.toThrow();
      expect(p.out.some((l) => (JSON.parse(l) as { msg: string }).msg.includes('invalid token ***'))).toBe(true);

      const db = new Database(path.join(tmp.dir, 'json', 'venue-recorder.db'), { readonly: true });
      try {
        const runs = db.prepare('SELECT failed_dates, error FROM sync_runs').all();
        expect(runs.length).toBeGreaterThan(0);
        const gaps = db.prepare('SELECT * FROM recording_gaps').all();
        expectClean(JSON.stringify(runs) + JSON.stringify(gaps));
        expect(JSON.stringify(runs)).toContain('invalid token ***');
      } finally {
        db.close();
      }
    } finally {
      p.child.kill('SIGKILL');
    }
  }, 240_000);

  it('keeps secrets out of the pretty log, and AYO text cannot forge a line there', async () => {
    const p = spawnService(env('pretty', 'pretty', false));
    try {
      await runUntilSyncFailed(p, false);
      p.child.kill('SIGTERM');
      expect((await p.exited).code).toBe(0);
      const all = [...p.out, ...p.err].join('\n');
      expectClean(all);
      expect(all).toContain('invalid token ***');
      // Every stdout line is one event: a timestamp and a level first.
      for (const line of p.out)
        expect(line).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (DEBUG|INFO |WARN |ERROR) /);
      expect(p.out.some(hasControls)).toBe(false);
      expect(all).toContain('invalid token ***\\nFORGED 🛑 SHUTDOWN: stopped cleanly\\x1b[31m\\r');
    } finally {
      p.child.kill('SIGKILL');
    }
  }, 240_000);
});
