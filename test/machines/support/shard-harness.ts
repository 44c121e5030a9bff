import { createActor, fromCallback, fromPromise, SimulatedClock, type InspectionEvent } from 'xstate';
import type { DispatchFrame } from '../../../machines/shard.events.js';
import type { DecodedFrame, SocketCommand, SocketEvent, SocketInput } from '../../../machines/shard.events.js';
import { shardMachine, type ShardEmitted, type ShardInput } from '../../../machines/shard.machine.js';
import { Secret } from '../../../src/secret.js';

/** Delays as `shardMachine.provide()` takes them: a number, or a function of the machine's context. */
type ShardDelays = NonNullable<Parameters<typeof shardMachine.provide>[0]['delays']>;

/** One socket the shard opened, controllable from the test. */
export interface FakeSocket {
  input: SocketInput;
  /** Simulated time the shard opened it. */
  openedAt: number;
  commands: SocketCommand[];
  stopped: boolean;
  /**
   * Deliver a frame as if from the wire (also after the socket was stopped, to test staleness):
   * dispatches through the socket's gate, as the real socket does, everything else to the machine.
   */
  push(event: DecodedFrame): void;
}

export interface ShardHarnessOptions {
  input?: Partial<ShardInput>;
  /** Delay overrides; pass `shardMachine.implementations.delays.X` to keep a default the harness replaces. */
  delays?: ShardDelays;
  tokens?: () => Promise<Secret>;
  inspect?: (event: InspectionEvent) => void;
}

/**
 * The real shard machine under SimulatedClock with a fake socket and token source: every decision
 * can be driven event by event and every timer advanced exactly.
 */
export function createShardHarness(options: ShardHarnessOptions = {}) {
  const clock = new SimulatedClock();
  const sockets: FakeSocket[] = [];
  const tokenRequests: Array<{ forceRefresh?: boolean }> = [];
  const emitted: ShardEmitted[] = [];
  let tokenCounter = 0;
  const machine = shardMachine.provide({
    actors: {
      acquireToken: fromPromise(async ({ input }: { input: { forceRefresh?: boolean } }) => {
        tokenRequests.push(input);
        return options.tokens ? options.tokens() : new Secret(`token-${++tokenCounter}`);
      }),
      socket: fromCallback<SocketCommand, SocketInput, SocketEvent>(({ input, sendBack, receive }) => {
        const socket: FakeSocket = {
          input,
          openedAt: clock.now(),
          commands: [],
          stopped: false,
          push: (event) => (event.type === 'GATEWAY.DISPATCH' ? input.dispatches.accept(event) : sendBack(event)),
        };
        sockets.push(socket);
        receive((command) => socket.commands.push(command));
        return () => {
          socket.stopped = true;
        };
      }),
    },
    delays: { INVALID_SESSION_WAIT: 3_000, RECONNECT_BACKOFF: 1_000, ...options.delays },
  });
  const actor = createActor(machine, {
    clock,
    input: { shardId: 0, shardCount: 1, intents: 1 << 25, gatewayUrl: 'ws://test/websocket', ...options.input },
    inspect: options.inspect,
  });
  actor.on('*', (event) => emitted.push(event as ShardEmitted));
  const delivered: DispatchFrame[] = [];
  const duplicates: DispatchFrame[] = [];
  actor.getSnapshot().context.dispatches.subscribe({ dispatch: (d) => delivered.push(d), duplicate: (d) => duplicates.push(d) });
  actor.start();

  const socket = (): FakeSocket => {
    const last = sockets.at(-1);
    if (!last) throw new Error('no socket opened yet');
    return last;
  };
  const flush = async (): Promise<void> => {
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  };
  const connection = () => (actor.getSnapshot().value as { connection: unknown }).connection;
  const sentFrames = (s: FakeSocket = socket()) =>
    s.commands.filter((c): c is Extract<SocketCommand, { type: 'SEND' }> => c.type === 'SEND').map((c) => c.frame);

  /** Drives a fresh shard to READY: token, socket open, Hello, READY. */
  async function connectToReady(sessionId = 'session-1', heartbeatInterval = 10_000): Promise<void> {
    await flush();
    socket().push({ type: 'SOCKET.OPEN' });
    socket().push({ type: 'GATEWAY.HELLO', heartbeatInterval });
    socket().push({
      type: 'GATEWAY.READY',
      seq: 1,
      data: { version: 1, session_id: sessionId, user: { id: 'bot', username: 'bot', bot: true }, shard: [0, 1] },
    });
  }

  return { actor, clock, sockets, socket, tokenRequests, emitted, delivered, duplicates, flush, connection, sentFrames, connectToReady };
}
