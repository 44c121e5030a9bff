/**
 * REST samples copied from shared/protocol/samples (provenance in its SOURCES.md), so the tests run from a clean
 * clone of this repository alone.
 */

/** error_event_id_not_replyable.captured.json (field capture, Lrobot). */
export const eventIdNotReplyable = {
  message: '请求参数event_id对应事件不能回复消息',
  code: 40034027,
  err_code: 40034027,
  trace_id: '12c7dfb902497f6b211c1d3c8a6a9d42',
};

/** error_invalid_token_401.captured.json (guanguans/notify test mock of an HTTP 401). */
export const invalidToken401 = { message: 'Token错误', code: 11243, err_code: 40012002, trace_id: 'b363de10b4c8893a382b8b9d6d07c615' };

/** error_message_audit_pending.docs.json (bot-docs post_messages.md; satori says it comes with HTTP 202). */
export const messageAuditPending = {
  code: 304023,
  message: 'push message is waiting for audit now',
  data: { message_audit: { audit_id: 'ab9bd72f-19e8-4394-b09e-66caca0d64e4' } },
};

/** c2c_send_message_response.captured.json (field capture, Lrobot). */
export const c2cSendResponse = {
  id: 'ROBOT1.0_-vh8GQMXamm82CP8NyBAyAMnXBZgzqfB5m7T-NJ1LZfB-93hxA47spViToX6-JLx6a778A74yX2PnVj6vlAX4A!!',
  timestamp: '2025-03-13T23:30:49+08:00',
};

/** channel_message_send_response.captured.json (guanguans/notify test mock of HTTP 200). */
export const channelSendResponse = {
  id: '08efdfa1b3e1d4d6e246109fbe8702383048e4d0ccae06',
  channel_id: '4316959',
  guild_id: '5099581822453968879',
  content: 'This is content.',
  timestamp: '2024-02-19T18:07:32+08:00',
  tts: false,
  mention_everyone: false,
  author: { id: '7938900097687957410', username: '', avatar: '', bot: true },
  pinned: false,
  type: 0,
  flags: 0,
  seq_in_channel: '48',
};
