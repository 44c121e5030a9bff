/**
 * Gateway opcodes. Source: reference §4.2 ([DOCS] event-emit.md, opcode.md).
 * Ops 3, 4, 5 and 8 are unused by QQ (Discord's presence/voice ops).
 */
export const OpCode = {
  Dispatch: 0,
  Heartbeat: 1,
  Identify: 2,
  Resume: 6,
  Reconnect: 7,
  InvalidSession: 9,
  Hello: 10,
  HeartbeatAck: 11,
  HttpCallbackAck: 12,
  CallbackValidation: 13,
} as const;

export type OpCode = (typeof OpCode)[keyof typeof OpCode];

/** The envelope every gateway frame uses (reference §4.1). `s` is absent on webhook deliveries. */
export interface GatewayFrame<D = unknown> {
  op: number;
  d?: D;
  s?: number;
  t?: string;
  id?: string;
}

export interface HelloData {
  heartbeat_interval: number;
}

export interface IdentifyData {
  token: string;
  intents: number;
  shard: [number, number];
  properties?: Record<string, unknown>;
}

export interface ResumeData {
  token: string;
  session_id: string;
  seq: number;
}

export interface ReadyData {
  version: number;
  session_id: string;
  user: { id: string; username: string; bot: boolean; status?: number };
  shard: [number, number];
}

/** The token string the gateway expects in Identify and Resume (reference §4.3/§4.4). */
export function gatewayToken(accessToken: string): string {
  return `QQBot ${accessToken}`;
}
