import type { Bot } from '../bot.js';
import type { InspectorServer, InspectorServerOptions, ServeInspectorOptions } from './index.js';

// The inspector (HTTP + WebSocket server, page assets, statechart graphs) is loaded on first use:
// a bot that never opens it does not pay for it at import (docs/benchmarks.md, import time).

/**
 * Serves a live inspector for a bot on 127.0.0.1: open the URL in a browser to watch every
 * machine (bot, token, gateway discovery, identify throttle, each shard and its socket) as a
 * statechart drawn from its definition, the active states lit as they change, a timeline, the
 * shard table and `errors$`. No secret or token ever reaches the page; message contents only with
 * `showContent: true`. Closing the page or the server never affects the bot; the server closes
 * itself when the bot stops. Works offline: the page loads nothing from the network.
 *
 * @example
 * ```ts
 * import { createBot, serveInspector } from 'qq-bot-machine';
 * const bot = createBot({ appId, secret });
 * const inspector = await serveInspector(bot, { port: 7070 });
 * console.log(inspector.url); // http://127.0.0.1:7070/
 * await bot.start();
 * ```
 */
export async function serveInspector(bot: Bot, options: ServeInspectorOptions = {}): Promise<InspectorServer> {
  return (await import('./index.js')).serveInspector(bot, options);
}

/**
 * Serves a page that replays a `recordInspection()` file: the same drawing as the live page, with
 * a time slider and step back / forward. What `qq-bot-machine inspect <file>` runs.
 *
 * @example
 * ```ts
 * const inspector = await serveRecording('inspection.jsonl', { port: 7071 });
 * console.log(inspector.url);
 * ```
 */
export async function serveRecording(file: string, options: InspectorServerOptions = {}): Promise<InspectorServer> {
  return (await import('./index.js')).serveRecording(file, options);
}
