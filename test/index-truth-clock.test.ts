import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { firstVideoPts, parseProgressLine, runMediaToEnd, TS_MUX_OFFSET_SEC } from '../src/media/index.js';
import { createRunClock, placeSegment } from '../src/recording/run-clock.js';
import { tempDir } from './fixtures/helpers.js';

/** A deterministic pseudo-random sequence (the same delays on every run). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('a run placed on the wall clock by ffmpeg progress reports', () => {
  it('reads out_time_us from progress reports and nothing else', () => {
    expect(parseProgressLine('out_time_us=4700011')).toBe(4.700011);
    expect(parseProgressLine('out_time_us=N/A')).toBeUndefined();
    expect(parseProgressLine('out_time_ms=4700011')).toBeUndefined();
    expect(parseProgressLine('run_000001.ts,2.0,4.0')).toBeUndefined();
  });

  it('finds the origin within the shortest delay, whatever the late reports, the start-up burst and a busy minute', () => {
    const origin = 1_800_000_000_000;
    const rnd = random(7);
    const clock = createRunClock();
    expect(clock.wallOf(1)).toBeUndefined();
    // ffmpeg read its first 3 s in one burst after probing: those reports come seconds late.
    for (let t = 0; t < 3; t += 0.25) clock.observe(origin + 3_500 + t * 10, t);
    for (let t = 3; t < 600; t += 0.25) {
      // Each report comes 5-40 ms after the frame it names, a busy stretch 200-1500 ms.
      const busy = t > 120 && t < 240;
      const delay = busy ? 200 + rnd() * 1_300 : 5 + rnd() * 35;
      clock.observe(origin + t * 1000 + delay, t);
      if (t > 10) {
        const err = clock.wallOf(t)! - (origin + t * 1000);
        expect(err).toBeGreaterThanOrEqual(0);
        // Through two busy minutes the origin rises by 500 ppm at most (60 ms).
        expect(err).toBeLessThanOrEqual(t > 120 && t < 250 ? 45 + 60 : 45);
      }
    }
  });

  it('follows a camera clock drifting 200 ppm either way against the box clock over six hours', () => {
    for (const ppm of [200, -200]) {
      const origin = 1_800_000_000_000;
      const rnd = random(11);
      const clock = createRunClock();
      let worst = 0;
      for (let t = 0; t < 6 * 3600; t += 0.25) {
        // `t` is the camera's timeline; the frame reached the box at the box's time of it.
        const arrived = origin + t * 1000 * (1 + ppm / 1e6);
        clock.observe(arrived + 5 + rnd() * 30, t);
        if (t > 10) worst = Math.max(worst, Math.abs(clock.wallOf(t)! - arrived));
      }
      // Six hours at 200 ppm is 4.3 s: the index stays within the delays.
      expect(worst).toBeLessThan(40);
    }
  });

  it('keeps the index contiguous within a run, and places a segment after a jump where the clock says', () => {
    const clock = createRunClock();
    clock.observe(10_000, 0);
    const a = placeSegment(clock, { start: 0, end: 2 }, undefined)!;
    expect(a).toEqual({ startMs: 10_000, endMs: 12_000 });
    // A better bound moves the next end by its few ms; the start stays the previous end.
    clock.observe(11_990, 2);
    const b = placeSegment(clock, { start: 2, end: 4 }, { end: 2, endMs: a.endMs })!;
    expect(b).toEqual({ startMs: 12_000, endMs: 13_990 });
    // A segment that does not follow on ffmpeg's timeline starts where the clock puts it.
    const c = placeSegment(clock, { start: 6, end: 8 }, { end: 4, endMs: b.endMs })!;
    expect(c).toEqual({ startMs: 15_990, endMs: 17_990 });
  });

  it("moves the origin when the camera's timestamps jump back for good (30 s of reports all 1 s+ later)", () => {
    const clock = createRunClock();
    for (let t = 0; t < 60; t += 0.25) clock.observe(10_000 + t * 1000 + 10, t);
    expect(clock.wallOf(60)! - 70_000).toBeLessThan(20);
    // The camera restarted its timeline 5 s back: frames of "55 s" now arrive at 70 s and later.
    let worst = 0;
    for (let t = 55; t < 120; t += 0.25) {
      clock.observe(10_000 + (t + 5) * 1000 + 10, t);
      if (t > 90) worst = Math.max(worst, Math.abs(clock.wallOf(t)! - (10_000 + (t + 5) * 1000)));
    }
    expect(worst).toBeLessThan(20);
  });
});

describe('frames the demuxer holds back', () => {
  it("takes two frames' time off the origin for MPEG-TS, at the frame rate the reports show", () => {
    const ts = createRunClock(2);
    const rtsp = createRunClock(0);
    // 25 fps; each report is read 10 ms after the frame it names reached the box, plus the held frames.
    for (let t = 0; t < 5; t += 0.5) {
      ts.observe(1_000 + t * 1000 + 80 + 10, t, Math.round(t * 25));
      rtsp.observe(1_000 + t * 1000 + 10, t, Math.round(t * 25));
    }
    expect(ts.wallOf(4)).toBeCloseTo(5_010, 3);
    expect(rtsp.wallOf(4)).toBeCloseTo(5_010, 3);
  });
});

describe("a run's start", () => {
  it('is settled once the start-up burst is over: 2 s without the origin moving 50 ms earlier (20 s at most)', () => {
    const clock = createRunClock();
    expect(clock.settled(0)).toBe(false);
    // Probed for 3 s, then written at once: each report of the burst is an earlier origin.
    clock.observe(3_000, 0.5);
    clock.observe(3_100, 2.5);
    expect(clock.settled(3_100)).toBe(false);
    // Live from here, 10 ms after each frame.
    for (let t = 3.2; t < 5.2; t += 0.5) clock.observe(t * 1000 + 10, t);
    expect(clock.settled(4_800)).toBe(false);
    expect(clock.settled(5_300)).toBe(true);
    expect(clock.wallOf(1)).toBe(1_010);
    // A camera whose reports never settle is indexed after 20 s anyway.
    const restless = createRunClock();
    for (let t = 0; t < 20; t += 0.5) restless.observe(1_000 + t * 800, t);
    expect(restless.settled(1_000 + 19.5 * 800)).toBe(false);
    restless.observe(22_000, 23);
    expect(restless.settled(22_000)).toBe(true);
  });

  it("reads a segment file's first video timestamp, as ffmpeg's MPEG-TS muxer wrote it", async () => {
    const tmp = tempDir();
    try {
      const file = path.join(tmp.dir, 'a.ts');
      await runMediaToEnd('ffmpeg', [
        ...['-hide_banner', '-nostdin', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=10'],
        ...['-t', '1', '-c:v', 'libx264', '-output_ts_offset', '3.3', '-f', 'mpegts', file],
      ]);
      expect(firstVideoPts(file)).toBeCloseTo(3.3 + TS_MUX_OFFSET_SEC, 3);
      expect(firstVideoPts(path.join(tmp.dir, 'missing.ts'))).toBeUndefined();
    } finally {
      tmp.cleanup();
    }
  });
});
