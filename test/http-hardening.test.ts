// The HTTP edge under hostile or unlucky clients: huge bodies, foreign Host and Origin headers, non-JSON bodies,
// slow clients, a crowd of snapshot requests, odd ids stored from AYO. The real app on a real server, real ffmpeg.

import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { createSegmentsRepo, openDatabase, type Db, type SyncRunRecord } from '../src/db/index.js';
import { createHttpApp, startHttpServer, type RunningServer, type ServiceControl } from '../src/http/index.js';
import { MAX_BODY_BYTES } from '../src/http/body-limit.js';
import { makeFootage } from './fixtures/footage.js';
import { captureLogger, tempDir, waitFor } from './fixtures/helpers.js';

const MB = 1024 * 1024;
const tmp = tempDir();
let db: Db;
let server: RunningServer;
const syncCalls: number[] = [];
const clipCalls: number[] = [];
const log = captureLogger();

/** Just enough of the running service for the routes that change state. */
const control: ServiceControl = {
  actors: () => [],
  notReadyReason: () => undefined,
  accepting: () => true,
  runSync: async () => {
    syncCalls.push(Date.now());
    return { trigger: 'manual' } as unknown as SyncRunRecord;
  },
  cameras: () => [],
  requestClip: async (fieldId) => {
    clipCalls.push(fieldId);
    return { bookingId: 'BK-1', windowStart: '', windowEnd: '', videos: [] };
  },
};

beforeAll(async () => {
  db = openDatabase(path.join(tmp.dir, 'db.sqlite'));
  server = await startHttpServer(
    createHttpApp({ db, apiKey: undefined, logger: log.logger, control, allowedHosts: ['venue-box.lan', '10.1.2.3'] }),
    { port: 0, host: '127.0.0.1' },
  );
});
afterAll(async () => {
  await server?.close(100);
  db?.close();
  tmp.cleanup();
});

/** One request with exactly the headers given (fetch would not let us set Host). */
function request(
  method: string,
  urlPath: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; body: any; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, method, path: urlPath, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        let parsed: any;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = text;
        }
        resolve({ status: res.statusCode ?? 0, body: parsed, text });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Sends up to `total` bytes in 1 MB writes, with or without a declared length, until the server answers; then
 * stops. Resolves with the answer and how much was sent.
 */
function bigPost(total: number, chunked: boolean): Promise<{ status: number; body: any; sent: number }> {
  const chunk = Buffer.alloc(MB, 'a');
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const headers: Record<string, string | number> = { 'content-type': 'application/json', host: '127.0.0.1' };
    if (!chunked) headers['content-length'] = total;
    const req = http.request(
      { host: '127.0.0.1', port: server.port, method: 'POST', path: '/api/request-booking-video', headers },
      (res) => {
        answered = true;
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          req.destroy();
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(text), sent });
        });
      },
    );
    // Once the server has answered and closed, the rest of the body cannot be written: that is the point.
    req.on('error', (e) => {
      if (!answered) reject(e);
    });
    const pump = () => {
      while (!answered && sent < total) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!answered) req.end();
    };
    pump();
  });
}

describe('the body limit', () => {
  it.each([
    ['a declared Content-Length', false],
    ['a chunked body', true],
  ])(
    'refuses 300 MB sent with %s with 413 and JSON, and the server does not buffer it',
    { timeout: 120_000 },
    async (_what, chunked) => {
      global.gc?.();
      const before = process.memoryUsage().rss;
      const r = await bigPost(300 * MB, chunked);
      const grown = process.memoryUsage().rss - before;
      expect(r.status).toBe(413);
      expect(r.body).toEqual({
        status: 'error',
        message: `Request body too large: at most ${MAX_BODY_BYTES} bytes are accepted`,
      });
      // On main the whole body was buffered: RSS grew by more than the body. Now it stays far below it.
      expect(grown).toBeLessThan(64 * MB);
      expect(r.sent).toBeLessThan(300 * MB);
      expect(clipCalls).toEqual([]);
      // The server goes on answering.
      expect((await request('GET', '/healthz', { host: '127.0.0.1' })).status).toBe(200);
    },
  );

  it('reads a body just under the limit as before', async () => {
    const body = JSON.stringify({ field_id: 50, pad: 'x'.repeat(MAX_BODY_BYTES - 100) });
    const r = await request(
      'POST',
      '/api/request-booking-video',
      { host: '127.0.0.1', 'content-type': 'application/json' },
      body,
    );
    expect(r.status).toBe(400);
    expect(r.body.message).toBe('Unknown field "pad": allowed are field_id, camera_name');
    const ok = await request(
      'POST',
      '/api/request-booking-video',
      { host: '127.0.0.1', 'content-type': 'application/json; charset=utf-8' },
      JSON.stringify({ field_id: 7 }),
    );
    expect(ok.status).toBe(202);
    expect(clipCalls).toEqual([7]);
  });
});

describe('Host, Origin and Content-Type', () => {
  it.each([
    ['127.0.0.1'],
    ['127.0.0.1:8080'],
    ['localhost:8080'],
    ['LOCALHOST'],
    ['[::1]:8080'],
    ['venue-box.lan:8080'],
    ['Venue-Box.LAN.'],
    ['10.1.2.3:8080'],
  ])('answers a request for Host %s', async (host) => {
    const r = await request('GET', '/api/sync', { host });
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('success');
  });

  it.each([['evil.test'], ['evil.test:8080'], ['127.0.0.1.evil.test'], ['localhost.evil.test'], ['10.1.2.4']])(
    'refuses Host %j with 421 and a JSON message naming ALLOWED_HOSTS',
    async (host) => {
      const r = await request('GET', '/api/bookings', { host });
      expect(r.status).toBe(421);
      expect(r.body.status).toBe('error');
      expect(r.body.message).toMatch(/is not a name of this service: .*ALLOWED_HOSTS/);
    },
  );

  it('refuses a request without a Host header (HTTP/1.0) with 421', async () => {
    const socket = net.connect(server.port, '127.0.0.1');
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (c: string) => (answer += c));
    const closed = new Promise((r) => socket.on('close', r));
    socket.write('GET /api/bookings HTTP/1.0\r\n\r\n');
    await closed;
    expect(answer).toMatch(/^HTTP\/1\.1 421 /);
    expect(answer).toMatch(/"message":"Host \\"\\" is not a name of this service/);
  });

  it('answers monitoring under any Host (Prometheus and health checks use names the service cannot know)', async () => {
    for (const p of ['/healthz', '/readyz'])
      expect((await request('GET', p, { host: 'venue-recorder:8080' })).status).toBe(200);
  });

  it.each([
    ['http://evil.test', '/api/sync'],
    ['http://127.0.0.1:1', '/api/sync'],
    ['null', '/api/request-booking-video'],
    ['http://localhost.evil.test', '/api/queue/1/retry'],
  ])('refuses a state change from Origin %s with 403, before anything runs', async (origin, p) => {
    const r = await request(
      'POST',
      p,
      { host: `127.0.0.1:${server.port}`, origin, 'content-type': 'application/json' },
      JSON.stringify({ field_id: 1 }),
    );
    expect(r.status).toBe(403);
    expect(r.body.message).toMatch(/^Cross-origin request refused: Origin ".*" is not this service$/);
    expect(syncCalls).toEqual([]);
  });

  it.each([
    ['text/plain', '{"field_id": 1}'],
    ['application/x-www-form-urlencoded', 'field_id=1'],
    ['multipart/form-data; boundary=x', '--x--'],
    [undefined, '{"field_id": 1}'],
    ['text/plain', undefined],
    [undefined, undefined],
  ])('refuses a POST whose Content-Type is %s with 415', async (type, body) => {
    const headers: Record<string, string> = { host: '127.0.0.1' };
    if (type) headers['content-type'] = type;
    for (const p of ['/api/sync', '/api/request-booking-video']) {
      const r = await request('POST', p, headers, body);
      expect(r.status).toBe(415);
      expect(r.body.message).toMatch(
        /^Unsupported Content-Type ".*": state changes are sent as application\/json \(an empty body is fine\)$/,
      );
    }
    expect(syncCalls).toEqual([]);
    expect(clipCalls.filter((f) => f === 1)).toEqual([]);
  });

  it('takes a same-origin JSON POST, and a bodiless one that says it is JSON', async () => {
    const same = await request(
      'POST',
      '/api/sync',
      {
        host: `localhost:${server.port}`,
        origin: `http://localhost:${server.port}`,
        'content-type': 'application/json',
      },
      '{}',
    );
    expect(same.status).toBe(200);
    const bare = await request('POST', '/api/sync', {
      host: `127.0.0.1:${server.port}`,
      'content-type': 'application/json',
      'content-length': '0',
    });
    expect(bare.status).toBe(200);
    expect(syncCalls).toHaveLength(2);
  });
});

describe('ALLOWED_HOSTS', () => {
  it('is a list of names and addresses without ports; anything else is refused at start', () => {
    expect(loadConfig({ ALLOWED_HOSTS: ' Venue-Box.lan, 192.168.1.20,[fe80::1] ' }).allowedHosts).toEqual([
      'venue-box.lan',
      '192.168.1.20',
      '[fe80::1]',
    ]);
    expect(loadConfig({}).allowedHosts).toEqual([]);
    for (const bad of ['venue-box.lan:8080', 'http://venue-box.lan', '*.lan', 'a b']) {
      expect(() => loadConfig({ ALLOWED_HOSTS: bad })).toThrow(
        /ALLOWED_HOSTS must be a comma-separated list of host names/,
      );
    }
  });

  it('warns at start when the service binds every address but answers only loopback names', async () => {
    const warned = captureLogger();
    createHttpApp({ db, apiKey: 'k'.repeat(16), logger: warned.logger, boundHost: '0.0.0.0' });
    expect(warned.lines.join('\n')).toMatch(
      /HOST is 0\.0\.0\.0 but ALLOWED_HOSTS is empty: only loopback names are answered/,
    );
    const quiet = captureLogger();
    createHttpApp({
      db,
      apiKey: 'k'.repeat(16),
      logger: quiet.logger,
      boundHost: '0.0.0.0',
      allowedHosts: ['10.0.0.5'],
    });
    createHttpApp({ db, apiKey: undefined, logger: quiet.logger, boundHost: '127.0.0.1' });
    expect(quiet.lines.join('\n')).not.toMatch(/ALLOWED_HOSTS/);
  });

  it.each([
    ['10.9.8.7', '10.9.8.7:8080', 200],
    ['10.9.8.7', '10.9.8.6', 421],
    ['0.0.0.0', '0.0.0.0:8080', 421],
    ['::', '[::]:8080', 421],
    ['0.0.0.0', 'localhost:8080', 200],
  ])('bound to %s, answers Host %s with %i', async (boundHost, host, status) => {
    // The server listens on 127.0.0.1 whatever HOST says: only the name check differs.
    const bound = await startHttpServer(createHttpApp({ db, apiKey: 'k'.repeat(16), logger: log.logger, boundHost }), {
      port: 0,
      host: '127.0.0.1',
    });
    try {
      const r = await new Promise<number>((resolve, reject) => {
        http
          .get({ host: '127.0.0.1', port: bound.port, path: '/', headers: { host } }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          })
          .on('error', reject);
      });
      expect(r).toBe(status);
    } finally {
      await bound.close(100);
    }
  });
});

describe('query parameters and ids', () => {
  it.each([['__proto__'], ['constructor'], ['prototype'], ['__proto__[polluted]']])(
    'refuses ?%s=1 as an unknown parameter',
    async (name) => {
      const r = await request('GET', `/api/bookings?${encodeURIComponent(name)}=1`, { host: '127.0.0.1' });
      expect(r.status).toBe(400);
      expect(r.body.message).toBe(`Unknown parameter ${JSON.stringify(name)}: allowed are status, date, limit`);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    },
  );
});

describe('slow clients', () => {
  it('disconnects clients that trickle their headers, while others are answered', { timeout: 120_000 }, async () => {
    const slowServer = await startHttpServer(createHttpApp({ db, apiKey: undefined, logger: log.logger }), {
      port: 0,
      host: '127.0.0.1',
      limits: { headersTimeoutMs: 2_000 },
    });
    const sockets: { socket: net.Socket; closed: boolean; sent: number }[] = [];
    const timers: NodeJS.Timeout[] = [];
    try {
      for (let i = 0; i < 20; i++) {
        const socket = net.connect(slowServer.port, '127.0.0.1');
        const s = { socket, closed: false, sent: 0 };
        socket.on('close', () => (s.closed = true));
        socket.on('error', () => (s.closed = true));
        socket.on('data', () => undefined);
        socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
        // One byte at a time, forever: without a headers deadline the socket would be held for good.
        timers.push(
          setInterval(() => {
            if (!s.closed) {
              socket.write('a');
              s.sent++;
            }
          }, 100),
        );
        sockets.push(s);
      }
      await waitFor(() => sockets.every((s) => s.sent > 0), 'the slow clients to start trickling', 30_000);
      // While they trickle, everyone else is answered.
      for (let i = 0; i < 5; i++) expect((await fetch(`${slowServer.url}/healthz`)).status).toBe(200);
      await waitFor(() => sockets.every((s) => s.closed), 'every slow client to be disconnected', 60_000);
      expect((await fetch(`${slowServer.url}/healthz`)).status).toBe(200);
    } finally {
      timers.forEach(clearInterval);
      sockets.forEach((s) => s.socket.destroy());
      await slowServer.close(100);
    }
  });

  it('caps connections: past the cap new ones are dropped, and served again once others leave', async () => {
    const capped = await startHttpServer(createHttpApp({ db, apiKey: undefined, logger: log.logger }), {
      port: 0,
      host: '127.0.0.1',
      limits: { maxConnections: 3 },
    });
    const held: net.Socket[] = [];
    try {
      for (let i = 0; i < 3; i++) {
        const s = net.connect(capped.port, '127.0.0.1');
        await new Promise((r) => s.once('connect', r));
        held.push(s);
      }
      await waitFor(
        () => new Promise<boolean>((r) => capped.server.getConnections((_e, n) => r(n === 3))),
        'three connections to be held',
      );
      await expect(fetch(`${capped.url}/healthz`)).rejects.toThrow();
      held.forEach((s) => s.destroy());
      await waitFor(
        async () => (await fetch(`${capped.url}/healthz`).catch(() => undefined))?.status === 200,
        'service again',
      );
    } finally {
      held.forEach((s) => s.destroy());
      await capped.close(100);
    }
  });
});

describe('camera snapshots', () => {
  it(
    '20 parallel cold requests start one ffmpeg per camera, and at most two at once',
    { timeout: 180_000 },
    async () => {
      const recordingsDir = path.join(tmp.dir, 'recordings');
      const cameras = ['CAM_A', 'CAM_B', 'CAM_C'];
      const segments = createSegmentsRepo(db);
      for (const camera of cameras) {
        const [seg] = await makeFootage(path.join(recordingsDir, camera), {
          t0Ms: Date.now(),
          seconds: 2,
          segmentSeconds: 2,
        });
        segments.insert({
          camera,
          file: path.relative(recordingsDir, seg!.file),
          start_ms: seg!.startMs,
          end_ms: seg!.endMs,
          duration_ms: seg!.endMs - seg!.startMs,
          size_bytes: fs.statSync(seg!.file).size,
          created_at: new Date().toISOString(),
        });
      }
      // A wrapper ffmpeg that logs each start and end: the processes the service spawns, counted from outside.
      const starts = path.join(tmp.dir, 'ffmpeg.log');
      const wrapper = path.join(tmp.dir, 'ffmpeg-wrapper.sh');
      fs.writeFileSync(
        wrapper,
        `#!/bin/sh\necho "start $$" >> '${starts}'\nffmpeg "$@"\nrc=$?\necho "end $$" >> '${starts}'\nexit $rc\n`,
        {
          mode: 0o755,
        },
      );
      const snap = await startHttpServer(
        createHttpApp({
          db,
          apiKey: undefined,
          logger: log.logger,
          snapshots: { recordingsDir, ffmpeg: wrapper, cameras },
        }),
        { port: 0, host: '127.0.0.1' },
      );
      try {
        const answers = await Promise.all(
          Array.from({ length: 21 }, async (_, i) => {
            const res = await fetch(`${snap.url}/api/cameras/${cameras[i % 3]}/snapshot.jpg`);
            return {
              status: res.status,
              type: res.headers.get('content-type'),
              bytes: (await res.arrayBuffer()).byteLength,
            };
          }),
        );
        for (const a of answers) expect(a).toMatchObject({ status: 200, type: 'image/jpeg' });
        for (const a of answers) expect(a.bytes).toBeGreaterThan(100);
        const lines = fs.readFileSync(starts, 'utf8').trim().split('\n');
        expect(lines.filter((l) => l.startsWith('start'))).toHaveLength(3);
        let running = 0;
        let most = 0;
        for (const l of lines) {
          running += l.startsWith('start') ? 1 : -1;
          most = Math.max(most, running);
        }
        expect(most).toBeLessThanOrEqual(2);
      } finally {
        await snap.close(100);
      }
    },
  );
});
