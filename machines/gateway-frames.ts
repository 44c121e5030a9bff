/**
 * The frames a shard sends (reference §4.3 Identify, §4.4 Resume, §4.5 Heartbeat), built from plain values so the
 * shard machine only says when to send them. Pure: the operating system name comes in as an argument.
 *
 * The Identify/Resume token stays wrapped in a `Secret` inside the frame, so inspection events and logs that see
 * the SEND command see `[redacted]`; the socket reveals it when it writes.
 */
import { gatewayToken, OpCode, type GatewayFrame } from '../src/protocol/opcodes.js';
import { Secret } from '../src/secret.js';

/** Who is connecting, as Identify's `properties` say it. */
export const clientName = 'qq-bot-machine';

function gatewayTokenSecret(token: Secret | null): Secret {
  return new Secret(gatewayToken(token?.reveal() ?? ''));
}

export interface IdentifyFacts {
  token: Secret | null;
  intents: number;
  shardId: number;
  shardCount: number;
}

/** op 2: a new session for this shard. `os` is Node's `process.platform` where the bot runs. */
export function identifyFrame(facts: IdentifyFacts, os: string): GatewayFrame {
  return {
    op: OpCode.Identify,
    d: {
      token: gatewayTokenSecret(facts.token),
      intents: facts.intents,
      shard: [facts.shardId, facts.shardCount],
      properties: { $os: os, $browser: clientName, $device: clientName },
    },
  };
}

/** op 6: resume `sessionId` from `seq` (0 when none was seen). */
export function resumeFrame(token: Secret | null, sessionId: string | null, seq: number | null): GatewayFrame {
  return { op: OpCode.Resume, d: { token: gatewayTokenSecret(token), session_id: sessionId ?? '', seq: seq ?? 0 } };
}

/** op 1: the last sequence seen (null before the first dispatch). */
export function heartbeatFrame(seq: number | null): GatewayFrame {
  return { op: OpCode.Heartbeat, d: seq };
}
