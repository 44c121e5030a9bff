import type { ActorRefLike } from 'xstate';

type AnyActorRef = ActorRefLike;

interface ActorInternals {
  id: string;
  _parent?: AnyActorRef;
  logic?: { id?: unknown; config?: unknown };
}

const paths = new WeakMap<object, string>();

/**
 * The machine id of an actor running a state machine (`shard`, `token` …), or null for promise
 * and callback actors (the socket, HTTP calls).
 */
export function machineIdOf(actor: AnyActorRef): string | null {
  const logic = (actor as unknown as ActorInternals).logic;
  return logic && typeof logic.id === 'string' && logic.config !== undefined ? logic.id : null;
}

/**
 * An actor's name: its id, except a root actor XState named after its session (`x:0`), which is
 * named after its machine (`bot`; a webhook bot's `token` and `webhook`).
 */
export function actorName(actor: AnyActorRef): string {
  const internals = actor as unknown as ActorInternals;
  if (!internals._parent && /^x:\d+$/.test(internals.id)) return machineIdOf(actor) ?? internals.id;
  return internals.id;
}

/** `bot/shard-0/socket`: the actor's place in its tree, from the root down. */
export function actorPath(actor: AnyActorRef): string {
  const known = paths.get(actor);
  if (known) return known;
  const parent = (actor as unknown as ActorInternals)._parent;
  const path = parent ? `${actorPath(parent)}/${actorName(actor)}` : actorName(actor);
  paths.set(actor, path);
  return path;
}

/** The path of the actor's parent, or null for a root. */
export function parentPath(actor: AnyActorRef): string | null {
  const parent = (actor as unknown as ActorInternals)._parent;
  return parent ? actorPath(parent) : null;
}
