import { createActor, fromPromise, SimulatedClock, type AnyActorRef, type AnyStateMachine } from 'xstate';
import { startEmulator, type Emulator } from '../../../src/emulator/index.js';
import type { TransitionRecorder } from './coverage.js';
import { appId, secret, World } from './world.js';

/** One call of a promise actor the model settles by hand. */
export interface PendingCall {
  actor: string;
  input: unknown;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/**
 * A machine whose I/O is promise actors (the session flush, the lease rounds, the identify
 * coordination): each call waits in `pending` until a model step resolves or rejects it, on a
 * simulated clock. (The emulator is idle; `World` watches it for activity.)
 */
export class WorkWorld extends World {
  readonly emu: Emulator;
  readonly actor: AnyActorRef;
  readonly pending: PendingCall[] = [];
  readonly calls: PendingCall[] = [];
  readonly emitted: string[] = [];

  private constructor(emu: Emulator, clock: SimulatedClock, recorder: TransitionRecorder, machine: AnyStateMachine, actors: string[], input: unknown) {
    super(clock);
    this.emu = emu;
    const provided = Object.fromEntries(
      actors.map((name) => [
        name,
        fromPromise<unknown, unknown>(
          ({ input: callInput }) =>
            new Promise((resolve, reject) => {
              const call: PendingCall = { actor: name, input: callInput, resolve, reject };
              this.pending.push(call);
              this.calls.push(call);
            }),
        ),
      ]),
    );
    const logic = machine.provide({ actors: provided } as never);
    this.actor = createActor(logic, { clock, input, inspect: this.inspector(recorder) } as never) as AnyActorRef;
    this.actor.on('*', (event: { type: string }) => this.emitted.push(event.type));
    this.actor.start();
  }

  static async start(recorder: TransitionRecorder, machine: AnyStateMachine, actors: string[], input?: unknown): Promise<WorkWorld> {
    const clock = new SimulatedClock();
    const emu = await startEmulator({ appId, secret });
    return new WorkWorld(emu, clock, recorder, machine, actors, input);
  }

  /** Settles the oldest pending call of `actor`. */
  settleCall(actor: string, outcome: { value?: unknown; error?: unknown }): void {
    const index = this.pending.findIndex((call) => call.actor === actor);
    const call = this.pending[index];
    if (!call) throw new Error(`no pending ${actor} call`);
    this.pending.splice(index, 1);
    if ('error' in outcome) call.reject(outcome.error);
    else call.resolve(outcome.value);
  }

  async dispose(): Promise<void> {
    this.actor.stop();
    await this.emu.close();
  }
}
