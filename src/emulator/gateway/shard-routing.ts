/**
 * Which shard an event goes to. Guild events: `(guild_id >> 22) % num_shards` (reference §3.3, official).
 * Group and C2C events carry openids, not guild ids; how the platform spreads them is UNCONFIRMED, and every
 * group/C2C SDK uses one shard, so the emulator sends them to shard 0.
 */

/** The shard a guild's events arrive on. Returns 0 for ids that are not unsigned integers. */
export function guildShard(guildId: string, totalShards: number): number {
  if (!/^\d+$/.test(guildId) || totalShards < 1) return 0;
  return Number((BigInt(guildId) >> 22n) % BigInt(totalShards));
}

/** The shard for an event payload: by `guild_id` when the payload has one, else shard 0. */
export function shardForEvent(data: unknown, totalShards: number): number {
  if (data !== null && typeof data === 'object') {
    const guildId = (data as Record<string, unknown>).guild_id;
    if (typeof guildId === 'string') return guildShard(guildId, totalShards);
  }
  return 0;
}
