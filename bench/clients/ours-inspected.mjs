/**
 * qq-bot-machine with the live inspector serving a connected page: the same client as ours.mjs plus
 * `serveInspector(bot)` and a page — a WebSocket client in a process of its own, as a browser would be,
 * that reads and parses every batch. Throughput scenario only: the bar is ≥ 0.8 × ours.mjs.
 */
import { spawn } from 'node:child_process';
import { connect as connectOurs, load as loadOurs } from './ours.mjs';

export const label = 'qq-bot-machine + inspector page';

export async function load() {
  return loadOurs();
}

/** The page: connects to the inspector's socket and parses every message, until killed. */
const pageSource = `
const { WebSocket } = require(${JSON.stringify(new URL('../../node_modules/ws/index.js', import.meta.url).pathname)});
const socket = new WebSocket(process.argv[1]);
let messages = 0;
socket.on('message', (data) => { JSON.parse(data.toString()); messages += 1; });
socket.on('open', () => process.send?.('open'));
process.on('SIGTERM', () => { process.send?.({ messages }); process.exit(0); });
`;

export async function connect(loaded, options) {
  const client = await connectOurs(loaded, options);
  const bot = client.bot;
  const inspector = await loaded.lib.serveInspector(bot, { logger: loaded.pino({ level: 'silent' }) });
  const page = spawn(process.execPath, ['-e', pageSource, `${inspector.url.replace('http', 'ws')}ws`], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  await new Promise((resolve, reject) => {
    page.once('message', resolve);
    page.once('exit', (code) => reject(new Error(`the inspector page exited (${code})`)));
  });
  return {
    ...client,
    describe: () => ({ ...client.describe(), inspectorClients: inspector.clients }),
    async stop() {
      page.kill('SIGTERM');
      await client.stop();
    },
  };
}
