import { describe, expect, it } from 'vitest';
import { createFrameParser } from '../src/buttons/index.js';
import { checkSlice, loadConfig } from '../src/config.js';
import { NotFoundError } from '../src/errors.js';
import { createManualClips } from '../src/manual-clips.js';
import { childSpecs } from '../src/service-children.js';

/** Feeds `chunks` one by one and gathers everything read. */
function feed(chunks: (string | Buffer)[], maxDigits?: number) {
  const p = createFrameParser({ maxDigits });
  const presses: number[] = [];
  let noise = 0;
  const samples: string[] = [];
  for (const c of chunks) {
    const r = p.push(c);
    presses.push(...r.presses);
    noise += r.noiseBytes;
    if (r.noiseSample) samples.push(r.noiseSample);
  }
  return { presses, noise, samples };
}

describe('the N; frame parser', () => {
  it('reads one frame, joined frames and a frame split across reads', () => {
    expect(feed(['1;']).presses).toEqual([1]);
    expect(feed(['1;2;14;']).presses).toEqual([1, 2, 14]);
    expect(feed(['1', ';']).presses).toEqual([1]);
    expect(feed(['1', '2', ';3', ';1', '0;']).presses).toEqual([12, 3, 10]);
    expect(feed([Buffer.from('7;8;')]).presses).toEqual([7, 8]);
  });

  it('ignores line ends between frames, and a line end inside a frame ends it', () => {
    expect(feed(['1;\r\n', '2;\r\n']).presses).toEqual([1, 2]);
    expect(feed(['\r\n\r\n3;\n']).noise).toBe(0);
    // A lost ';' must not merge buttons 1 and 2 into button 12.
    const r = feed(['1\r\n2;']);
    expect(r.presses).toEqual([2]);
    expect(r.noise).toBe(1);
  });

  it('drops noise bytes and keeps the frames around them', () => {
    const r = feed([Buffer.from([0xff, 0x00, 0x41]), '1;', 'xyz;', ';', '2;']);
    expect(r.presses).toEqual([1, 2]);
    expect(r.noise).toBe(3 + 4 + 1);
    expect(r.samples.join('')).toContain('\\xff\\x00A');
    // Digits before a noise byte are dropped; the digits after it start a new frame.
    expect(feed(['12x34;']).presses).toEqual([34]);
  });

  it('drops an over-long number whole without buffering it, and reads the next frame', () => {
    const long = '9'.repeat(1_000_000);
    const r = feed([long, long, ';5;']);
    expect(r.presses).toEqual([5]);
    expect(r.noise).toBe(2_000_001);
    // The sample shown in the log stays short whatever the flood.
    expect(r.samples.join('').length).toBeLessThan(100);
    expect(feed(['1234;'], 3).presses).toEqual([]);
    expect(feed(['123;'], 3).presses).toEqual([123]);
  });
});

describe('the manual clips shared by the route and the buttons', () => {
  it('limits a field for 30 s from an accepted request, frees it when nothing was made, and counts fields apart', async () => {
    let t = 1_000_000;
    const calls: number[] = [];
    let noBooking = true;
    const clips = createManualClips(
      async (fieldId) => {
        calls.push(fieldId);
        if (fieldId === 62 && noBooking)
          throw new NotFoundError('No booking with status success is running on field 62 now');
        return { bookingId: 'BK-1', windowStart: '', windowEnd: '', videos: [`v${fieldId}`] };
      },
      { now: () => t },
    );
    expect(await clips.request(61, 'CAM_1')).toMatchObject({ ok: true, value: { videos: ['v61'] } });
    t += 12_000;
    expect(await clips.request(61)).toEqual({ ok: false, code: 'limited', sinceSeconds: 12, retryAfterSeconds: 18 });
    expect(await clips.request(63)).toMatchObject({ ok: true });
    await expect(clips.request(62)).rejects.toThrow(/No booking/);
    noBooking = false;
    expect(await clips.request(62)).toMatchObject({ ok: true });
    t += 18_000;
    expect(await clips.request(61)).toMatchObject({ ok: true });
    expect(calls).toEqual([61, 63, 62, 62, 61]);
  });
});

describe('the button configuration', () => {
  it('is off without BUTTON_SERIAL_PORT, and with it starts ButtonActor alone in the buttons domain', () => {
    const off = loadConfig({ DATA_DIR: '/srv/venue' });
    expect(off.buttons).toBeUndefined();
    expect(childSpecs(off).map((c) => c.id)).not.toContain('button');
    const on = loadConfig({ DATA_DIR: '/srv/venue', BUTTON_SERIAL_PORT: '/dev/ttyUSB0' });
    expect(on.buttons).toEqual({ serialPort: '/dev/ttyUSB0', baudRate: 9600 });
    const spec = childSpecs(on).find((c) => c.id === 'button');
    expect(spec).toMatchObject({
      domain: 'buttons',
      restart: 'permanent',
      data: { path: '/dev/ttyUSB0', baudRate: 9600 },
    });
    expect(checkSlice('button', structuredClone(spec!.data))).toEqual(spec!.data);
    expect(() => checkSlice('button', { path: 'ttyUSB0', baudRate: 9601 })).toThrow(
      /button slice: path \(BUTTON_SERIAL_PORT\) must be an absolute path[\s\S]*baudRate \(BUTTON_BAUD_RATE\) must be one of/,
    );
  });

  it('refuses a relative port and a baud rate that is not a standard one, naming the variable', () => {
    expect(() => loadConfig({ BUTTON_SERIAL_PORT: 'ttyUSB0' })).toThrow(/BUTTON_SERIAL_PORT must be an absolute path/);
    expect(() => loadConfig({ BUTTON_SERIAL_PORT: '/dev/ttyUSB0', BUTTON_BAUD_RATE: '9601' })).toThrow(
      /BUTTON_BAUD_RATE must be one of 1200, .*9600.*115200/,
    );
    expect(loadConfig({ BUTTON_SERIAL_PORT: '/dev/ttyACM0', BUTTON_BAUD_RATE: '115200' }).buttons?.baudRate).toBe(
      115200,
    );
  });
});
