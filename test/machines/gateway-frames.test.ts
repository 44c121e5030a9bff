import { describe, expect, it } from 'vitest';
import { heartbeatFrame, identifyFrame, resumeFrame } from '../../machines/gateway-frames.js';
import { OpCode } from '../../src/protocol/opcodes.js';
import { Secret } from '../../src/secret.js';

describe('the frames a shard sends', () => {
  const token = new Secret('access-token-xyz');

  it('IDENTIFY carries the intents, the shard, the OS given and the token as a Secret', () => {
    const frame = identifyFrame({ token, intents: 1 << 25, shardId: 1, shardCount: 4 }, 'freebsd');
    expect(frame.op).toBe(OpCode.Identify);
    const d = frame.d as { token: Secret; intents: number; shard: number[]; properties: Record<string, string> };
    expect(d.intents).toBe(1 << 25);
    expect(d.shard).toEqual([1, 4]);
    expect(d.properties.$os).toBe('freebsd');
    expect(d.token).toBeInstanceOf(Secret);
    expect(d.token.reveal()).toBe('QQBot access-token-xyz');
    expect(JSON.stringify(frame)).not.toContain('access-token-xyz');
  });

  it('RESUME carries the session and seq, 0 and "" when unknown', () => {
    const frame = resumeFrame(token, 'session-1', 42);
    expect(frame.op).toBe(OpCode.Resume);
    expect((frame.d as { session_id: string; seq: number }).session_id).toBe('session-1');
    expect((frame.d as { seq: number }).seq).toBe(42);
    const empty = resumeFrame(null, null, null).d as { session_id: string; seq: number };
    expect([empty.session_id, empty.seq]).toEqual(['', 0]);
  });

  it('a heartbeat carries the last seq, null before the first dispatch', () => {
    expect(heartbeatFrame(7)).toEqual({ op: OpCode.Heartbeat, d: 7 });
    expect(heartbeatFrame(null)).toEqual({ op: OpCode.Heartbeat, d: null });
  });
});
