// ButtonActor's child spec: started only when BUTTON_SERIAL_PORT is set, in a failure domain of its own.

import type { ButtonActorData } from '../actors/button.messages.js';
import { acceptsOf } from '../actors/protocols.js';
import type { Config } from '../config.js';
import type { ChildSpec } from '../supervisor/index.js';
import { BUTTON_ACTOR_ID } from './button-desk.js';

/**
 * ButtonActor when a serial line is configured, else nothing. Its domain, `buttons`, is non-critical and its own: a
 * crash loop there (a driver fault, a bug) spends only its budget, so it can neither stop uploads (delivery) nor make
 * the service give up (recording); a line that merely fails is not a crash at all, only a `waiting` state.
 */
export function buttonChildren(
  config: Pick<Config, 'buttons'>,
  entry: URL,
  resourceLimits: { maxOldGenerationSizeMb: number },
): ChildSpec[] {
  if (!config.buttons) return [];
  return [
    {
      id: BUTTON_ACTOR_ID,
      entry,
      domain: 'buttons',
      restart: 'permanent',
      shutdownMs: 2_000,
      resourceLimits,
      accepts: acceptsOf('button'),
      data: { path: config.buttons.serialPort, baudRate: config.buttons.baudRate } satisfies ButtonActorData,
    },
  ];
}
