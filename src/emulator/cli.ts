/**
 * `qq-bot-machine emulator [options]`: runs the emulator standalone until SIGINT/SIGTERM (or an abort signal),
 * and prints how to point an SDK at it. Never prints a secret the user passed in.
 */
import { parseArgs } from 'node:util';
import type { Emulator } from './emulator.js';
import { startEmulator } from './start.js';
import type { EmulatorOptions } from './types.js';
import type { WebhookModeOptions } from './webhook/index.js';

/** The built-in demo credentials (public, not secrets), used when --app-id / --secret are not given. */
export const DEMO_APP_ID = '102000001';
export const DEMO_SECRET = 'emulator-secret-0123456789';

export interface EmulatorCliIo {
  /** Stops the emulator when aborted (tests use this instead of a signal). */
  signal?: AbortSignal;
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
  /** Receives 2 on bad arguments. Default: sets process.exitCode. */
  setExitCode?: (code: number) => void;
  /** Called once the emulator listens. */
  onStarted?: (emulator: Emulator) => void;
  /** Listen for SIGINT/SIGTERM. Default true. */
  handleSignals?: boolean;
}

const USAGE = `Usage: qq-bot-machine emulator [options]

  --port <n>                 TCP port (default 8080; 0 = any free port)
  --host <addr>              bind address (default 127.0.0.1)
  --app-id <id>              AppID the emulator accepts (default ${DEMO_APP_ID})
  --secret <secret>          AppSecret the emulator accepts (default: the built-in demo secret)
  --heartbeat-interval <ms>  Hello heartbeat_interval (default 45000)
  --token-ttl <s>            access token lifetime (default 7200)
  --shards <n>               recommended shards in GET /gateway/bot (default 1)
  --accept-legacy-token      accept the retired "Bot <appid>.<token>" auth
  --allow-active-messages    accept C2C/group sends without msg_id/event_id (default: 40034105, as since 2025-04-21)
  --file-info-ttl <s>        ttl of rich-media uploads (default 3600; 0 = never expires)
  --max-concurrency <n>      IDENTIFYs allowed per 5 s (default 1)
  --webhook-url <url>        webhook mode: POST events to this callback URL (signed; events injected with
                             {"transport":"webhook"} through the admin API go there)
  --no-admin                 do not serve the admin API under /_emulator/ (loopback clients only; default on)
  --verbose                  log connections, closes and tokens (never their values)
  -h, --help                 this text
`;

class UsageError extends Error {}

/** Parses argv, starts the emulator and runs until SIGINT/SIGTERM or `io.signal`. Bad arguments: message + exit code 2. */
export async function runEmulatorCli(argv: string[], io: EmulatorCliIo = {}): Promise<void> {
  const out = io.stdout ?? ((text) => process.stdout.write(text));
  const err = io.stderr ?? ((text) => process.stderr.write(text));
  const setExitCode = io.setExitCode ?? ((code) => (process.exitCode = code));
  let parsed: ParsedCli;
  try {
    parsed = parseCli(argv);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    err(`qq-bot-machine emulator: ${message}\nRun "qq-bot-machine emulator --help" for the options.\n`);
    setExitCode(2);
    return;
  }
  if (parsed.help) {
    out(USAGE);
    return;
  }
  const emulator = await startEmulator({ ...parsed.options, log: parsed.verbose ? (line) => out(`[emulator] ${line}\n`) : undefined });
  if (parsed.webhookUrl !== undefined) emulator.webhook.configure(parsed.webhookUrl);
  out(describe(emulator, parsed.options, parsed.options.secret === DEMO_SECRET));
  io.onStarted?.(emulator);
  await waitForStop(io.signal, io.handleSignals ?? true);
  out('Stopping the emulator…\n');
  await emulator.close();
}

interface ParsedCli {
  help: boolean;
  verbose: boolean;
  options: EmulatorOptions & { webhook?: WebhookModeOptions };
  webhookUrl: string | undefined;
}

function parseCli(argv: string[]): ParsedCli {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'app-id': { type: 'string' },
        secret: { type: 'string' },
        'heartbeat-interval': { type: 'string' },
        'token-ttl': { type: 'string' },
        shards: { type: 'string' },
        'accept-legacy-token': { type: 'boolean' },
        'allow-active-messages': { type: 'boolean' },
        'file-info-ttl': { type: 'string' },
        'max-concurrency': { type: 'string' },
        'webhook-url': { type: 'string' },
        'no-admin': { type: 'boolean' },
        verbose: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    // parseArgs names the offending flag in its message ("Unknown option '--prot'").
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const options: EmulatorOptions = {
    appId: nonEmpty(values['app-id'], '--app-id') ?? DEMO_APP_ID,
    secret: nonEmpty(values.secret, '--secret') ?? DEMO_SECRET,
    port: integer(values.port, '--port', 0, 65535) ?? 8080,
    host: nonEmpty(values.host, '--host') ?? '127.0.0.1',
    acceptLegacyToken: values['accept-legacy-token'] ?? false,
    admin: !(values['no-admin'] ?? false),
  };
  const fileInfoTtl = integer(values['file-info-ttl'], '--file-info-ttl', 0, 10 ** 7);
  if (values['allow-active-messages'] || fileInfoTtl !== undefined) {
    options.rest = { ...(values['allow-active-messages'] ? { allowActiveMessages: true } : {}), ...(fileInfoTtl !== undefined ? { fileInfoTtl } : {}) };
  }
  const maxConcurrency = integer(values['max-concurrency'], '--max-concurrency', 1, 10_000);
  if (maxConcurrency !== undefined) options.sessionStartLimit = { maxConcurrency };
  const webhookUrl = nonEmpty(values['webhook-url'], '--webhook-url');
  if (webhookUrl !== undefined && !/^https?:\/\/[^/]/i.test(webhookUrl)) throw new UsageError(`--webhook-url must be an http(s) URL, got "${webhookUrl}"`);
  const heartbeatInterval = integer(values['heartbeat-interval'], '--heartbeat-interval', 1, 2 ** 31 - 1);
  if (heartbeatInterval !== undefined) options.heartbeatInterval = heartbeatInterval;
  const tokenTtl = integer(values['token-ttl'], '--token-ttl', 61, 10 ** 7);
  if (tokenTtl !== undefined) options.tokenTtl = tokenTtl;
  const shards = integer(values.shards, '--shards', 1, 10_000);
  if (shards !== undefined) options.shards = shards;
  return { help: values.help ?? false, verbose: values.verbose ?? false, options, webhookUrl };
}

function nonEmpty(value: string | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === '') throw new UsageError(`${flag} needs a value`);
  return value;
}

function integer(value: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(number) || number < min || number > max) {
    throw new UsageError(`${flag} must be an integer from ${min} to ${max}, got "${value}"`);
  }
  return number;
}

function describe(emu: Emulator, options: EmulatorOptions, demoSecret: boolean): string {
  const secretShown = demoSecret ? DEMO_SECRET : '(the value you passed with --secret)';
  return `QQ bot platform emulator running

  token URL    ${emu.tokenUrl}
  API base     ${emu.apiBase}
  gateway URL  ${emu.gatewayUrl}   (also returned by GET /gateway and /gateway/bot)
${options.admin ? `  admin API    ${emu.url}/_emulator/   (loopback only: inject events and faults, read records, wait)\n` : ''}${emu.webhook.callbackUrl ? `  webhook to   ${emu.webhook.callbackUrl}\n` : ''}  appId        ${options.appId}
  secret       ${secretShown}

Point an SDK at it:
  qq-bot-machine   createBot({ appId: '${options.appId}', secret, tokenUrl: '${emu.tokenUrl}', apiBase: '${emu.apiBase}' })
  any SDK          token endpoint = ${emu.tokenUrl}
                   API base       = ${emu.apiBase}   (plain http; WebSocket URL comes from GET /gateway/bot)
  botpy / botgo / NoneBot / qq-official-bot hard-code https://bots.qq.com and https://api.sgroup.qq.com:
                   override those host constants in the SDK (or put a TLS proxy in front) so they reach the URLs above.

Press Ctrl+C to stop.
`;
}

function waitForStop(signal: AbortSignal | undefined, handleSignals: boolean): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      if (handleSignals) {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
      signal?.removeEventListener('abort', stop);
      resolve();
    };
    if (signal?.aborted) return resolve();
    signal?.addEventListener('abort', stop, { once: true });
    if (handleSignals) {
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    }
  });
}
