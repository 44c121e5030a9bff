/**
 * An experiment, not a client anyone would ship: the library's own per-event code — decodeFrame(), the shard's
 * RecentIds dedupe and seq check, DeliveredEvent, and the Subject → IsolatedObservable → filter chain behind
 * bot.on() — called synchronously for each frame, without the XState step (and the batching that amortises it).
 * Connection handling is the raw client's. It measures, in the same run, what the design fix described in
 * docs/benchmarks.md ("a dispatch gate outside the machine step") would leave of the gap to raw.
 */
import * as raw from './raw.mjs';

export const label = 'experiment: per-event code without the machine step';

export async function load() {
  const ws = await import('ws');
  const { decodeFrame } = await import('../../dist/src/io/frame-decoder.js');
  const { RecentIds } = await import('../../dist/machines/recent-ids.js');
  const { DeliveredEvent } = await import('../../dist/src/events/bot-event.js');
  const { IsolatedObservable } = await import('../../dist/src/events/isolated.js');
  const rxjs = await import('rxjs');
  return { ws, decodeFrame, RecentIds, DeliveredEvent, IsolatedObservable, rxjs };
}

export async function connect(m, { emu, onEvent }) {
  const subject = new m.rxjs.Subject();
  const events$ = new m.IsolatedObservable(subject.asObservable(), () => {});
  const wanted = new Set(['C2C_MESSAGE_CREATE']);
  events$.pipe(m.rxjs.filter((event) => wanted.has(event.type))).subscribe((event) => onEvent(event.data));
  const ids = new m.RecentIds();
  let seq = null;
  const services = { api: null, now: () => Date.now() };
  // The raw client's socket, with dispatch frames taken by the library's code instead of its own handler.
  const WebSocket = class extends m.ws.WebSocket {
    on(name, listener) {
      if (name !== 'message') return super.on(name, listener);
      return super.on('message', (data) => {
        const event = m.decodeFrame(data.toString(), 0);
        if (event.type !== 'GATEWAY.DISPATCH') return listener(data);
        for (const d of event.dispatches) {
          if ((d.seq !== null && seq !== null && d.seq <= seq) || (d.id !== null && ids.has(d.id))) continue;
          if (d.id !== null) ids.add(d.id);
          if (d.seq !== null) seq = d.seq;
          subject.next(new m.DeliveredEvent(d.eventType, d.id, d.seq, 0, d.data, services));
        }
      });
    }
  };
  return raw.connect({ WebSocket }, { emu, onEvent: () => {} });
}
