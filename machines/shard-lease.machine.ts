import { assign, fromPromise, setup, type ActorRefFrom } from 'xstate';

/**
 * When a process renews its shard leases (src/leases/lease-keeper.ts does the work): every
 * RENEW_INTERVAL (a third of the lease, so two renewals can fail before a lease lapses), and on STOP
 * a last round that gives every lease back, after the shards have stopped and their sessions are stored.
 *
 *   waiting ⇄ renewing → leaving → done
 */
export const shardLeaseMachine = setup({
  types: {
    context: {} as { stopRequested: boolean },
    events: {} as { type: 'STOP' },
  },
  actors: {
    renew: fromPromise<void, void>(async () => undefined),
    leave: fromPromise<void, void>(async () => undefined),
  },
  guards: {
    stopRequested: ({ context }) => context.stopRequested,
  },
  delays: {
    RENEW_INTERVAL: 1_000,
  },
}).createMachine({
  id: 'shardLease',
  context: { stopRequested: false },
  initial: 'renewing',
  states: {
    waiting: {
      after: { RENEW_INTERVAL: 'renewing' },
      on: { STOP: 'leaving' },
    },
    renewing: {
      on: { STOP: { actions: assign({ stopRequested: true }) } },
      invoke: {
        id: 'renew',
        src: 'renew',
        onDone: [{ guard: 'stopRequested', target: 'leaving' }, { target: 'waiting' }],
        onError: [{ guard: 'stopRequested', target: 'leaving' }, { target: 'waiting' }],
      },
    },
    leaving: {
      invoke: { id: 'leave', src: 'leave', onDone: 'done', onError: 'done' },
    },
    done: { type: 'final' },
  },
});

export type ShardLeaseActorRef = ActorRefFrom<typeof shardLeaseMachine>;
