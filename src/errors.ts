/**
 * Typed errors. Every error the library raises or puts on `errors$` is a `QQBotError` with a stable
 * `code` string, so handlers can switch on it. Messages never contain a secret or a token.
 */
export type QQBotErrorCode =
  | 'CONFIG'
  | 'AUTH'
  | 'TOKEN_ENDPOINT'
  | 'GATEWAY_DISCOVERY'
  | 'GATEWAY_CLOSED'
  | 'INVALID_SESSION'
  | 'PROTOCOL'
  | 'TIMEOUT'
  | 'SESSION_LIMIT'
  | 'HANDLER'
  | 'API'
  | 'REPLY_RULE'
  | 'STOPPED'
  | 'WEBHOOK'
  | 'MESSAGE';

export class QQBotError extends Error {
  readonly code: QQBotErrorCode;
  /** True when the bot cannot carry on without a human (bad config, banned bot, rejected credentials). */
  readonly fatal: boolean;
  /** Shard the error belongs to, if any. */
  shard?: number;

  constructor(code: QQBotErrorCode, message: string, options: { fatal?: boolean; cause?: unknown; shard?: number } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.fatal = options.fatal ?? false;
    if (options.shard !== undefined) this.shard = options.shard;
  }
}

/** A `createBot()` option is missing or malformed. Thrown synchronously; names the option. */
export class QQConfigError extends QQBotError {
  readonly option: string;
  constructor(option: string, message: string) {
    super('CONFIG', `Invalid option "${option}": ${message}`, { fatal: true });
    this.option = option;
  }
}

/** The platform rejected the credentials (token endpoint `code != 0` that is not transient). */
export class QQAuthError extends QQBotError {
  /** The platform's error code, e.g. 100007 "appid invalid". */
  readonly platformCode: number | undefined;
  constructor(message: string, platformCode?: number, options: { fatal?: boolean; cause?: unknown } = {}) {
    super('AUTH', message, { fatal: options.fatal ?? true, cause: options.cause });
    this.platformCode = platformCode;
  }
}

/** The token endpoint failed transiently (network, 5xx, timeout, bad JSON, internal error code). Retried. */
export class QQTokenEndpointError extends QQBotError {
  readonly status: number | undefined;
  readonly platformCode: number | undefined;
  constructor(message: string, details: { status?: number; platformCode?: number; cause?: unknown } = {}) {
    super('TOKEN_ENDPOINT', message, { cause: details.cause });
    this.status = details.status;
    this.platformCode = details.platformCode;
  }
}

/** `GET /gateway/bot` / `GET /gateway` failed. Retried unless fatal. */
export class QQGatewayDiscoveryError extends QQBotError {
  readonly status: number | undefined;
  constructor(message: string, details: { status?: number; cause?: unknown; fatal?: boolean } = {}) {
    super('GATEWAY_DISCOVERY', message, { cause: details.cause, fatal: details.fatal ?? false });
    this.status = details.status;
  }
}

/** The gateway closed the connection. `fatal` when the close-code table says never to retry. */
export class QQGatewayError extends QQBotError {
  readonly closeCode: number;
  readonly reason: string;
  constructor(closeCode: number, reason: string, options: { fatal: boolean; hint?: string; shard?: number }) {
    const hint = options.hint ? ` (${options.hint})` : '';
    super('GATEWAY_CLOSED', `Gateway closed with ${closeCode}: ${reason}${hint}`, { fatal: options.fatal, shard: options.shard });
    this.closeCode = closeCode;
    this.reason = reason;
  }
}

/** op 9 Invalid Session. Fatal when it keeps arriving right after IDENTIFY (intents or credentials). */
export class QQInvalidSessionError extends QQBotError {
  readonly resumable: boolean;
  constructor(message: string, options: { resumable: boolean; fatal: boolean; shard?: number }) {
    super('INVALID_SESSION', message, { fatal: options.fatal, shard: options.shard });
    this.resumable = options.resumable;
  }
}

/** A frame from the gateway that does not follow the protocol. Never fatal: the frame is skipped. */
export class QQProtocolError extends QQBotError {
  /** A short, secret-free preview of the offending frame. */
  readonly preview: string;
  constructor(message: string, preview: string, shard?: number) {
    super('PROTOCOL', message, { shard });
    this.preview = preview;
  }
}

/** A timer ran out: Hello, READY/RESUMED, or a heartbeat ACK. */
export class QQTimeoutError extends QQBotError {
  readonly waitingFor: string;
  /** `cause`: the last error seen while waiting (e.g. why `start()` could not connect); its message is appended. */
  constructor(waitingFor: string, shard?: number, options: { cause?: QQBotError | null } = {}) {
    const cause = options.cause ?? undefined;
    super('TIMEOUT', `Timed out waiting for ${waitingFor}${cause ? `; last error: ${cause.message}` : ''}`, { shard, cause });
    this.waitingFor = waitingFor;
  }
}

/** `session_start_limit.remaining` is too low to start the requested shards. */
export class QQSessionLimitError extends QQBotError {
  constructor(message: string) {
    super('SESSION_LIMIT', message, { fatal: true });
  }
}

/**
 * A subscriber threw, or a `bot.handle()` handler threw or rejected (`cause`: what it threw, e.g. a
 * `QQApiError` from a refused reply). The stream, the other subscribers and the connection carry on.
 */
export class QQHandlerError extends QQBotError {
  readonly eventType: string | undefined;
  constructor(cause: unknown, eventType?: string) {
    super('HANDLER', `A handler failed on ${eventType ?? 'an event'}: ${describe(cause)}`, { cause });
    this.eventType = eventType;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
