/**
 * The layers of the house (shared/STYLE.md, "A sketch of the house"; docs/architecture.md), as data. Bottom first:
 * a file may import files of its own layer and of the layers below it, never above. A file is in the first layer
 * whose pattern matches (`dir/` = everything below that folder); a src/ file no pattern names sits in `bot`.
 */
export interface Layer {
  readonly name: string;
  readonly files: readonly string[];
  /** Layers it may import besides its own and those below; `only` narrows it to exactly these (plus its own). */
  readonly only?: readonly string[];
}

export const layers: readonly Layer[] = [
  // Pure data and types of the wire, the typed errors, the secret holder and the logger: no I/O, shared by all.
  { name: 'ground', files: ['src/protocol/', 'src/errors.ts', 'src/messages/errors.ts', 'src/secret.ts', 'src/log.ts'] },
  // The state machines: they import only the ground layer (and xstate). No ws, no fetch, no transport.
  { name: 'machines', files: ['machines/'], only: ['ground'] },
  // The local platform: it shares only the protocol with the client, never the client's own code.
  { name: 'emulator', files: ['src/emulator/'], only: ['ground'] },
  // I/O actors the machines invoke, and read-only views of machine snapshots (actor-path: how inspection names actors);
  // the plug-in interfaces of the scale-out actors (session store, identify coordinator), which options name.
  {
    name: 'io',
    files: ['src/io/', 'src/state.ts', 'src/inspect.ts', 'src/inspector/actor-path.ts', 'src/diagram.ts', 'src/coordination.ts', 'src/sessions/store.ts'],
    only: ['ground', 'machines'],
  },
  // The typed REST client, its reply rules and the message builders; the actor wiring (src/runtime.ts).
  { name: 'rest', files: ['src/rest/', 'src/messages/', 'src/runtime.ts'] },
  // Events as delivered: the RxJS bridge and operators, and reply()/ack() on each event (which is why it sits above rest).
  // The transport interface (src/transport.ts) sits here so both transports, webhook and gateway, can name it.
  { name: 'events', files: ['src/events/', 'src/options.ts', 'src/transport.ts'] },
  // The webhook receiver and transport.
  { name: 'webhook', files: ['src/webhook/'] },
  // createBot() and its parts: the gateway transport, log lines (and any src/ file not named here).
  { name: 'bot', files: ['src/bot.ts', 'src/bot/'] },
  // The live inspector: it drives a Bot.
  { name: 'inspector', files: ['src/inspector/'] },
  // The public barrel.
  { name: 'barrel', files: ['src/index.ts'] },
  // Programs on top.
  { name: 'apps', files: ['src/demo.ts', 'src/cli.ts', 'src/diagram-cli.ts'] },
];

export function layerOf(file: string): Layer | undefined {
  const named = layers.find((layer) => layer.files.some((pattern) => (pattern.endsWith('/') ? file.startsWith(pattern) : file === pattern)));
  if (named) return named;
  return file.startsWith('src/') ? layers.find((layer) => layer.name === 'bot') : undefined;
}

/** Why `from` may not import `to`, or undefined when it may. */
export function layerViolation(from: string, to: string): string | undefined {
  const source = layerOf(from);
  const target = layerOf(to);
  if (!source || !target || source === target) return undefined;
  if (source.only) return source.only.includes(target.name) ? undefined : `${source.name} may import only ${[source.name, ...source.only].join(', ')}; ${to} is ${target.name}`;
  return layers.indexOf(target) < layers.indexOf(source) ? undefined : `${source.name} may not import ${target.name}, a layer above it (${to})`;
}
