import type { Logger } from 'pino';
import type { SnapshotFrom } from 'xstate';
import type { DispatchListener } from '../../machines/dispatch-sequencer.js';
import type { DispatchFrame } from '../../machines/shard.events.js';
import type { ShardActorRef, ShardEmitted } from '../../machines/shard.machine.js';
import { DeliveredEvent } from '../events/bot-event.js';
import type { AnyBotEvent } from '../events/types.js';
import { shardChanged } from '../state.js';
import type { TransportHooks } from '../transport.js';

/** What every shard's watch asks of the gateway transport: one object, shared by all shards. */
export interface ShardWatchHost {
  readonly hooks: TransportHooks;
  readonly logger: Logger;
  shardLog(shardId: number): Logger;
  /** The shard's snapshot changed something its `ShardState` shows (or the shard completed). */
  changed(shardId: number, snapshot: SnapshotFrom<ShardActorRef>): void;
  emitted(shardId: number, event: ShardEmitted): void;
  failed(shardId: number, error: unknown): void;
}

/**
 * One shard's listeners — for its sequencer, its snapshots and its emitted events — as one object with methods, not
 * a closure each: a thousand idle shards (issue 20) pay one small object apiece. `dispatch` is the hot path: the
 * sequencer calls it for every dispatch, in order, once each.
 */
export class ShardWatch implements DispatchListener {
  readonly #shardId: number;
  readonly #shard: ShardActorRef;
  readonly #host: ShardWatchHost;
  #previous: SnapshotFrom<ShardActorRef>;

  private constructor(shard: ShardActorRef, host: ShardWatchHost) {
    this.#shard = shard;
    this.#host = host;
    this.#previous = shard.getSnapshot();
    this.#shardId = this.#previous.context.shardId;
  }

  static attach(shard: ShardActorRef, host: ShardWatchHost): void {
    const watch = new ShardWatch(shard, host);
    watch.#previous.context.dispatches.subscribe(watch);
    shard.on('*', (emitted) => host.emitted(watch.#shardId, emitted as ShardEmitted));
    shard.subscribe(watch);
  }

  dispatch(dispatch: DispatchFrame): void {
    const hooks = this.#host.hooks;
    hooks.deliver(new DeliveredEvent(dispatch.eventType, dispatch.id, dispatch.seq, this.#shardId, dispatch.data, hooks.replyServices) as unknown as AnyBotEvent);
  }

  duplicate(dispatch: DispatchFrame): void {
    if (this.#host.logger.isLevelEnabled('debug')) this.#host.shardLog(this.#shardId).debug({ seq: dispatch.seq, id: dispatch.id }, 'dropped a duplicate dispatch');
  }

  next(snapshot: SnapshotFrom<ShardActorRef>): void {
    if (!shardChanged(this.#previous, snapshot)) return;
    this.#previous = snapshot;
    this.#host.changed(this.#shardId, snapshot);
  }

  error(error: unknown): void {
    this.#host.failed(this.#shardId, error);
  }

  /** A shard in a final state completes without another `next`: its last snapshot is published. */
  complete(): void {
    this.#host.changed(this.#shardId, this.#shard.getSnapshot());
  }
}
