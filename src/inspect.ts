import { createWriteStream, type WriteStream } from 'node:fs';
import type { AnyActorRef, InspectionEvent } from 'xstate';
import { actorName, actorPath, machineIdOf, parentPath } from './inspector/actor-path.js';
import { Secret } from './secret.js';

/**
 * One inspection event as plain JSON: no actor objects, no cycles, no secrets. `actor` is the
 * actor's id (the root is named after its machine: `bot`, not `x:0`), `path` its place in the tree
 * (`bot/shard-0/socket`) and `parent` its parent's path (null for the root), so a recording can be
 * rebuilt into the same tree. `actor.stopped` (not an XState event) marks an actor that stopped.
 */
export interface InspectionRecord {
  type: InspectionEvent['type'] | 'actor.stopped';
  actor: string;
  path: string;
  parent: string | null;
  sessionId: string;
  at: number;
  [key: string]: unknown;
}

/**
 * Turns an XState inspection event into plain data safe to write anywhere: `Secret`s become
 * `[redacted]`, actor references become `{ actor: id }`, errors keep name, code and message.
 */
export function toInspectionRecord(event: InspectionEvent): InspectionRecord {
  const base: InspectionRecord = {
    type: event.type,
    actor: actorName(event.actorRef),
    path: actorPath(event.actorRef),
    parent: parentPath(event.actorRef),
    sessionId: event.actorRef.sessionId,
    at: Date.now(),
  };
  switch (event.type) {
    case '@xstate.event':
      return { ...base, event: plain(event.event), source: (event.sourceRef as { id?: string } | undefined)?.id ?? null };
    case '@xstate.snapshot': {
      const snapshot = event.snapshot as { value?: unknown; status?: string; context?: unknown };
      return { ...base, event: event.event.type, value: plain(snapshot.value), status: snapshot.status, context: plain(snapshot.context) };
    }
    case '@xstate.microstep': {
      const transitions = (event as unknown as { _transitions?: Array<{ source: { id: string }; eventType: string; target?: Array<{ id: string }> }> })
        ._transitions ?? [];
      const snapshot = event.snapshot as { value?: unknown; status?: string };
      return {
        ...base,
        event: event.event.type,
        value: plain(snapshot.value),
        status: snapshot.status,
        transitions: transitions.map((t) => ({ source: t.source.id, event: t.eventType, targets: t.target?.map((n) => n.id) ?? [] })),
      };
    }
    case '@xstate.action':
      return { ...base, action: event.action.type };
    case '@xstate.actor':
      return { ...base, machine: machineIdOf(event.actorRef) };
    default:
      return base;
  }
}

/** A JSON-safe deep copy. */
export function plain(value: unknown): unknown {
  return JSON.parse(safeStringify(value) ?? 'null');
}

export function safeStringify(value: unknown): string | undefined {
  const seen = new WeakSet<object>();
  return JSON.stringify(value, function replace(this: Record<string, unknown>, key, current) {
    const raw = key === '' ? value : this[key];
    if (raw instanceof Secret) return '[redacted]';
    if (raw instanceof Error) {
      return { name: raw.name, message: raw.message, ...('code' in raw ? { code: (raw as { code: unknown }).code } : {}) };
    }
    if (typeof raw === 'function') return undefined;
    if (typeof raw === 'bigint') return raw.toString();
    if (typeof current === 'object' && current !== null) {
      if (isActorRef(current)) return { actor: (current as { id: string }).id };
      if (seen.has(current)) return '[circular]';
      seen.add(current);
    }
    return current;
  });
}

function isActorRef(value: object): boolean {
  return 'sessionId' in value && typeof (value as { send?: unknown }).send === 'function';
}

export interface InspectionRecorder {
  /** Pass this object as `inspect`. */
  next(event: InspectionEvent): void;
  /** Flushes and closes the file. */
  close(): Promise<void>;
  /** Records written so far. */
  readonly count: number;
}

/**
 * An offline inspector: writes the whole inspection stream (every machine and child) to `file`
 * as JSON lines. Nothing leaves the machine; no payload holds a secret.
 *
 * @example
 * ```ts
 * const recorder = recordInspection('inspection.jsonl');
 * const bot = createBot({ appId, secret, inspect: recorder });
 * // … later
 * await bot.stop(); await recorder.close();
 * ```
 */
export function recordInspection(file: string | WriteStream): InspectionRecorder {
  const stream = typeof file === 'string' ? createWriteStream(file, { flags: 'w' }) : file;
  let count = 0;
  let closed = false;
  const write = (record: InspectionRecord): void => {
    count += 1;
    stream.write(`${safeStringify(record)}\n`);
  };
  return {
    next(event) {
      if (closed) return;
      write(toInspectionRecord(event));
      if (event.type === '@xstate.actor') {
        // XState reports no inspection event when an actor stops; its observers hear `complete`.
        const actor = event.actorRef;
        const stopped = () => {
          if (!closed) write({ type: 'actor.stopped', actor: actorName(actor), path: actorPath(actor), parent: parentPath(actor), sessionId: actor.sessionId, at: Date.now() });
        };
        (actor as AnyActorRef).subscribe({ complete: stopped, error: stopped });
      }
    },
    close() {
      closed = true;
      return new Promise((resolve) => stream.end(resolve));
    },
    get count() {
      return count;
    },
  };
}
