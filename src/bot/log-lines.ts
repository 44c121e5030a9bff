/**
 * What the bot's machines emit, as log lines: one place for the words a bot author reads in the log
 * (READY, disconnects and the decision taken, token issues, transitions at debug level).
 */
import type { Logger } from 'pino';
import type { InspectionEvent } from 'xstate';
import { shardIdOfActor, type BotEmitted } from '../../machines/bot.machine.js';
import { describeCause } from '../../machines/reconnect-policy.js';
import type { ShardEmitted } from '../../machines/shard.machine.js';
import type { TokenEmitted } from '../../machines/token.machine.js';
import type { QQBotError } from '../errors.js';
import { dotted } from '../state.js';

type Report = (error: QQBotError, message: string, log?: Logger | null) => void;

/** The pino level of an event's log line, or 'report' for an error, which reaches errors$ whatever the level. */
export type LineLevel = 'trace' | 'info' | 'warn' | 'error' | 'report';

export function shardLineLevel(emitted: ShardEmitted): LineLevel {
  switch (emitted.type) {
    case 'shard.ready':
    case 'shard.resumed':
      return 'info';
    case 'shard.disconnected':
      return emitted.plan.step === 'fatal' || emitted.plan.step === 'fatal-bot' ? 'error' : 'warn';
    case 'shard.heartbeat':
      return 'trace';
    case 'shard.error':
      return 'report';
  }
}

export function tokenLineLevel(emitted: TokenEmitted): LineLevel {
  if (emitted.type === 'token.issued') return 'info';
  return emitted.type === 'token.expired' ? 'warn' : 'report';
}

/**
 * Whether an event's line is written at `logger`'s level. A line that is not costs no child logger
 * (pino serialises a child's bindings when it is made): at READY, a thousand shards made a thousand.
 */
export function lineWanted(logger: Logger, level: LineLevel): boolean {
  return level === 'report' || logger.isLevelEnabled(level);
}

/** A shard's emitted event: a log line, or an error report. */
export function logShardEmitted(log: Logger, emitted: ShardEmitted, report: Report): void {
  switch (emitted.type) {
    case 'shard.ready':
      log.info({ sessionId: emitted.sessionId, user: emitted.user.username }, 'READY');
      return;
    case 'shard.resumed':
      log.info({ sessionId: emitted.sessionId }, 'RESUMED');
      return;
    case 'shard.disconnected': {
      const fatal = shardLineLevel(emitted) === 'error';
      const entry = {
        cause: describeCause(emitted.cause),
        ...(emitted.cause.kind === 'close' ? { closeCode: emitted.cause.code } : {}),
        decision: emitted.plan.step,
      };
      if (fatal) log.error(entry, 'disconnected: giving up');
      else log.warn(entry, `disconnected: will ${emitted.plan.step === 'resume' ? 'resume' : emitted.plan.step === 'identify' ? 'identify afresh' : emitted.plan.step}`);
      return;
    }
    case 'shard.heartbeat':
      log.trace({ latencyMs: emitted.latencyMs }, 'heartbeat ACK');
      return;
    case 'shard.error':
      report(emitted.error, emitted.error.fatal ? 'shard failed' : 'shard error', log);
      return;
  }
}

/** The token actor's emitted event: a log line, or an error report. */
export function logTokenEmitted(log: Logger, emitted: TokenEmitted, report: Report): void {
  if (emitted.type === 'token.issued') log.info({ expiresInSeconds: emitted.expiresInSeconds, renewed: emitted.renewed }, 'access token issued');
  else if (emitted.type === 'token.expired') log.warn('access token expired before a new one arrived');
  else report(emitted.error, 'token endpoint error', log);
}

/** The bot machine's emitted event (all but `bot.shardReleased`, which is state): a log line, or an error report. */
export function logBotEmitted(log: Logger, emitted: Exclude<BotEmitted, { type: 'bot.shardReleased' }>, report: Report): void {
  if (emitted.type === 'bot.gateway') {
    log.info(
      { url: emitted.gateway.url, source: emitted.gateway.source, shards: emitted.shardIds, shardCount: emitted.shardCount, sessionStartLimit: emitted.gateway.sessionStartLimit },
      'gateway discovered',
    );
  } else {
    report(emitted.error, emitted.type === 'bot.failed' ? 'bot failed' : 'bot error');
  }
}

/** At debug level, one line per state change of any actor of the bot (shards: their connection region). */
export class TransitionLog {
  readonly #lastValues = new Map<string, string>();
  readonly #logger: Logger;
  readonly #shardLogger: (shardId: number) => Logger | undefined;

  constructor(logger: Logger, shardLogger: (shardId: number) => Logger | undefined) {
    this.#logger = logger;
    this.#shardLogger = shardLogger;
  }

  inspect(event: InspectionEvent): void {
    if (event.type !== '@xstate.snapshot' || !this.#logger.isLevelEnabled('debug')) return;
    const actorId = (event.actorRef as unknown as { id: string }).id;
    const value = (event.snapshot as { value?: unknown }).value;
    if (value === undefined) return;
    const shardId = shardIdOfActor(actorId);
    const now = shardId !== undefined ? dotted((value as { connection?: unknown }).connection) : dotted(value);
    const before = this.#lastValues.get(actorId);
    if (before === now) return;
    this.#lastValues.set(actorId, now);
    const log = (shardId !== undefined ? this.#shardLogger(shardId) : undefined) ?? this.#logger;
    log.debug({ machine: actorId, from: before ?? null, to: now, state: now, cause: event.event.type }, `${actorId}: ${before ?? '∅'} → ${now}`);
  }
}
