/** Options and the observable records of the emulator. All records are plain objects, newest last. */
import type { IncomingHttpHeaders } from 'node:http';
import type { GatewayFrame } from '../protocol/opcodes.js';
import type { RestEmulatorOptions } from './rest/rest-options.js';

export interface SessionStartLimitOptions {
  /** Sessions per 24 h. Default 1000 (every sample, reference §3.2). */
  total?: number;
  /** Sessions left now. Default `total`. Each successful IDENTIFY takes one. */
  remaining?: number;
  /** ms until `remaining` resets to `total`. Default 86 400 000. */
  resetAfter?: number;
  /** IDENTIFYs allowed per 5 s window. Default 1. */
  maxConcurrency?: number;
  /**
   * Also enforce the rate-limit buckets (`shard_id % max_concurrency`, one IDENTIFY per bucket per
   * 5 s window) with 4008, as Discord documents for the same field. Default false: only the count
   * per window (the QQ docs say no more).
   */
  perBucket?: boolean;
}

export interface EmulatorOptions {
  appId: string;
  secret: string;
  /** Default 0 (any free port). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Hello `heartbeat_interval`, ms. Default 45000 (docs example, reference §7). */
  heartbeatInterval?: number;
  /** A slow gateway: answer each heartbeat this many ms late. Default 0. */
  heartbeatAckDelayMs?: number;
  /** Access token lifetime, seconds. Default 7200 (reference §1.3). */
  tokenTtl?: number;
  /** Recommended shard count in `GET /gateway/bot`. Default 1. */
  shards?: number;
  sessionStartLimit?: SessionStartLimitOptions;
  /** Intent bits the bot may request. Default: every known bit except the private-only ones. */
  entitledIntents?: number;
  /** Accept the retired `Bot <appid>.<token>` auth (reference §1.6). Default false. */
  acceptLegacyToken?: boolean;
  /** Clock in ms. Default Date.now. Token lifetimes, identify windows and timestamps use it. */
  now?: () => number;
  /** Dispatches kept per session for resume replay. Default 10000. */
  replayBufferSize?: number;
  /**
   * How long a session stays resumable after its socket is gone, ms. After that a RESUME gets 4006
   * and events for the shard are not delivered (until a new IDENTIFY). Default: no limit.
   */
  resumeWindowMs?: number;
  /** The bot user READY announces. Default `{ id: '6158788878435714165', username: 'emulator-bot' }`. */
  botUser?: { id: string; username: string };
  /** REST endpoint options (active messages, file_info ttl, bot avatar). */
  rest?: RestEmulatorOptions;
  /**
   * Serve the admin API under `/_emulator/` on the same port, for loopback clients only (docs/emulator.md
   * "Admin API"): inject events and faults, read records, wait. Default false; the CLI turns it on.
   */
  admin?: boolean;
  /** Receives one line per notable emulator event (never a secret or token). Default: silent. */
  log?: (line: string) => void;
}

export interface HttpRequestRecord {
  method: string;
  /** URL path without the query string. */
  path: string;
  /** The query string without `?`, '' when none. */
  query: string;
  /** Lower-case names; Authorization included (this is the platform's view). */
  headers: IncomingHttpHeaders;
  /** Parsed JSON, or the raw text when it is not JSON, or undefined when empty. */
  body: unknown;
  /** HTTP status sent; 0 while the request is still open (e.g. a 'timeout' fault). */
  status: number;
  /** `now()` when the request arrived. */
  at: number;
  /** The access token used, if the request carried one we could parse. */
  token?: string;
  /** True when that token had expired. */
  tokenExpired?: boolean;
}

export interface CloseRecord {
  code: number;
  reason: string;
  /** 'server': the emulator sent a close frame. 'client': the client closed (or vanished). 'drop': the emulator cut TCP. */
  by: 'server' | 'client' | 'drop';
}

export interface ConnectionRecord {
  /** 1, 2, 3, … in connection order. */
  id: number;
  shardId?: number;
  sessionId?: string;
  /** Frames the client sent, parsed. Invalid JSON is in `invalidFrames`. */
  received: GatewayFrame[];
  /** Frames the emulator sent (not raw fault frames). */
  sent: GatewayFrame[];
  /** Raw text of client frames that were not valid JSON objects. */
  invalidFrames: string[];
  /** `d` of every heartbeat (op 1) the client sent, in order. */
  heartbeats: unknown[];
  openedAt: number;
  closed?: CloseRecord;
}

export interface BufferedDispatch {
  s: number;
  frame: GatewayFrame;
}

export interface SessionRecord {
  sessionId: string;
  shard: [number, number];
  intents: number;
  /** Last sequence number used (READY is 1). */
  seq: number;
  /** Dispatches kept for resume replay (READY/RESUMED are not kept). */
  buffer: BufferedDispatch[];
  /** The connection currently attached, if any. */
  connectionId?: number;
  /** False after `sendInvalidSession(false)`, a re-identify on the shard, or the resume window passed. */
  resumable: boolean;
  createdAt: number;
  /** When its last socket went away (absent while one is attached, or before the first). */
  detachedAt?: number;
}

export interface EmulatorStats {
  /** IDENTIFY frames received (attempts, accepted or not). */
  identifies: number;
  /** RESUME frames received (attempts). */
  resumes: number;
  /** Heartbeats received. */
  heartbeats: number;
  /** Uses of an expired access token (REST, Identify, Resume). A good client keeps this at 0. */
  expiredTokenUses: number;
  /** Distinct access tokens issued. */
  tokensIssued: number;
  /** Dispatches assigned a sequence number in some session. */
  dispatched: number;
}

export interface DispatchOptions {
  /** Target shard. Default: guild events by `(guild_id >> 22) % shards`, everything else shard 0. */
  shard?: number;
  /** Envelope id. Default `<TYPE>:<uuid>`. */
  id?: string;
}

export interface DispatchResult {
  /** Envelope id. */
  id: string;
  /** Sequence number in the session, undefined when no session took it. */
  s: number | undefined;
  shard: number;
  /** False when no session was there or its intents did not cover the event. */
  delivered: boolean;
}

export type HttpFaultKind = '5xx' | 'timeout' | 'error-code' | 'bad-json' | 'slow';

export interface HttpFaultOptions {
  /** Status for '5xx'. Default 500. */
  status?: number;
  /** Delay for 'slow', ms (real time). Default 2000. */
  delayMs?: number;
}

/** Selects live connections for fault injection. Default: every live connection. */
export interface ConnectionTarget {
  shard?: number;
  /** A connection id (`ConnectionRecord.id`). */
  connection?: number;
}
