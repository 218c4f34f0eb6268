// The main thread's side of the highlight buttons: turns each press ButtonActor reads into a manual clip of the
// button's camera (through the per-field limit the HTTP route uses), counts presses per button and outcome, keeps the
// serial line's last state for GET /api/buttons, and feeds the button metrics.

import type { ButtonActorEvent, ButtonLineStatus } from '../actors/button.messages.js';
import type { ActorEvent } from '../actors/protocols.js';
import type { Config } from '../config.js';
import { describeError, hasCode } from '../errors.js';
import type { Logger } from '../log.js';
import type { ManualClips } from '../manual-clips.js';
import type { Metrics } from '../metrics/index.js';
import type { CameraConfig } from '../recording/cameras.js';
import type { SupervisorEvents, TypedEmitter } from '../supervisor/index.js';
import { createLogThrottle } from './log-throttle.js';

/** What came of a press. */
export type PressOutcome =
  | 'clip' // a clip of the camera was requested and accepted
  | 'limited' // its field had a clip within the last 30 s (or one is being made): counted, not queued
  | 'no-booking' // no booking is running on the camera's field now: no clip
  | 'camera-disabled' // the button's camera is disabled in CAMERAS: no clip
  | 'failed' // the video pipeline did not answer (restarting, shutting down): no clip
  | 'unknown-button'; // no camera has this buttonNo: ignored

const OUTCOMES: readonly PressOutcome[] = [
  'clip',
  'limited',
  'no-booking',
  'camera-disabled',
  'failed',
  'unknown-button',
];
/** The outcomes of a press of a configured button. */
type CameraOutcome = Exclude<PressOutcome, 'unknown-button'>;
const CAMERA_OUTCOMES = OUTCOMES.filter((o): o is CameraOutcome => o !== 'unknown-button');
const noPresses = () => Object.fromEntries(CAMERA_OUTCOMES.map((o) => [o, 0])) as Record<CameraOutcome, number>;

/** The serial line as GET /api/buttons shows it: ButtonActor's last report, or `disabled` (no BUTTON_SERIAL_PORT). */
export interface ButtonsLineDto {
  state: 'disabled' | ButtonLineStatus['state'];
  path: string | null;
  baudRate: number | null;
  since: string | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  failedAttempts: number;
}

/** GET /api/buttons's `data`: the line, each configured button with its counts, and the unknown numbers pressed. */
export interface ButtonsDto {
  line: ButtonsLineDto;
  buttons: {
    button: number;
    camera: string;
    fieldId: number;
    enabled: boolean;
    presses: Record<CameraOutcome, number>;
    lastPressAt: string | null;
    lastOutcome: PressOutcome | null;
  }[];
  unknownPresses: number;
}

/** Dependencies of {@link createButtonDesk}. */
export interface ButtonDeskDeps {
  config: Pick<Config, 'buttons' | 'cameras'>;
  /** The cameras as they are now, when they can change while the service runs (default: `config.cameras`). */
  cameras?: () => readonly CameraConfig[];
  clips: ManualClips;
  logger: Logger;
  metrics?: Metrics;
}

/** The actor id of ButtonActor. */
export const BUTTON_ACTOR_ID = 'button';

/** A repeated line about one button (limited, no booking, unknown) at most this often. */
const REPEAT_LOG_EVERY_MS = 10_000;

/**
 * Builds the desk. Example: `const desk = createButtonDesk({ config, clips, logger, metrics }); desk.listen(sup.events)`;
 * GET /api/buttons answers `desk.status()`.
 */
export function createButtonDesk(deps: ButtonDeskDeps) {
  const { logger, metrics } = deps;
  const cameras = deps.cameras ?? (() => deps.config.cameras);
  /** The camera of each button number, read at each use (a camera change applies to the next press). */
  const byButton = () => {
    const map = new Map<number, CameraConfig>();
    for (const c of cameras()) if (c.buttonNo !== undefined) map.set(c.buttonNo, c);
    return map;
  };
  const counts = new Map<
    number,
    { presses: Record<CameraOutcome, number>; at: string | null; last: PressOutcome | null }
  >();
  const countsOf = (button: number) => {
    let c = counts.get(button);
    if (!c) counts.set(button, (c = { presses: noPresses(), at: null, last: null }));
    return c;
  };
  let unknownPresses = 0;
  const say = createLogThrottle(REPEAT_LOG_EVERY_MS);
  const line = deps.config.buttons;
  let lineStatus: ButtonLineStatus | undefined;

  if (line) {
    const mapped = [...byButton()].sort(([a], [b]) => a - b).map(([n, c]) => `${n} → ${c.name}`);
    if (mapped.length) logger.info(`🔘 BUTTONS: ${line.serialPort}: button ${mapped.join(', ')}`);
    else logger.warn(`🔘 BUTTONS: BUTTON_SERIAL_PORT is set but no camera has a "buttonNo": every press is ignored`);
  }
  if (line && metrics) {
    for (const n of byButton().keys())
      for (const outcome of CAMERA_OUTCOMES) metrics.buttonPresses.inc({ button: String(n), outcome }, 0);
    metrics.buttonPresses.inc({ button: 'unknown', outcome: 'unknown-button' }, 0);
    metrics.buttonPortUp.set(0);
  }

  const count = (button: number, outcome: PressOutcome) => {
    if (outcome === 'unknown-button') {
      metrics?.buttonPresses.inc({ button: 'unknown', outcome });
      unknownPresses++;
      return;
    }
    metrics?.buttonPresses.inc({ button: String(button), outcome });
    const c = countsOf(button);
    c.presses[outcome]++;
    c.at = new Date().toISOString();
    c.last = outcome;
  };

  const onLine = (status: ButtonLineStatus) => {
    lineStatus = status;
    metrics?.buttonPortUp.set(status.state === 'open' ? 1 : 0);
  };

  /** Handles one press: a clip of the button's camera, or a counted, logged reason why not. Never throws. */
  const press = async (button: number): Promise<PressOutcome> => {
    const camera = byButton().get(button);
    if (!camera) {
      say(`unknown:${button}`, (held) =>
        logger.warn(
          `🔘 BUTTON: button ${button} pressed, but no camera has "buttonNo": ${button}; ignored${again(held)}`,
        ),
      );
      count(button, 'unknown-button');
      return 'unknown-button';
    }
    const who = `button ${button} (camera ${camera.name}, field ${camera.fieldId})`;
    if (!camera.enabled) {
      say(`disabled:${button}`, (held) =>
        logger.warn(`🔘 BUTTON: ${who}: the camera is disabled; no clip${again(held)}`),
      );
      count(button, 'camera-disabled');
      return 'camera-disabled';
    }
    let outcome: PressOutcome;
    try {
      const r = await deps.clips.request(camera.fieldId, camera.name);
      if (r.ok) {
        outcome = 'clip';
        logger.info(
          `🔘 BUTTON: ${who}: highlight clip of booking ${r.value.bookingId} (${r.value.windowStart} to ${r.value.windowEnd}): ${r.value.videos.join(', ')}`,
        );
      } else {
        outcome = 'limited';
        say(`limited:${button}`, (held) =>
          logger.info(
            `🔘 BUTTON: ${who}: a clip of field ${camera.fieldId} was requested ${r.sinceSeconds}s ago; press ignored, not queued (next in ${r.retryAfterSeconds}s)${again(held)}`,
          ),
        );
      }
    } catch (e) {
      outcome = hasCode(e, 'not-found') ? 'no-booking' : 'failed';
      const reason = describeError(e);
      if (outcome === 'no-booking')
        say(`none:${button}`, (held) => logger.warn(`🔘 BUTTON: ${who}: no clip: ${reason}${again(held)}`));
      else logger.error(`🔘 BUTTON: ${who}: the clip could not be requested: ${reason}`);
    }
    count(button, outcome);
    return outcome;
  };

  /** Handles one of ButtonActor's events. */
  const onEvent = (e: ButtonActorEvent): void => {
    if (e.type === 'button:line') onLine(e.status);
    else void press(e.button);
  };

  return {
    press,
    /** Subscribes to the supervisor: ButtonActor's events, and its ends (a line whose actor is down is not open). */
    listen(events: TypedEmitter<SupervisorEvents<ActorEvent>>): void {
      events.on('actor:event', ({ id, event }) => {
        if (id === BUTTON_ACTOR_ID && (event.type === 'button:line' || event.type === 'button:press')) onEvent(event);
      });
      const down = (reason: string) => {
        if (!lineStatus || !line) return;
        onLine({
          ...lineStatus,
          state: 'waiting',
          since: new Date().toISOString(),
          lastError: reason,
          nextAttemptAt: null,
        });
      };
      events.on('actor:crash', ({ id, reason }) => {
        if (id === BUTTON_ACTOR_ID) down(`ButtonActor crashed: ${reason}`);
      });
      events.on('actor:stop', ({ id }) => {
        if (id === BUTTON_ACTOR_ID) down('ButtonActor stopped');
      });
    },
    /** The line and the buttons, for GET /api/buttons. */
    status(): ButtonsDto {
      const l: ButtonsLineDto = !line
        ? {
            state: 'disabled',
            path: null,
            baudRate: null,
            since: null,
            lastError: null,
            nextAttemptAt: null,
            failedAttempts: 0,
          }
        : {
            state: 'connecting',
            since: null,
            lastError: null,
            nextAttemptAt: null,
            failedAttempts: 0,
            ...lineStatus,
            path: line.serialPort,
            baudRate: line.baudRate,
          };
      return {
        line: l,
        buttons: [...byButton().entries()]
          .sort(([a], [b]) => a - b)
          .map(([button, c]) => {
            const k = countsOf(button);
            return {
              button,
              camera: c.name,
              fieldId: c.fieldId,
              enabled: c.enabled,
              presses: { ...k.presses },
              lastPressAt: k.at,
              lastOutcome: k.last,
            };
          }),
        unknownPresses,
      };
    },
  };
}

const again = (held: number) => (held ? ` (${held} more like it since the last line)` : '');
