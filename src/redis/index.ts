/**
 * `qq-bot-machine/redis`: what several processes (or hosts) of one bot share through Redis — the
 * session store, and the coordination of identifies and shard leases. Needs `ioredis` (an optional
 * peer dependency). See docs/scaling.md.
 */
export type { RedisClient } from './client.js';
export { createRedisSessionStore, type RedisSessionStoreOptions } from './session-store.js';
export { createRedisIdentifyCoordinator, type RedisIdentifyCoordinatorOptions } from './identify-coordinator.js';
export { createRedisShardLeases, type RedisShardLeasesOptions } from './shard-leases.js';
