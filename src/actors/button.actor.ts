// ButtonActor: owns the highlight buttons' serial line. It keeps the line open (reconnecting with backoff when the
// Arduino is unplugged), parses its `N;` frames and emits each press; the main thread makes the clip, through the
// same per-field limit as POST /api/request-booking-video.

import { checkSlice } from '../config.js';
import { createFrameParser, createLogThrottle, openSerialLine } from '../buttons/index.js';
import { assertNever, runActor } from '../supervisor/index.js';
import type { ButtonActorData, ButtonActorEvent, ButtonLineStatus, ButtonRequest } from './button.messages.js';

/** At most one noise line per this interval: a line full of garbage must not flood the log. */
const NOISE_LOG_EVERY_MS = 10_000;

runActor<ButtonRequest, ButtonLineStatus, ButtonActorEvent, ButtonActorData, never>((ctx) => {
  const { path, baudRate, retryMinMs, retryMaxMs } = checkSlice('button', ctx.data);
  const parser = createFrameParser();
  const sayNoise = createLogThrottle(NOISE_LOG_EVERY_MS);
  const line = openSerialLine({
    path,
    baudRate,
    retryMinMs,
    retryMaxMs,
    logger: ctx.logger,
    onStatus: (status) => ctx.emit({ type: 'button:line', status }),
    onData(chunk) {
      const { presses, noiseBytes, noiseSample } = parser.push(chunk);
      const atMs = Date.now();
      for (const button of presses) ctx.emit({ type: 'button:press', button, atMs });
      if (noiseBytes > 0)
        sayNoise('noise', (held) =>
          ctx.logger.warn(
            `🔘 BUTTONS: ignored ${noiseBytes} byte(s) on ${path} that are not "N;" frames (${JSON.stringify(noiseSample)})${held ? `; ${held} more chunk(s) with noise since the last line` : ''}`,
          ),
        );
    },
  });
  return {
    handle(req) {
      switch (req.type) {
        case 'button:status':
          return line.status();
        default:
          return assertNever(req.type);
      }
    },
    stop: () => line.close(),
  };
});
