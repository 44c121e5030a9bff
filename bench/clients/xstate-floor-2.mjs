/** The XState floor with 2 actors per shard (bench/lib/xstate-floor.mjs). */
import { floorClient } from '../lib/xstate-floor.mjs';

export const label = 'XState floor, 2 actors per shard';
const client = floorClient(2);
export const load = client.load;
export const connect = client.connect;
