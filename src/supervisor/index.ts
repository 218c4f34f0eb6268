// The supervised actor runtime.
//
// Terminology:
// - actor: a long-running part of the service, isolated in its own worker thread, talking to the main thread only
//   through messages (requests/replies over comlink, events and logs over the control channel).
// - handle: the main thread's object for one actor incarnation (one worker): ready handshake, calls, heartbeats.
// - child spec: how the supervisor starts an actor and what it does when it ends (permanent | transient | temporary).
// - restart intensity: the number of restarts allowed within a time window; a stricter one applies to crashes
//   before the ready handshake.
// - event: a domain fact an actor emits (`noun:verb`); the supervisor hands it to the main thread's subscribers.
// - notification: a one-way message the main thread broadcasts to the actors that accept its type.
// - clock: the supervisor's time (backoff, stable runs, intensity windows); real by default, manual in tests.
// - failure domain: a group of children with a restart intensity of its own (recording, sync, delivery, ...). Past
//   it a non-critical domain is failed: its actors are stopped and the domain is started again after a long backoff,
//   while the other domains run on. A critical domain past its intensity makes the supervisor give up.
// - give-up: past a critical domain's intensity the supervisor stops every actor and reports why; the process exits
//   non-zero so that the service manager or container runtime restarts it.
// - runtime child: one added, replaced or removed while the supervisor runs (RuntimeSupervisor), e.g. a camera's
//   recorder after the camera list changed; the other children are not touched.

export { runActor, assertNever, type Actor, type ActorContext } from './actor-runtime.js';
export { ActorUnavailableError, type ActorHandleOptions, type ExitInfo } from './actor-handle.js';
export type { ChildSpec, ChildState, ChildStatus, DomainState, DomainStatus, RestartType } from './child-spec.js';
export { TypedEmitter, type Listener } from './events.js';
export type { Result } from './protocol.js';
export { restartDelay, type BackoffOptions, type IntensityOptions } from './restart-policy.js';
export type { Clock, ClockTimer } from './clock.js';
export { Supervisor } from './supervisor.js';
export { RuntimeSupervisor } from './runtime-children.js';
export type { SupervisorEvents } from './supervisor-events.js';
export type { DomainOptions, Strategy, SupervisorOptions } from './supervisor-options.js';
