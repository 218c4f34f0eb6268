// Messages of ButtonActor, which owns the highlight buttons' serial line (type-only; both threads import it).

/** The serial line's state as ButtonActor sees it (`disabled` is the main thread's: no line is configured). */
export type ButtonLineState =
  | 'connecting' // opening the port
  | 'open' // open and reading `N;` frames
  | 'waiting'; // the port could not be opened, or was lost (unplugged): the next attempt is at `nextAttemptAt`

/** The line's state with what a person at the venue needs: why it is down and when it is tried again. */
export interface ButtonLineStatus {
  state: ButtonLineState;
  /** BUTTON_SERIAL_PORT. */
  path: string;
  /** Since when the line is in this state (ISO-8601 UTC). */
  since: string;
  /** Why the last attempt failed or the open line was lost; null once it is open. */
  lastError: string | null;
  /** When the next attempt to open it starts (while waiting), else null. */
  nextAttemptAt: string | null;
  /** Failed attempts in a row (0 while open; counted on until the line stays open 10 s, so a flapping one backs off). */
  failedAttempts: number;
}

/** Requests ButtonActor answers. */
export type ButtonRequest = { type: 'button:status' };

/** What ButtonActor reports: its line's state changes, and each press read (the main thread makes the clip). */
export type ButtonActorEvent =
  { type: 'button:line'; status: ButtonLineStatus } | { type: 'button:press'; button: number; atMs: number };

/** The actor's configuration slice. */
export interface ButtonActorData {
  /** BUTTON_SERIAL_PORT. */
  path: string;
  /** BUTTON_BAUD_RATE. */
  baudRate: number;
  /** First and longest wait between attempts to open the line (default 250 ms doubling to 5 s). */
  retryMinMs?: number;
  retryMaxMs?: number;
}
