// The highlight buttons' endpoint (src/http/buttons.routes.ts): the serial line and each button's presses.

import type { ButtonsLineDto, PressOutcome } from '../../buttons/index.js';
import { paths, STRICT_QUERY } from './operation.js';
import { allOf, array, boolean, instant, integer, json, nullable, object, string, success } from './schema.js';

const LINE_STATES = allOf<ButtonsLineDto['state']>()('disabled', 'connecting', 'open', 'waiting');
const OUTCOMES = allOf<PressOutcome>()('clip', 'limited', 'no-booking', 'camera-disabled', 'failed', 'unknown-button');
const count = integer(undefined, { minimum: 0 });

const line = object({
  state: {
    enum: LINE_STATES,
    description:
      'disabled: BUTTON_SERIAL_PORT is unset; connecting: opening it; open: reading presses; waiting: it could not be opened or was lost (unplugged), tried again at nextAttemptAt',
  },
  path: nullable(string('BUTTON_SERIAL_PORT')),
  baudRate: nullable(integer('BUTTON_BAUD_RATE')),
  since: nullable(instant('Since when the line is in this state')),
  lastError: nullable(string('Why the last attempt failed or the open line was lost')),
  nextAttemptAt: nullable(instant('The next attempt to open the line (while waiting)')),
  failedAttempts: integer('Failed attempts in a row (0 while open)', { minimum: 0 }),
});

const button = object({
  button: integer('The number the button sends (`N;`): a camera’s buttonNo in CAMERAS', { minimum: 0 }),
  camera: string(),
  fieldId: integer(),
  enabled: boolean('The camera is enabled (a disabled one’s presses make no clip)'),
  presses: object({
    clip: count,
    limited: count,
    'no-booking': count,
    'camera-disabled': count,
    failed: count,
  }),
  lastPressAt: nullable(instant()),
  lastOutcome: nullable({ enum: OUTCOMES }),
});

/** GET /api/buttons. */
export const buttonPaths = paths('cameras', {
  '/api/buttons': {
    get: {
      summary: 'The highlight buttons: their serial line and presses',
      description: `A press of button N makes a clip of the camera whose buttonNo is N, exactly as POST /api/request-booking-video does, under the same 30 s limit per field (a press within it is counted as limited, not queued). Counts are since the service started. ${STRICT_QUERY}`,
      responses: {
        200: json(
          'The line, each configured button with its presses by outcome, and presses of numbers no camera has',
          success({ data: object({ line, buttons: array(button), unknownPresses: count }) }),
        ),
      },
      errors: [400],
    },
  },
});
