import { describe, expect, it } from 'vitest';
import { callActor } from '../src/actors/protocols.js';

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

describe('typed actor calls', () => {
  it('sends the request to the actor named and types its reply by the request', async () => {
    const caller = recorder({ created: 2, cancelled: 0 });
    const r = await callActor(caller, 'video', { type: 'video:scan' });
    // Typed as the scan reply: reading a field of the clip reply would not compile.
    const created: number = r.created;
    expect(created).toBe(2);
    expect(caller.asked).toEqual([{ id: 'video', request: { type: 'video:scan' } }]);
  });

  it('does not compile a request sent to an actor that does not answer it (checked by npm test\'s tsc)', () => {
    const caller = recorder(undefined);
    const wrong = () => {
      // @ts-expect-error SyncActor does not answer video requests.
      void callActor(caller, 'sync', { type: 'video:scan' });
      // @ts-expect-error a request field of the wrong type.
      void callActor(caller, 'video', { type: 'video:request-clip', fieldId: '50' });
      // @ts-expect-error no actor of that id.
      void callActor(caller, 'nobody', { type: 'sync:run', trigger: 'x' });
    };
    expect(typeof wrong).toBe('function');
  });
});
