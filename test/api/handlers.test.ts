/**
 * bot.handle(): async handlers whose failures reach errors$ and the log instead of crashing the
 * process; the plain-subscribe caveat the docs state; how errors are logged.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { firstValueFrom, take, toArray } from 'rxjs';
import { QQHandlerError } from '../../src/errors.js';
import { QQApiError } from '../../src/rest/errors.js';
import { startBotOnEmulator, type BotFixture } from '../support/bot-fixture.js';

const child = fileURLToPath(new URL('../fixtures/child-handler.mjs', import.meta.url));
const built = fileURLToPath(new URL('../../dist/src/index.js', import.meta.url));

function runChild(style: 'handle' | 'subscribe'): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const proc = spawn(process.execPath, [child, style], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (chunk) => (stdout += chunk));
  proc.stderr.on('data', (chunk) => (stderr += chunk));
  // A process that hangs is killed and fails the test on its exit code.
  const guard = setTimeout(() => proc.kill('SIGKILL'), 15_000);
  return new Promise((resolve) =>
    proc.on('exit', (code) => {
      clearTimeout(guard);
      resolve({ code, stdout, stderr });
    }),
  );
}

let fixture: BotFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

describe('bot.handle()', () => {
  it("a reply the platform refuses (50006) inside the README's handler reaches errors$, and the process keeps running", async () => {
    expect(existsSync(built), 'dist/ is missing: npm test builds first (pretest)').toBe(true);
    const { code, stdout, stderr } = await runChild('handle');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      errors: [{ name: 'QQHandlerError', code: 'HANDLER', eventType: 'C2C_MESSAGE_CREATE', cause: 'QQApiError', platformCode: 50006 }],
      second: 'still here',
      state: 'stopped',
    });
  });

  it('plain subscribe() with the async callback: the returned promise is watched too, so the refusal reaches errors$', async () => {
    const { code, stdout, stderr } = await runChild('subscribe');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({ cause: 'QQApiError', platformCode: 50006 });
    expect(result.second).toBe('still here');
  });

  it('the documented caveat: a callback that starts the reply without returning its promise ends the process with the unhandled QQApiError', async () => {
    const { code, stderr } = await runChild('detached');
    expect(code).not.toBe(0);
    expect(stderr).toContain('QQApiError');
  });

  it('sync throws and rejections of one handler both reach errors$ with the event type; the handler keeps running', async () => {
    fixture = await startBotOnEmulator();
    const { emu, bot } = fixture;
    await bot.start();
    const errors = firstValueFrom(bot.errors$.pipe(take(2), toArray()));
    const seen: string[] = [];
    bot.handle(['C2C_MESSAGE_CREATE', 'GROUP_AT_MESSAGE_CREATE'], async (event) => {
      seen.push(event.type);
      if (event.type === 'C2C_MESSAGE_CREATE') throw new Error(`sync-looking throw in an async handler: ${event.data.content}`);
      await Promise.resolve();
      throw new Error(`rejected for ${event.data.group_openid}`);
    });
    let syncCalls = 0;
    bot.handle('C2C_MESSAGE_CREATE', () => {
      syncCalls++;
      if (syncCalls === 1) throw new Error('plain sync throw');
    });
    emu.c2cMessage({ content: 'one' });
    emu.groupAtMessage({ content: 'two' });
    const [first, second] = await errors;
    expect(first).toBeInstanceOf(QQHandlerError);
    expect(second).toBeInstanceOf(QQHandlerError);
    const messages = [first, second].map((error) => String((error as QQHandlerError).cause instanceof Error ? ((error as QQHandlerError).cause as Error).message : ''));
    expect(messages.sort()).toEqual(['plain sync throw', 'sync-looking throw in an async handler: one']);
    const third = await firstValueFrom(bot.errors$);
    expect((third as QQHandlerError).eventType).toBe('GROUP_AT_MESSAGE_CREATE');
    emu.c2cMessage({ content: 'three' });
    await firstValueFrom(bot.errors$);
    expect(seen).toEqual(['C2C_MESSAGE_CREATE', 'GROUP_AT_MESSAGE_CREATE', 'C2C_MESSAGE_CREATE']);
    expect(syncCalls).toBe(2);
    expect(bot.state.shards[0]?.ready).toBe(true);
  });

  it('logs a failed handler once, with the real type, message and stack of the error and of its cause', async () => {
    fixture = await startBotOnEmulator();
    const { emu, bot, logs } = fixture;
    await bot.start();
    bot.handle('C2C_MESSAGE_CREATE', async (event) => {
      await event.reply(event.data.content);
    });
    const failure = firstValueFrom(bot.errors$);
    emu.c2cMessage({ content: ' ' });
    const error = (await failure) as QQHandlerError;
    expect(error.cause).toBeInstanceOf(QQApiError);
    expect((error.cause as QQApiError).platformCode).toBe(50006);
    const lines = logs.lines.map((line) => JSON.parse(line) as { msg: string; err?: { type: string; message: string; stack: string; code: string } });
    const logged = lines.filter((line) => line.msg === 'a handler failed');
    expect(logged).toHaveLength(1);
    const err = logged[0]?.err;
    expect(err?.type).toBe('QQHandlerError');
    expect(err?.code).toBe('HANDLER');
    expect(err?.message).toContain('50006');
    expect(err?.stack).toMatch(/^QQHandlerError: /);
    expect(err?.stack).toMatch(/caused by: QQApiError: /);
    expect(err?.stack).toMatch(/\n\s+at /);
  });

  it('a handler that rejects after stop() neither crashes nor emits on the completed errors$', async () => {
    fixture = await startBotOnEmulator();
    const { emu, bot, logs } = fixture;
    await bot.start();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const entered = new Promise<void>((resolve) => {
      bot.handle('C2C_MESSAGE_CREATE', async () => {
        resolve();
        await gate;
        throw new Error('late failure');
      });
    });
    let completed = false;
    bot.errors$.subscribe({ complete: () => (completed = true) });
    emu.c2cMessage({ content: 'x' });
    await entered;
    await bot.stop();
    expect(completed).toBe(true);
    release();
    await new Promise((resolve) => setImmediate(resolve));
    expect(logs.text()).toContain('late failure');
  });
});
