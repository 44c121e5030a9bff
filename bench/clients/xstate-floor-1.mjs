/** The XState floor with 1 actor per shard (bench/lib/xstate-floor.mjs). */
import { floorClient } from '../lib/xstate-floor.mjs';

export const label = 'XState floor, 1 actor per shard';
const client = floorClient(1);
export const load = client.load;
export const connect = client.connect;
