import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { serveInspector, type InspectorServer } from '../../src/inspector/index.js';
import { pageCss, pageHtml, pageScript } from '../../src/inspector/page/assets.js';
import type { InspectorStep, ShardStats } from '../../src/inspector/steps.js';
import { createBot } from '../../src/bot.js';
import { startEmulator } from '../../src/emulator/index.js';
import type { BotOptions } from '../../src/options.js';
import { appId, captureLogs, secret, startBotOnEmulator, waitForState, type BotFixture } from '../support/bot-fixture.js';

let fixture: BotFixture | undefined;
let inspector: InspectorServer | undefined;
afterEach(async () => {
  await inspector?.close();
  await fixture?.close();
  inspector = undefined;
  fixture = undefined;
});

const silent = { info() {}, warn() {} };

interface Received {
  messages: string[];
  steps: InspectorStep[];
  times: number[];
  socket: WebSocket;
}

function connectPage(url: string, headers: Record<string, string> = {}): Promise<Received> {
  const socket = new WebSocket(`${url.replace('http', 'ws')}ws`, { headers });
  const received: Received = { messages: [], steps: [], times: [], socket };
  socket.on('message', (data) => {
    const text = data.toString();
    received.messages.push(text);
    received.times.push(Date.now());
    const message = JSON.parse(text) as { kind: string; steps?: InspectorStep[]; history?: InspectorStep[]; baseline?: InspectorStep[] };
    received.steps.push(...(message.history ?? []), ...(message.baseline ?? []), ...(message.steps ?? []));
  });
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(received));
    socket.once('error', reject);
    socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}

function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

const until = async (check: () => boolean, what: string, ms = 5_000): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

const shardStats = (received: Received): ShardStats[] =>
  received.steps.filter((s): s is Extract<InspectorStep, { t: 'stats' }> => s.t === 'stats' && s.stats.kind === 'shard').map((s) => s.stats as ShardStats);

describe('the live inspector server', () => {
  it('serves the page from itself only, and refuses other hosts and origins (DNS rebinding)', async () => {
    fixture = await startBotOnEmulator();
    inspector = await serveInspector(fixture.bot, { logger: silent });
    expect(inspector.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await get(inspector.url);
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect((await get(`${inspector.url}app.js`)).body).toBe(pageScript());
    // nothing is loaded from anywhere: the only URL in the page's files is the SVG namespace
    const urls = `${pageHtml}${pageCss}${pageScript()}`.match(/\b(?:https?|wss?):\/\/[^\s'"`)]+/g) ?? [];
    expect(new Set(urls)).toEqual(new Set(['http://www.w3.org/2000/svg']));
    expect((await get(inspector.url, { host: 'evil.example:80' })).status).toBe(403);
    expect((await get(inspector.url, { host: `localhost:${inspector.port}` })).status).toBe(200);
    await expect(connectPage(inspector.url, { origin: 'http://evil.example' })).rejects.toThrow(/403/);
    const page2 = await connectPage(inspector.url, { origin: `http://localhost:${inspector.port}` });
    page2.socket.close();
  });

  it('over a run with refreshes, resumes and a 4004, no secret, token or message content reaches the page', async () => {
    fixture = await startBotOnEmulator({ emulator: { tokenTtl: 2 } });
    const { emu, bot } = fixture;
    inspector = await serveInspector(bot, { logger: silent });
    const page = await connectPage(inspector.url);
    await bot.start();
    emu.c2cMessage({ content: 'private words 私密内容' });
    emu.closeSession(4009);
    await waitForState(bot, (s) => s.shards[0]?.ready === true && s.shards[0].reconnects >= 1);
    emu.sendReconnect();
    await waitForState(bot, (s) => s.shards[0]?.ready === true && s.shards[0].reconnects >= 2);
    emu.expireTokens();
    emu.closeSession(4004);
    await waitForState(bot, (s) => s.shards[0]?.ready === true && s.shards[0].reconnects >= 3);
    await until(() => emu.tokens.length >= 4, 'token refreshes');
    await until(() => (shardStats(page).at(-1)?.resumes ?? 0) >= 3, 'the page to count three resumes');
    const tokens = emu.tokens.map((t) => t.value);
    const everything = [pageHtml, pageCss, pageScript(), ...page.messages].join('\n');
    expect(everything.includes(secret)).toBe(false);
    for (const token of tokens) expect(everything.includes(token), 'an access token reached the page').toBe(false);
    expect(everything).not.toContain('私密内容');
    // the page did see the run: the dispatch (type only), the faults, and the shard's figures
    expect(page.steps.some((s) => s.t === 'dispatch' && s.type === 'C2C_MESSAGE_CREATE')).toBe(true);
    expect(shardStats(page).at(-1)).toMatchObject({ state: 'session.ready', reconnects: 3, identifies: 1 });
    expect(page.steps.some((s) => s.t === 'transition' && s.actor === 'bot/token')).toBe(true);
  });

  it('shows message contents only when asked (showContent: true)', async () => {
    fixture = await startBotOnEmulator();
    inspector = await serveInspector(fixture.bot, { logger: silent, showContent: true });
    const page = await connectPage(inspector.url);
    await fixture.bot.start();
    fixture.emu.c2cMessage({ content: 'visible words 可见内容' });
    await until(() => page.messages.some((m) => m.includes('可见内容')), 'the content on the page');
  });

  it('batches: at most 20 messages a second to a page while the bot receives thousands of events', async () => {
    fixture = await startBotOnEmulator();
    const { emu, bot } = fixture;
    inspector = await serveInspector(bot, { logger: silent });
    await bot.start();
    const page = await connectPage(inspector.url);
    let delivered = 0;
    bot.events$.subscribe(() => (delivered += 1));
    const started = Date.now();
    while (Date.now() - started < 1_500) {
      for (let i = 0; i < 200; i++) emu.c2cMessage({ content: `m${i}` });
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await until(() => delivered >= 2_000, 'the events');
    const windowStart = page.times[1] ?? started;
    const inFirstSecond = page.times.filter((t) => t >= windowStart && t < windowStart + 1_000).length;
    // one batch per 50 ms tick: 20 a second, whatever the event rate
    expect(inFirstSecond).toBeLessThanOrEqual(21);
    expect(page.messages.length).toBeGreaterThan(3);
    const dispatches = page.steps.filter((s) => s.t === 'dispatch').length;
    expect(dispatches).toBeLessThan(delivered / 5);
  });

  it('a page that goes away, or the server closing, never touches the bot; bot.stop() closes the server', async () => {
    fixture = await startBotOnEmulator();
    const { emu, bot } = fixture;
    inspector = await serveInspector(bot, { logger: silent });
    await bot.start();
    const page = await connectPage(inspector.url);
    await until(() => page.messages.length > 0, 'the first message');
    page.socket.terminate();
    let delivered = 0;
    bot.events$.subscribe(() => (delivered += 1));
    emu.c2cMessage({ content: 'a' });
    await until(() => delivered === 1, 'an event after the page left');
    await until(() => inspector?.clients === 0, 'the server to notice');
    await inspector.close();
    emu.closeSession(4009);
    await waitForState(bot, (s) => s.shards[0]?.ready === true && s.shards[0].reconnects >= 1);
    emu.c2cMessage({ content: 'b' });
    await until(() => delivered === 2, 'an event after the server closed');
    expect(bot.state.status).toBe('running');

    const second = await serveInspector(bot, { logger: silent });
    const page2 = await connectPage(second.url);
    const closed = new Promise<number>((resolve) => page2.socket.once('close', (code) => resolve(code)));
    await bot.stop();
    expect(await closed).toBe(1001);
    await expect(get(second.url)).rejects.toThrow(/ECONNREFUSED/);
    await expect(serveInspector(bot, { logger: silent })).rejects.toThrow(/stopped/);
  });

  it('attaches to a bot that is already running: the page starts from the current picture', async () => {
    fixture = await startBotOnEmulator();
    await fixture.bot.start();
    inspector = await serveInspector(fixture.bot, { logger: silent });
    const page = await connectPage(inspector.url);
    await until(() => page.messages.length > 0, 'init');
    const init = JSON.parse(page.messages[0] as string) as { kind: string; baseline: InspectorStep[]; machines: Array<{ id: string }> };
    expect(init.kind).toBe('init');
    expect(init.machines.map((m) => m.id)).toEqual(['bot', 'token', 'gatewayDiscovery', 'identifyThrottle', 'shard', 'webhook', 'sessionFlush', 'identifyCoordination', 'shardLease']);
    const spawned = init.baseline.filter((s) => s.t === 'spawn').map((s) => s.actor);
    expect(spawned).toEqual(expect.arrayContaining(['bot', 'bot/token', 'bot/identifyThrottle', 'bot/shard-0', 'bot/shard-0/socket']));
    expect(init.baseline).toContainEqual(expect.objectContaining({ t: 'stats', actor: 'bot/shard-0', stats: expect.objectContaining({ state: 'session.ready' }) }));
  });

  it('a webhook bot: its token and webhook machines, named after their machines', async () => {
    const emu = await startEmulator({ appId, secret, webhook: { retryDelayMs: 5 } });
    const bot = createBot({
      appId,
      secret,
      tokenUrl: emu.tokenUrl,
      apiBase: emu.apiBase,
      logger: captureLogs().logger,
      transport: 'webhook',
      webhook: { port: 0, host: '127.0.0.1', path: '/qqbot' },
    } as BotOptions);
    try {
      inspector = await serveInspector(bot, { logger: silent });
      const page = await connectPage(inspector.url);
      await bot.start();
      emu.webhook.configure(bot.webhook?.url as string);
      expect((await emu.webhook.validate()).ok).toBe(true);
      await until(() => page.steps.some((s) => s.t === 'transition' && s.actor === 'webhook' && s.edges.some((e) => e.target === 'webhook.validating')), 'the webhook validating');
      const spawned = page.steps.filter((s) => s.t === 'spawn').map((s) => s.actor);
      expect(spawned).toEqual(expect.arrayContaining(['token', 'webhook']));
      expect(page.messages.join('').includes(secret)).toBe(false);
    } finally {
      await bot.stop();
      await emu.close();
    }
  });

  it('bound to every interface: any address literal is accepted, a domain name still is not', async () => {
    fixture = await startBotOnEmulator();
    inspector = await serveInspector(fixture.bot, { host: '0.0.0.0', logger: silent });
    const url = `http://127.0.0.1:${inspector.port}/`;
    expect((await get(url, { host: `10.1.2.3:${inspector.port}` })).status).toBe(200);
    expect((await get(url, { host: `[fd00::1]:${inspector.port}` })).status).toBe(200);
    expect((await get(url, { host: `rebind.example:${inspector.port}` })).status).toBe(403);
  });

  it('rejects a bad port naming the option', async () => {
    fixture = await startBotOnEmulator();
    await expect(serveInspector(fixture.bot, { port: 70_000, logger: silent })).rejects.toThrow(/inspector\.port/);
  });
});
