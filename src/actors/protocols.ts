// Which requests each actor answers and what it replies to each (type-only): the main thread's calls are checked
// against this map, so a request sent to the wrong actor, or a reply read as the wrong shape, does not compile.

import type { ConnectivityRequest, ConnectivitySnapshot } from './connectivity.messages.js';
import type { DeliveryReply, DeliveryRequest } from './delivery.messages.js';
import type { SyncReply, SyncRequest } from './sync.messages.js';
import type { ClipRequestReply, ScanReply, VideoRequest } from './video.messages.js';

/** Per actor id: its request union and its reply per request type. */
export interface ActorProtocols {
  connectivity: { request: ConnectivityRequest; replies: { 'connectivity:status': ConnectivitySnapshot; 'connectivity:probe': ConnectivitySnapshot } };
  sync: { request: SyncRequest; replies: { 'sync:run': SyncReply } };
  video: { request: VideoRequest; replies: { 'video:scan': ScanReply; 'video:request-clip': ClipRequestReply } };
  upload: { request: DeliveryRequest; replies: { 'delivery:pump': DeliveryReply } };
  notify: { request: DeliveryRequest; replies: { 'delivery:pump': DeliveryReply } };
}

/** An actor id with a fixed protocol (recorders answer `recorder:status` under `recorder:<camera>`). */
export type ActorId = keyof ActorProtocols;
/** A request `Id` answers. */
export type RequestOf<Id extends ActorId> = ActorProtocols[Id]['request'];
/** What `Id` replies to a request of type `T`. */
export type ReplyOf<Id extends ActorId, T extends string> = T extends keyof ActorProtocols[Id]['replies'] ? ActorProtocols[Id]['replies'][T] : never;

/** Anything that can call an actor by id (the supervisor). */
interface Caller {
  call<Request extends { type: string }, Reply>(id: string, request: Request, opts?: { waitMs?: number; timeoutMs?: number }): Promise<Reply>;
}

/** Calls actor `id` with a request it answers, typed by the protocol map. */
export function callActor<Id extends ActorId, R extends RequestOf<Id>>(
  caller: Caller, id: Id, request: R, opts?: { waitMs?: number; timeoutMs?: number },
): Promise<ReplyOf<Id, R['type']>> {
  return caller.call<R, ReplyOf<Id, R['type']>>(id, request, opts);
}
