// Each actor's protocol in one map: the requests it answers and its reply to each, the events it emits, and the
// notifications it accepts. The main thread's calls, the supervisor's `actor:event` payload and its broadcasts are
// checked against this map, so a request sent to the wrong actor, an event nobody declared, or a notification no
// actor accepts does not compile.

import type { DependencyAnsweredEvent } from '../connectivity/index.js';
import type { ButtonActorEvent, ButtonLineStatus, ButtonRequest } from './button.messages.js';
import type { ConnectivityEvent, ConnectivityRequest, ConnectivitySnapshot } from './connectivity.messages.js';
import type { DeliveryEvent, DeliveryReply, DeliveryRequest } from './delivery.messages.js';
import type { RecorderActorEvent, RecorderReply, RecorderRequest } from './recorder.messages.js';
import type { BookingChangeEvent, SyncActorEvent, SyncNotification, SyncReply, SyncRequest } from './sync.messages.js';
import type { ClipRequestReply, ScanReply, VideoActorEvent, VideoRequest } from './video.messages.js';
import type { RuntimeSupervisor } from '../supervisor/index.js';
import type { CamerasChangedNotification } from './cameras.messages.js';

/** The main thread's own notification: new work is queued (an operator's retry, say); actors that run jobs look now. */
export type QueueChangedNotification = { type: 'queue:changed' };

/** Per actor kind: its request union, its reply per request type, the events it emits, the notifications it accepts. */
export interface ActorProtocols {
  connectivity: {
    request: ConnectivityRequest;
    replies: { 'connectivity:status': ConnectivitySnapshot; 'connectivity:probe': ConnectivitySnapshot };
    events: ConnectivityEvent | DependencyAnsweredEvent;
    notifications: never;
  };
  sync: {
    request: SyncRequest;
    replies: { 'sync:run': SyncReply };
    events: SyncActorEvent;
    notifications: SyncNotification;
  };
  /** One per enabled camera, as `recorder:<camera>`. */
  recorder: {
    request: RecorderRequest;
    replies: { 'recorder:status': RecorderReply };
    events: RecorderActorEvent;
    notifications: never;
  };
  video: {
    request: VideoRequest;
    replies: { 'video:scan': ScanReply; 'video:request-clip': ClipRequestReply };
    events: VideoActorEvent;
    notifications: BookingChangeEvent | QueueChangedNotification | CamerasChangedNotification;
  };
  upload: {
    request: DeliveryRequest;
    replies: { 'delivery:pump': DeliveryReply };
    events: DeliveryEvent;
    notifications: DeliveryNotification;
  };
  notify: {
    request: DeliveryRequest;
    replies: { 'delivery:pump': DeliveryReply };
    events: DeliveryEvent;
    notifications: DeliveryNotification | AyoAnswerEvent;
  };
  /** The highlight buttons' serial line, when BUTTON_SERIAL_PORT is set. */
  button: {
    request: ButtonRequest;
    replies: { 'button:status': ButtonLineStatus };
    events: ButtonActorEvent;
    notifications: never;
  };
}

/** What both delivery actors accept: their dependency's reachability, a probe it answered, and new work. */
type DeliveryNotification = ConnectivityEvent | DependencyAnsweredEvent | QueueChangedNotification;
/** SyncActor's reports of AYO's answers (health-check, camera status, a sync): NotifyActor hears AYO recover. */
type AyoAnswerEvent = Extract<SyncActorEvent, { type: 'ayo:call' | 'sync:run' }>;

/** A kind of actor. */
export type ActorKind = keyof ActorProtocols;
/** An actor id: its kind, except recorders, which are one per camera (`recorder:<camera>`). */
export type ActorId = Exclude<ActorKind, 'recorder'> | `recorder:${string}`;
/** The kind of actor `Id` is. */
export type KindOf<Id extends ActorId> = Id extends `recorder:${string}`
  ? 'recorder'
  : Exclude<Id, `recorder:${string}`>;
/** A request `Id` answers. */
export type RequestOf<Id extends ActorId> = ActorProtocols[KindOf<Id>]['request'];
/** What `Id` replies to a request of type `T`. */
export type ReplyOf<Id extends ActorId, T extends string> = T extends keyof ActorProtocols[KindOf<Id>]['replies']
  ? ActorProtocols[KindOf<Id>]['replies'][T]
  : never;
/** The events actors of kind `K` emit. */
export type EventOf<K extends ActorKind> = ActorProtocols[K]['events'];
/** The notifications actors of kind `K` accept. */
export type NotificationOf<K extends ActorKind> = ActorProtocols[K]['notifications'];

/** Every event any actor emits: the payload of the supervisor's `actor:event`. */
export type ActorEvent = { [K in ActorKind]: EventOf<K> }[ActorKind];
/** Every notification some actor accepts: what the supervisor may broadcast. */
export type ActorNotification = { [K in ActorKind]: NotificationOf<K> }[ActorKind];
/** The events that are also notifications: the service forwards each to the actors that accept it. */
export type ForwardedEvent = Extract<ActorEvent, ActorNotification>;
/** The service's supervisor: its `actor:event` payloads and broadcasts are typed by this map. */
export type ServiceSupervisor = RuntimeSupervisor<ActorEvent, ActorNotification>;

/**
 * The notification types each kind accepts, as data for its child spec's `accepts` (the supervisor routes by it).
 * Checked both ways against the map: a type missing here, or one the kind does not accept, fails to compile.
 */
const ACCEPTS = {
  connectivity: {},
  sync: { 'connectivity:change': true, 'recorder:state': true, 'cameras:changed': true },
  recorder: {},
  video: { 'booking:changed': true, 'booking:vanished': true, 'queue:changed': true, 'cameras:changed': true },
  upload: { 'connectivity:change': true, 'dependency:answered': true, 'queue:changed': true },
  notify: {
    'connectivity:change': true,
    'dependency:answered': true,
    'ayo:call': true,
    'sync:run': true,
    'queue:changed': true,
  },
  button: {},
} as const satisfies { [K in ActorKind]: Record<NotificationOf<K>['type'], true> };

/** The notification types actors of kind `K` accept (a child spec's `accepts`). */
export function acceptsOf<K extends ActorKind>(kind: K): NotificationOf<K>['type'][] {
  return Object.keys(ACCEPTS[kind]) as NotificationOf<K>['type'][];
}

/** Anything that can call an actor by id (the supervisor). */
interface Caller {
  call<Request extends { type: string }, Reply>(
    id: string,
    request: Request,
    opts?: { waitMs?: number; timeoutMs?: number },
  ): Promise<Reply>;
}

/** Calls actor `id` with a request it answers, typed by the protocol map. */
export function callActor<Id extends ActorId, R extends RequestOf<Id>>(
  caller: Caller,
  id: Id,
  request: R,
  opts?: { waitMs?: number; timeoutMs?: number },
): Promise<ReplyOf<Id, R['type']>> {
  return caller.call<R, ReplyOf<Id, R['type']>>(id, request, opts);
}
