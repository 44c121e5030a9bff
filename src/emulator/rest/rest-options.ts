/** Options of the REST endpoints, and the defaults. */

export interface RestEmulatorOptions {
  /**
   * Accept active C2C/group messages (no msg_id/event_id) and `srv_send_msg: true` uploads. Default false: the
   * monthly active quota was withdrawn on 2025-04-21 (reference §9.4) and such sends get 40034105. Field reports
   * say some bots can still send them; turn this on to emulate such a bot. No quota is counted when on.
   */
  allowActiveMessages?: boolean;
  /** `ttl` of uploads in seconds; a `file_info` older than this is refused. 0 = never expires. Default 3600. */
  fileInfoTtl?: number;
  /** `avatar` of `GET /users/@me` and of the author of guild messages the bot sends. */
  botAvatar?: string;
}

export type ResolvedRestOptions = Required<RestEmulatorOptions>;

export function resolveRestOptions(options: RestEmulatorOptions = {}): ResolvedRestOptions {
  const fileInfoTtl = options.fileInfoTtl ?? 3600;
  if (!Number.isFinite(fileInfoTtl) || fileInfoTtl < 0) throw new RangeError(`restRoutes: fileInfoTtl must be >= 0, got ${fileInfoTtl}`);
  return {
    allowActiveMessages: options.allowActiveMessages ?? false,
    fileInfoTtl,
    botAvatar: options.botAvatar ?? 'https://thirdqq.qlogo.cn/g?b=oidb&k=emulatorbot&s=100',
  };
}
