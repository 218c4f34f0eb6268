import { describe, expect, it } from 'vitest';
import {
  acceptsOf,
  callActor,
  type ActorEvent,
  type ForwardedEvent,
  type ServiceSupervisor,
} from '../src/actors/protocols.js';
import type {
  SyncActorData,
  SyncActorEvent,
  SyncNotification,
  SyncReply,
  SyncRequest,
} from '../src/actors/sync.messages.js';
import { assertNever, type Actor, type ActorContext } from '../src/supervisor/index.js';

/** A caller that records what it is asked and answers `reply`. */
function recorder(reply: unknown) {
  const asked: { id: string; request: unknown }[] = [];
  return {
    asked,
    async call<Request extends { type: string }, Reply>(id: string, request: Request): Promise<Reply> {
      asked.push({ id, request });
      return reply as Reply;
    },
  };
}

// The checks below are compile-time ones: `npm test` runs tsc, and every `@ts-expect-error` fails the build if the
// line under it compiles. The functions holding them are never called.

describe('typed actor calls', () => {
  it('sends the request to the actor named and types its reply by the request', async () => {
    const caller = recorder({ created: 2, cancelled: 0 });
    const r = await callActor(caller, 'video', { type: 'video:scan' });
    // Typed as the scan reply: reading a field of the clip reply would not compile.
    const created: number = r.created;
    expect(created).toBe(2);
    expect(caller.asked).toEqual([{ id: 'video', request: { type: 'video:scan' } }]);
  });

  it('calls a recorder by its camera id', async () => {
    const caller = recorder({ camera: 'CAM_1', state: 'recording', lastSegmentAt: 1, restarts: 0, lastError: null });
    const r = await callActor(caller, 'recorder:CAM_1', { type: 'recorder:status' });
    const state: string = r.state;
    expect(state).toBe('recording');
    expect(caller.asked).toEqual([{ id: 'recorder:CAM_1', request: { type: 'recorder:status' } }]);
  });

  it("does not compile a request sent to an actor that does not answer it (checked by npm test's tsc)", () => {
    const caller = recorder(undefined);
    const wrong = () => {
      // @ts-expect-error SyncActor does not answer video requests.
      void callActor(caller, 'sync', { type: 'video:scan' });
      // @ts-expect-error a request field of the wrong type.
      void callActor(caller, 'video', { type: 'video:request-clip', fieldId: '50' });
      // @ts-expect-error no actor of that id.
      void callActor(caller, 'nobody', { type: 'sync:run', trigger: 'x' });
      // @ts-expect-error a recorder answers only recorder requests.
      void callActor(caller, 'recorder:CAM_1', { type: 'sync:run', trigger: 'x' });
    };
    expect(typeof wrong).toBe('function');
  });
});

describe('typed actor events and notifications', () => {
  it("an actor emits only its own events (checked by npm test's tsc)", () => {
    const emits = (ctx: ActorContext<SyncActorEvent, SyncActorData>) => {
      ctx.emit({ type: 'ayo:call', endpoint: 'health-check', outcome: 'success' });
      ctx.emit({ type: 'circuit:change', dependency: 'ayo', state: 'open' });
      // @ts-expect-error SyncActor does not emit a recorder's events.
      ctx.emit({ type: 'recorder:state', camera: 'CAM_1', state: 'recording', reason: null });
      // @ts-expect-error its circuit guards AYO only.
      ctx.emit({ type: 'circuit:change', dependency: 'object-store', state: 'open' });
      // @ts-expect-error a misspelt event.
      ctx.emit({ type: 'ayo:cal', endpoint: 'health-check', outcome: 'success' });
    };
    expect(typeof emits).toBe('function');
  });

  it("an actor's notify takes only the notifications it accepts, exhaustively (checked by npm test's tsc)", () => {
    const handled: string[] = [];
    const actor: Actor<SyncRequest, SyncReply, SyncNotification> = {
      handle: () => {
        throw new Error('not called');
      },
      notify(m) {
        switch (m.type) {
          case 'connectivity:change':
            handled.push(`${m.target} ${m.online}`);
            return;
          case 'recorder:state':
            handled.push(`${m.camera} ${m.state}`);
            return;
          case 'cameras:changed':
            handled.push(m.cameras.map((c) => c.name).join(','));
            return;
          default:
            assertNever(m);
        }
      },
    };
    actor.notify?.({ type: 'recorder:state', camera: 'CAM_1', state: 'recording', reason: null });
    expect(handled).toEqual(['CAM_1 recording']);

    const wrong = () => {
      // @ts-expect-error SyncActor does not accept queue wake-ups.
      actor.notify?.({ type: 'queue:changed' });
      // @ts-expect-error a notification missing its fields.
      actor.notify?.({ type: 'connectivity:change' });
      const partial: Actor<SyncRequest, SyncReply, SyncNotification> = {
        handle: () => {
          throw new Error('not called');
        },
        notify(m) {
          switch (m.type) {
            case 'connectivity:change':
              return;
            default:
              // @ts-expect-error recorder:state is not handled, so `m` is not `never` here.
              assertNever(m);
          }
        },
      };
      return partial;
    };
    expect(typeof wrong).toBe('function');
  });

  it("the supervisor broadcasts only notifications some actor accepts, and its subscribers read typed events (checked by npm test's tsc)", () => {
    const typed = (sup: ServiceSupervisor) => {
      sup.broadcast({ type: 'queue:changed' });
      sup.broadcast({ type: 'connectivity:change', target: 'ayo', label: 'AYO API', online: true, reason: null });
      // @ts-expect-error no actor accepts a circuit change.
      sup.broadcast({ type: 'circuit:change', dependency: 'ayo', state: 'open' });
      // @ts-expect-error a misspelt notification.
      sup.broadcast({ type: 'queue:change' });
      sup.events.on('actor:event', ({ event }) => {
        if (event.type === 'recorder:state') {
          const recording: boolean = event.state === 'recording';
          void recording;
        }
        // @ts-expect-error no actor emits this event.
        if (event.type === 'recorder:started') return;
      });
    };
    expect(typeof typed).toBe('function');
  });

  it('forwards exactly the events that are also notifications, and routes each to the actors that accept it', () => {
    const forwarded: Record<ForwardedEvent['type'], true> = {
      'connectivity:change': true,
      'booking:changed': true,
      'booking:vanished': true,
      'recorder:state': true,
      'dependency:answered': true,
      'ayo:call': true,
      'sync:run': true,
    };
    // A forwarded event is an event: this assignment compiles only while that holds.
    const asEvent = (e: ForwardedEvent): ActorEvent => e;
    expect(typeof asEvent).toBe('function');
    expect(Object.keys(forwarded)).toHaveLength(7);
    expect(acceptsOf('sync')).toEqual(['connectivity:change', 'recorder:state', 'cameras:changed']);
    expect(acceptsOf('video')).toEqual(['booking:changed', 'booking:vanished', 'queue:changed', 'cameras:changed']);
    expect(acceptsOf('upload')).toEqual(['connectivity:change', 'dependency:answered', 'queue:changed']);
    expect(acceptsOf('notify')).toEqual([
      'connectivity:change',
      'dependency:answered',
      'ayo:call',
      'sync:run',
      'queue:changed',
    ]);
    expect(acceptsOf('connectivity')).toEqual([]);
    expect(acceptsOf('recorder')).toEqual([]);
  });
});
