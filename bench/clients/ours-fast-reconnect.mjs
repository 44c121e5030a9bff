/**
 * qq-bot-machine with `timing: { shard: { RECONNECT_BACKOFF: 0 } }`: the same client as ours.mjs without the random
 * spread (0–25 ms per shard, at most 250 ms) the library puts before its first reconnect attempt. Recovery scenario only, to show how much
 * of the library's time to RESUMED is that deliberate jitter and how much is the reconnect path itself.
 */
import { connect as connectOurs, load as loadOurs } from './ours.mjs';

export const label = 'qq-bot-machine, RECONNECT_BACKOFF 0';
export const load = loadOurs;
export function connect(lib, options) {
  return connectOurs(lib, { ...options, timing: { shard: { RECONNECT_BACKOFF: 0 } } });
}
