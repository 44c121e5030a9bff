/**
 * start({ timeoutMs, signal }): a start that cannot finish gives up, stops everything it set running,
 * and rejects with a typed error whose cause is the last error seen. Real time, real sockets: the
 * deadline is the caller's wall clock, not a machine timer.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createBot, type Bot } from '../../src/bot.js';
import { QQBotError, QQConfigError, QQGatewayDiscoveryError, QQTimeoutError } from '../../src/errors.js';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { appId, captureLogs, secret, startBotOnEmulator, type BotFixture } from '../support/bot-fixture.js';

const child = fileURLToPath(new URL('../fixtures/child-start-timeout.mjs', import.meta.url));

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

let emu: Emulator | undefined;
let bot: Bot | undefined;
let fixture: BotFixture | undefined;
afterEach(async () => {
  await bot?.stop();
  await emu?.close();
  await fixture?.close();
  bot = undefined;
  emu = undefined;
  fixture = undefined;
});

async function botWithWrongApiBase(): Promise<Bot> {
  emu = await startEmulator({ appId, secret });
  bot = createBot({
    appId,
    secret,
    tokenUrl: emu.tokenUrl,
    apiBase: `http://127.0.0.1:${await closedPort()}`,
    logger: captureLogs().logger,
    timing: { gateway: { RETRY_BACKOFF: 20 } },
  });
  return bot;
}

describe('start({ timeoutMs, signal })', () => {
  it('wrong apiBase: times out with the discovery failure as cause, and the process then exits by itself', async () => {
    const proc = spawn(process.execPath, [child, '400'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (chunk) => (stdout += chunk));
    proc.stderr.on('data', (chunk) => (stderr += chunk));
    // Anything left running (a socket, a retry timer, an actor) would keep the child alive: killed, failed.
    const guard = setTimeout(() => proc.kill('SIGKILL'), 15_000);
    const code = await new Promise<number | null>((resolve) => proc.on('exit', resolve));
    clearTimeout(guard);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result).toMatchObject({ name: 'QQTimeoutError', code: 'TIMEOUT', cause: 'QQGatewayDiscoveryError', state: 'stopped', actor: 'done', sawDiscoveryErrors: true });
    expect(result.message).toMatch(/within 400 ms; last error: GET http:\/\/127\.0\.0\.1:\d+\/gateway\/bot failed/);
  });

  it('in process: the rejection comes after the stop, with no child actor left and the streams completed', async () => {
    const started = (await botWithWrongApiBase()).start({ timeoutMs: 300 });
    let completed = false;
    bot!.events$.subscribe({ complete: () => (completed = true) });
    const error = await started.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(QQTimeoutError);
    expect((error as QQTimeoutError).cause).toBeInstanceOf(QQGatewayDiscoveryError);
    expect(completed).toBe(true);
    expect(bot!.state.status).toBe('stopped');
    expect(bot!.actor.getSnapshot().status).toBe('done');
    expect(Object.keys(bot!.actor.getSnapshot().children)).toEqual([]);
  });

  it('an abort rejects with STOPPED, the last error as cause; an already-aborted signal starts nothing', async () => {
    const controller = new AbortController();
    const started = (await botWithWrongApiBase()).start({ signal: controller.signal });
    // Abort once the bot has said why it is stuck.
    await new Promise<void>((resolve) => {
      const sub = bot!.errors$.subscribe(() => {
        queueMicrotask(() => sub.unsubscribe());
        resolve();
      });
    });
    controller.abort();
    const error = await started.then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(QQBotError);
    expect((error as QQBotError).code).toBe('STOPPED');
    expect((error as QQBotError).cause).toBeInstanceOf(QQGatewayDiscoveryError);
    expect(bot!.state.status).toBe('stopped');

    const fresh = createBot({ appId, secret, tokenUrl: emu!.tokenUrl, apiBase: emu!.apiBase, logger: captureLogs().logger });
    const reason = new Error('never mind');
    await expect(fresh.start({ signal: AbortSignal.abort(reason) })).rejects.toMatchObject({ code: 'STOPPED', cause: reason });
    expect(fresh.state).toMatchObject({ status: 'idle', token: 'none', shards: [] });
    await fresh.stop();
  });

  it('a start that finishes in time resolves and stays running after the deadline has passed', async () => {
    fixture = await startBotOnEmulator();
    // A start here takes tens of ms; 15 s leaves room for a loaded shared machine.
    await fixture.bot.start({ timeoutMs: 15_000, signal: new AbortController().signal });
    expect(fixture.bot.state.status).toBe('running');
  });

  it('a bad timeoutMs is a QQConfigError naming it', async () => {
    fixture = await startBotOnEmulator();
    await expect(fixture.bot.start({ timeoutMs: -1 })).rejects.toBeInstanceOf(QQConfigError);
    await expect(fixture.bot.start({ timeoutMs: Number.NaN })).rejects.toMatchObject({ option: 'timeoutMs' });
  });
});
