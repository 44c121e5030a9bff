/**
 * `now()`, read at most once per turn of the event loop: every event a socket read delivers gets the
 * same arrival time, the time the first of them was delivered. `ws` hands over all the frames of one
 * read synchronously, so a burst costs one clock read per read instead of one per event (≈ 1 % of a
 * dispatch's CPU, bench/notes.md). Later events of a read get an arrival time no later than their
 * real one, so a reply window measured from it can only close early, never late.
 */
export function turnClock(now: () => number): () => number {
  let time = 0;
  let fresh = false;
  const expire = (): void => {
    fresh = false;
  };
  return () => {
    if (!fresh) {
      time = now();
      fresh = true;
      queueMicrotask(expire);
    }
    return time;
  };
}
