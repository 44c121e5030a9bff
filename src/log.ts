import { createRequire } from 'node:module';
import type { Logger } from 'pino';

type PinoFactory = typeof import('pino').pino;
let pinoFactory: PinoFactory | undefined;

// pino is loaded by the first default logger, not at `import`: a bot given its own logger (as most pino users
// do) never needs ours, and pino with its dependencies is the largest module set the package loads (bench/notes.md,
// issue 20). `require`, because creating a bot is synchronous.
function loadPino(): PinoFactory {
  pinoFactory ??= (createRequire(import.meta.url)('pino') as typeof import('pino')).pino;
  return pinoFactory;
}

/**
 * Paths pino blanks out at every level: belt and braces on top of `Secret`, for anything a user or
 * a future change might log by mistake.
 */
export const redactPaths = [
  'secret',
  '*.secret',
  'clientSecret',
  '*.clientSecret',
  'token',
  '*.token',
  'accessToken',
  '*.accessToken',
  'access_token',
  '*.access_token',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'headers.Authorization',
  'd.token',
  'frame.d.token',
];

export interface DefaultLoggerOptions {
  level?: string;
  /** Where lines go; default stdout. */
  destination?: NodeJS.WritableStream;
}

/** The logger `createBot()` uses when none is given: pino at `info`, secrets redacted. */
export function createDefaultLogger(options: DefaultLoggerOptions = {}): Logger {
  const config = { name: 'qq-bot-machine', level: options.level ?? 'info', redact: { paths: redactPaths, censor: '[redacted]' } };
  const pino = loadPino();
  return options.destination ? pino(config, options.destination) : pino(config);
}

/**
 * Log fields for an error: `{ err }` with the Error itself, so pino's `err` serializer writes its real
 * `type` (class name), `message` and `stack`, each with the `cause` chain appended, plus its own fields
 * (`code`, `fatal`, `status`…). A thrown non-Error is logged as `thrown` (its `typeof` and text).
 * Error messages in this library never contain a secret; the redact paths cover the fields.
 */
export function errorLogFields(error: unknown): Record<string, unknown> {
  if (error instanceof Error) return { err: error };
  return { thrown: { type: error === null ? 'null' : typeof error, value: safeText(error) } };
}

function safeText(value: unknown): string {
  try {
    return typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
