import { pino, type Logger } from 'pino';

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
  return options.destination ? pino(config, options.destination) : pino(config);
}
