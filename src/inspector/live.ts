import type { AnyActorRef, InspectionEvent, Subscription as ActorSubscription } from 'xstate';
import type { Subscription } from 'rxjs';
import type { Bot } from '../bot.js';
import { actorPath, machineIdOf, parentPath } from './actor-path.js';
import { StepBuilder, type InspectorStep } from './steps.js';
import type { InspectorSource, InspectorInit } from './source.js';

/** Steps kept for a page that connects later (its timeline); the picture itself is rebuilt from the baseline. */
const historySize = 2_000;
/** Dispatches shown per batch at most: the timeline samples them, the shard table counts them all. */
const dispatchesPerBatch = 8;
const contentChars = 200;

export interface LiveSourceOptions {
  /** Put message contents (`data.content`) of sampled dispatches on the page. Default false. */
  showContent?: boolean;
  /** The actors to watch: the bot's root actor, or a webhook bot's token and webhook actors. */
  roots: AnyActorRef[];
}

/**
 * The live side of the inspector: listens to every actor of a running bot through XState's
 * system-level inspection (attached now, detached on close: the bot never waits for it and never
 * sees it fail), turns what it hears into steps, and hands them out in batches. The per-event work
 * is a type check and, for a transition, a few property reads; JSON and sockets happen per batch.
 */
export class LiveSource implements InspectorSource {
  readonly mode = 'live' as const;
  readonly #builder: StepBuilder;
  readonly #history: InspectorStep[] = [];
  #pending: InspectorStep[] = [];
  readonly #living = new Map<string, AnyActorRef>();
  readonly #detach: Array<() => void> = [];
  readonly #watching = new Map<AnyActorRef, ActorSubscription>();
  readonly #showContent: boolean;
  #dispatchSample: InspectorStep[] = [];
  #closed = false;

  constructor(bot: Bot, options: LiveSourceOptions) {
    this.#showContent = options.showContent ?? false;
    this.#builder = new StepBuilder((step) => this.#push(step));
    for (const root of options.roots) {
      this.#walk(root);
      const inspection = root.system.inspect({ next: (event: InspectionEvent) => this.#onInspection(event) });
      this.#detach.push(() => inspection.unsubscribe());
    }
    const errors: Subscription = bot.errors$.subscribe((error) => {
      const shard = (error as { shard?: unknown }).shard;
      const root = options.roots[0] ? actorPath(options.roots[0]) : 'bot';
      this.#push({
        t: 'error',
        at: Date.now(),
        actor: typeof shard === 'number' ? `${root}/shard-${shard}` : null,
        code: error.code,
        message: error.message,
        fatal: error.fatal,
      });
    });
    const events: Subscription = bot.events$.subscribe((event) => {
      const data = event.data as { content?: unknown } | null;
      const step: InspectorStep = {
        t: 'dispatch',
        at: Date.now(),
        actor: `bot/shard-${event.shard}`,
        type: event.type,
        seq: event.seq,
        ...(this.#showContent && typeof data?.content === 'string' ? { content: data.content.slice(0, contentChars) } : {}),
      };
      this.#dispatchSample.push(step);
      if (this.#dispatchSample.length > dispatchesPerBatch) this.#dispatchSample.shift();
    });
    this.#detach.push(
      () => errors.unsubscribe(),
      () => events.unsubscribe(),
    );
  }

  init(): InspectorInit {
    return { mode: 'live', history: [...this.#history], baseline: this.#builder.baseline(), now: Date.now(), showContent: this.#showContent };
  }

  /** The steps since the last call, with fresh shard and token figures. */
  drain(): InspectorStep[] {
    const now = Date.now();
    for (const [path, actor] of this.#living) {
      const snapshot = actor.getSnapshot() as { value?: unknown; context?: unknown };
      this.#builder.observeContext(path, now, snapshot.value, snapshot.context);
    }
    if (this.#dispatchSample.length > 0) {
      for (const step of this.#dispatchSample) this.#push(step);
      this.#dispatchSample = [];
    }
    const out = this.#pending;
    this.#pending = [];
    return out;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const detach of this.#detach.splice(0)) detach();
    for (const subscription of this.#watching.values()) subscription.unsubscribe();
    this.#watching.clear();
    this.#living.clear();
  }

  #push(step: InspectorStep): void {
    if (this.#closed) return;
    this.#pending.push(step);
    if (step.t === 'stats') return;
    this.#history.push(step);
    if (this.#history.length > historySize) this.#history.splice(0, this.#history.length - historySize);
  }

  /** Actors already running when the inspector attaches: spawned, in their current state. */
  #walk(actor: AnyActorRef): void {
    const snapshot = actor.getSnapshot() as { value?: unknown; status?: string; context?: unknown; children?: Record<string, AnyActorRef | undefined> };
    if ((actor as unknown as { _processingStatus?: number })._processingStatus === 2) return;
    this.#spawned(actor);
    this.#builder.observe({ type: '@xstate.snapshot', at: Date.now(), path: actorPath(actor), parent: parentPath(actor), value: snapshot.value, status: snapshot.status ?? 'active', context: snapshot.context });
    for (const child of Object.values(snapshot.children ?? {})) if (child) this.#walk(child);
  }

  #spawned(actor: AnyActorRef): void {
    const path = actorPath(actor);
    const machine = machineIdOf(actor);
    this.#builder.observe({ type: '@xstate.actor', at: Date.now(), path, parent: parentPath(actor), machine });
    if (machine === 'shard' || machine === 'token') this.#living.set(path, actor);
    // Each actor's subscription goes when it stops: a bot that reconnects for months spawns sockets by the thousand.
    const stopped = () => {
      if (this.#living.get(path) === actor) this.#living.delete(path);
      this.#watching.get(actor)?.unsubscribe();
      this.#watching.delete(actor);
      this.#builder.observe({ type: 'actor.stopped', at: Date.now(), path, parent: parentPath(actor) });
    };
    this.#watching.set(actor, actor.subscribe({ complete: stopped, error: stopped }));
  }

  #onInspection(event: InspectionEvent): void {
    if (this.#closed) return;
    switch (event.type) {
      case '@xstate.actor':
        this.#spawned(event.actorRef as AnyActorRef);
        return;
      case '@xstate.snapshot': {
        const snapshot = event.snapshot as { value?: unknown; status?: string; context?: unknown };
        const actor = event.actorRef as AnyActorRef;
        this.#builder.observe({ type: event.type, at: Date.now(), path: actorPath(actor), parent: null, value: snapshot.value, status: snapshot.status ?? 'active', context: snapshot.context });
        return;
      }
      case '@xstate.microstep': {
        const transitions = (event as unknown as { _transitions?: Array<{ source: { id: string }; eventType: string; target?: Array<{ id: string }> }> })._transitions;
        if (!transitions || !transitions.some((t) => t.target && t.target.length > 0)) return;
        const snapshot = event.snapshot as { value?: unknown; context?: unknown };
        this.#builder.observe({
          type: event.type,
          at: Date.now(),
          path: actorPath(event.actorRef as AnyActorRef),
          parent: null,
          event: event.event.type,
          value: snapshot.value,
          transitions: transitions.map((t) => ({ source: t.source.id, targets: t.target?.map((n) => n.id) ?? [], event: t.eventType })),
          context: snapshot.context,
        });
        return;
      }
      default:
        return;
    }
  }
}
