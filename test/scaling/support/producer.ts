/** Events flowing while processes come and go: one dispatch per tick per shard, ids of those a session took. */
import type { Emulator } from '../../../src/emulator/index.js';

export class Producer {
  /** Ids of events the emulator assigned to a session (delivered: true): each must reach the bot once. */
  readonly dispatched: string[] = [];
  /** Dispatches no session took (no session for the shard at that moment): not counted as sent. */
  refused = 0;
  #timer: NodeJS.Timeout | undefined;
  #n = 0;

  constructor(
    private readonly emu: Emulator,
    private readonly shards: readonly number[],
    private readonly everyMs = 5,
  ) {}

  start(): void {
    this.#timer = setInterval(() => this.tick(), this.everyMs);
  }

  tick(): void {
    for (const shard of this.shards) {
      const n = this.#n++;
      const result = this.emu.dispatch(
        'PUBLIC_MESSAGE_DELETE',
        { message: { id: `m${n}`, channel_id: '100010', guild_id: '18700000000001', author: { id: '1', username: 'u', bot: false } }, op_user: { id: '1' } },
        { shard },
      );
      if (result.delivered) this.dispatched.push(result.id);
      else this.refused += 1;
    }
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
