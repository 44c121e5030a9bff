import { rootActorsOf, type Bot } from '../bot.js';
import { QQBotError } from '../errors.js';
import { createDefaultLogger } from '../log.js';
import { LiveSource } from './live.js';
import { ReplaySource } from './replay.js';
import { startInspectorServer, type InspectorServer, type InspectorServerOptions } from './server.js';

export type { InspectorServer, InspectorServerOptions } from './server.js';
export type { InspectorStep, ShardStats, TokenStats } from './steps.js';

export interface ServeInspectorOptions extends InspectorServerOptions {
  /**
   * Show message contents (`data.content` of the dispatches sampled into the timeline) on the
   * page. Default false: the page shows event types and sequence numbers only.
   */
  showContent?: boolean;
}

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
  const status = bot.state.status;
  if (status === 'stopped' || status === 'stopping') throw new QQBotError('STOPPED', 'This bot was stopped; there is nothing to inspect');
  const source = new LiveSource(bot, { roots: rootActorsOf(bot), showContent: options.showContent ?? false });
  const server = await startInspectorServer(source, { logger: options.logger ?? createDefaultLogger().child({ component: 'inspector' }), ...options }).catch((error: unknown) => {
    source.close();
    throw error;
  });
  // The bot's streams complete when it stops (or ends failed): the inspector goes with it.
  bot.state$.subscribe({ complete: () => void server.close() });
  return server;
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
  const source = await ReplaySource.fromFile(file);
  return startInspectorServer(source, { logger: options.logger ?? createDefaultLogger().child({ component: 'inspector' }), ...options });
}
