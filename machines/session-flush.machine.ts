import { assign, fromPromise, setup, type ActorRefFrom } from 'xstate';

/**
 * When a bot writes its sessions to the session store (src/sessions/keeper.ts does the writing):
 * every FLUSH_INTERVAL, at once when asked (a new or resumed session: FLUSH.NOW), and a last time on
 * STOP, after the shards have closed their sockets, so the stored `seq` is the last one delivered.
 * A crash loses at most the last interval's progress: a new process RESUMEs from an older `seq` and
 * drops, by the stored ids, what it can, and the rest are the duplicates docs/scaling.md measures.
 *
 *   waiting ⇄ saving → finalSave → done
 */
export const sessionFlushMachine = setup({
  types: {
    context: {} as { again: boolean; stopRequested: boolean },
    events: {} as { type: 'FLUSH.NOW' } | { type: 'STOP' },
  },
  actors: {
    save: fromPromise<void, { final: boolean }>(async () => undefined),
  },
  guards: {
    stopRequested: ({ context }) => context.stopRequested,
    askedAgain: ({ context }) => context.again,
  },
  delays: {
    /** Short, so a crash repeats little; not per event, so a flood costs one write per interval. */
    FLUSH_INTERVAL: 1_000,
  },
}).createMachine({
  id: 'sessionFlush',
  context: { again: false, stopRequested: false },
  initial: 'waiting',
  states: {
    waiting: {
      after: { FLUSH_INTERVAL: 'saving' },
      on: { 'FLUSH.NOW': 'saving', STOP: 'finalSave' },
    },
    saving: {
      entry: assign({ again: false }),
      on: {
        'FLUSH.NOW': { actions: assign({ again: true }) },
        STOP: { actions: assign({ stopRequested: true }) },
      },
      invoke: {
        id: 'save',
        src: 'save',
        input: { final: false },
        onDone: [{ guard: 'stopRequested', target: 'finalSave' }, { guard: 'askedAgain', target: 'saving', reenter: true }, { target: 'waiting' }],
        onError: [{ guard: 'stopRequested', target: 'finalSave' }, { target: 'waiting' }],
      },
    },
    finalSave: {
      invoke: { id: 'finalSave', src: 'save', input: { final: true }, onDone: 'done', onError: 'done' },
    },
    done: { type: 'final' },
  },
});

export type SessionFlushActorRef = ActorRefFrom<typeof sessionFlushMachine>;
