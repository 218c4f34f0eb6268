// Every adapter classifies its own failures with a stable code, the code survives a thread boundary, and the API's
// one code → status table answers by it: a user sees the same status whatever the message says.
import fs from 'node:fs';
import path from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAyoClient } from '../src/ayo/index.js';
import { errorCode, hasCode, RemoteError, toErrorData, type ErrorData } from '../src/errors.js';
import { httpErrorFrom } from '../src/http/errors.js';
import { runMediaToEnd } from '../src/media/index.js';
import { createS3Store } from '../src/storage/index.js';
import { startFakeAyo, TEST_AYO, type FakeAyo } from './fixtures/fake-ayo.js';
import { tempDir } from './fixtures/helpers.js';
import { startFakeS3, type FakeS3 } from './fixtures/s3.js';

let ayo: FakeAyo;
let s3: FakeS3;
const tmp = tempDir();
beforeAll(async () => {
  ayo = await startFakeAyo(TEST_AYO);
  s3 = await startFakeS3();
});
afterAll(async () => {
  await ayo.close();
  await s3.close();
  tmp.cleanup();
});

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return errorCode(e);
  }
  throw new Error('expected a failure');
}

describe('error codes', () => {
  it('the AYO client names what AYO did: refused, failed, answered off-contract, timed out, unreachable', async () => {
    const client = createAyoClient({ ...TEST_AYO, baseUrl: ayo.baseUrl, timeoutMs: 300 });
    const call = () => client.call('GET', 'bookings', { date: '2025-04-10' });
    const cases: [Parameters<FakeAyo['fault']>[0]['kind'], string][] = [
      ['403', 'partner-rejected'],
      ['400', 'partner-rejected'],
      ['500', 'partner-failed'],
      ['503', 'partner-failed'],
      ['html', 'partner-failed'],
      ['malformed', 'bad-answer'],
      ['error-envelope', 'partner-failed'],
      ['string-flag', 'bad-answer'],
      ['hang', 'timeout'],
    ];
    for (const [kind, code] of cases) {
      ayo.clearFaults();
      ayo.fault({ kind, times: 1 });
      expect(await codeOf(call()), kind).toBe(code);
    }
    ayo.clearFaults();
    const nowhere = createAyoClient({ ...TEST_AYO, baseUrl: 'http://127.0.0.1:1', timeoutMs: 2_000 });
    expect(await codeOf(nowhere.call('GET', 'bookings', { date: '2025-04-10' }))).toBe('unreachable');
  });

  it('the object store names an unreachable store and a refusal', async () => {
    const file = path.join(tmp.dir, 'a.txt');
    fs.writeFileSync(file, 'a');
    expect(
      await codeOf(createS3Store({ ...s3.config, endpoint: 'http://127.0.0.1:1' }).put('k', file, 'text/plain')),
    ).toBe('unreachable');
    expect(await codeOf(createS3Store({ ...s3.config, bucket: 'no-such-bucket' }).put('k', file, 'text/plain'))).toBe(
      'store-failed',
    );
  });

  it('the ffmpeg runner names a missing binary, a failed run and a cancelled one', async () => {
    expect(await codeOf(runMediaToEnd('/nonexistent/ffmpeg', ['-version']))).toBe('ffmpeg-missing');
    expect(await codeOf(runMediaToEnd('ffmpeg', ['-hide_banner', '-i', path.join(tmp.dir, 'none.mp4')]))).toBe(
      'ffmpeg-failed',
    );
    const abort = new AbortController();
    abort.abort();
    expect(await codeOf(runMediaToEnd('ffmpeg', ['-version'], 10_000, abort.signal))).toBe('cancelled');
  });

  it('a code crosses a thread boundary as data and comes back as the same code', async () => {
    const { port1, port2 } = new MessageChannel();
    const received = new Promise<ErrorData>((resolve) => port2.once('message', resolve));
    try {
      await runMediaToEnd('/nonexistent/ffmpeg', ['-version']);
    } catch (e) {
      port1.postMessage(toErrorData(e));
    }
    const back = new RemoteError(await received);
    port1.close();
    expect(hasCode(back, 'ffmpeg-missing')).toBe(true);
    expect(back.message).toContain('not found');
  });

  it('the API answers by the code, not by the message', () => {
    const status = (code: string, message = 'anything at all') =>
      (
        httpErrorFrom(
          new RemoteError({ name: 'Whatever', message, retryable: false, code: code as never }),
          'Booking sync',
        ) as {
          statusCode?: number;
        }
      ).statusCode;
    expect(status('not-found')).toBe(404);
    expect(status('invalid')).toBe(400);
    expect(status('unavailable', 'actor sync is restarting')).toBe(503);
    expect(status('partner-rejected')).toBe(409);
    expect(status('permanent', 'not found')).toBe(409);
    // An unclassified failure is the server's own: passed on, answered 500 and logged by the error responder.
    const internal = new RemoteError({
      name: 'NotFoundError',
      message: 'no such booking',
      retryable: false,
      code: 'internal',
    });
    expect(httpErrorFrom(internal, 'Booking sync')).toBe(internal);
  });
});
