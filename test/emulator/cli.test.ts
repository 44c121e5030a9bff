import { describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/index.js';
import { DEMO_APP_ID, DEMO_SECRET, runEmulatorCli } from '../../src/emulator/cli.js';

function io(abort: AbortController) {
  const out: string[] = [];
  const err: string[] = [];
  const codes: number[] = [];
  let started: ((emu: Emulator) => void) | undefined;
  const startedPromise = new Promise<Emulator>((resolve) => (started = resolve));
  return {
    out,
    err,
    codes,
    started: startedPromise,
    options: {
      signal: abort.signal,
      handleSignals: false,
      stdout: (text: string) => out.push(text),
      stderr: (text: string) => err.push(text),
      setExitCode: (code: number) => codes.push(code),
      onStarted: (emu: Emulator) => started?.(emu),
    },
  };
}

describe('emulator CLI', () => {
  it('starts with the given options, prints the endpoints, and stops on abort', async () => {
    const abort = new AbortController();
    const cli = io(abort);
    const secret = 'my-very-private-secret';
    const running = runEmulatorCli(['--port', '0', '--app-id', '102999999', '--secret', secret, '--heartbeat-interval', '30000', '--token-ttl', '120', '--shards', '2'], cli.options);
    const emu = await cli.started;
    const printed = cli.out.join('');
    expect(printed).toContain(emu.tokenUrl);
    expect(printed).toContain(emu.apiBase);
    expect(printed).toContain(emu.gatewayUrl);
    expect(printed).toContain('102999999');
    expect(printed).not.toContain(secret);

    const token = await fetch(emu.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ appId: '102999999', clientSecret: secret }),
    }).then((r) => r.json() as Promise<{ access_token: string; expires_in: string }>);
    expect(token.expires_in).toBe('120');
    const bot = await fetch(`${emu.apiBase}/gateway/bot`, { headers: { authorization: `QQBot ${token.access_token}` } }).then((r) => r.json() as Promise<{ shards: number }>);
    expect(bot.shards).toBe(2);

    abort.abort();
    await running;
    await expect(fetch(emu.tokenUrl)).rejects.toThrow();
    expect(cli.codes).toEqual([]);
  });

  it('uses the public demo credentials by default and prints them', async () => {
    const abort = new AbortController();
    const cli = io(abort);
    const running = runEmulatorCli(['--port', '0'], cli.options);
    const emu = await cli.started;
    expect(emu.appId).toBe(DEMO_APP_ID);
    expect(cli.out.join('')).toContain(DEMO_SECRET);
    abort.abort();
    await running;
  });

  it.each([
    [['--port', 'eighty'], '--port'],
    [['--port', '70000'], '--port'],
    [['--shards', '0'], '--shards'],
    [['--token-ttl', '-5'], '--token-ttl'],
    [['--prot', '1'], '--prot'],
    [['--secret', ''], '--secret'],
    [['extra'], 'extra'],
    [['--file-info-ttl', 'soon'], '--file-info-ttl'],
    [['--max-concurrency', '0'], '--max-concurrency'],
    [['--webhook-url', 'ftp://x'], '--webhook-url'],
  ])('rejects %j naming the flag, with exit code 2', async (argv, flag) => {
    const cli = io(new AbortController());
    await runEmulatorCli(argv, cli.options);
    expect(cli.codes).toEqual([2]);
    expect(cli.err.join('')).toContain(flag);
  });

  it('serves the admin API by default and prints its URL; --no-admin turns it off', async () => {
    const abort = new AbortController();
    const cli = io(abort);
    const running = runEmulatorCli(['--port', '0'], cli.options);
    const emu = await cli.started;
    expect(cli.out.join('')).toContain(`${emu.url}/_emulator/`);
    expect((await fetch(`${emu.url}/_emulator/state`)).status).toBe(200);
    abort.abort();
    await running;

    const off = io(new AbortController());
    const stopped = new AbortController();
    const runningOff = runEmulatorCli(['--port', '0', '--no-admin'], { ...off.options, signal: stopped.signal });
    const plain = await off.started;
    expect(off.out.join('')).not.toContain('/_emulator/');
    expect((await fetch(`${plain.url}/_emulator/state`)).status).toBe(401);
    stopped.abort();
    await runningOff;
  });

  it('--allow-active-messages, --file-info-ttl, --max-concurrency and --webhook-url set the rules', async () => {
    const abort = new AbortController();
    const cli = io(abort);
    const running = runEmulatorCli(
      ['--port', '0', '--allow-active-messages', '--file-info-ttl', '0', '--max-concurrency', '2', '--webhook-url', 'http://127.0.0.1:9/qqbot'],
      cli.options,
    );
    const emu = await cli.started;
    expect(emu.webhook.callbackUrl).toBe('http://127.0.0.1:9/qqbot');
    expect(cli.out.join('')).toContain('webhook to   http://127.0.0.1:9/qqbot');
    const token = await fetch(emu.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ appId: DEMO_APP_ID, clientSecret: DEMO_SECRET }),
    }).then((r) => r.json() as Promise<{ access_token: string }>);
    const auth = { authorization: `QQBot ${token.access_token}`, 'content-type': 'application/json' };
    const active = await fetch(`${emu.apiBase}/v2/users/U1/messages`, { method: 'POST', headers: auth, body: JSON.stringify({ content: 'hello' }) });
    expect(active.status).toBe(200);
    const upload = await fetch(`${emu.apiBase}/v2/users/U1/files`, { method: 'POST', headers: auth, body: JSON.stringify({ file_type: 1, url: 'https://example.com/a.png' }) });
    expect(await upload.json()).toMatchObject({ ttl: 0 });
    const bot = await fetch(`${emu.apiBase}/gateway/bot`, { headers: auth }).then((r) => r.json() as Promise<{ session_start_limit: { max_concurrency: number } }>);
    expect(bot.session_start_limit.max_concurrency).toBe(2);
    abort.abort();
    await running;
  });

  it('prints usage for --help', async () => {
    const cli = io(new AbortController());
    await runEmulatorCli(['--help'], cli.options);
    expect(cli.out.join('')).toContain('--accept-legacy-token');
    expect(cli.codes).toEqual([]);
  });
});
