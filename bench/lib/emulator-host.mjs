/**
 * The emulator process of the benchmark. Runs the project's emulator (dist/src/emulator) and takes commands from
 * the parent over IPC:
 *
 *   { cmd: 'burst', count, from }          C2C events as fast as the client reads (socket backpressure)
 *   { cmd: 'paced', count, from, rate }    C2C events at a fixed rate (events/s)
 *   { cmd: 'dispatch-paced', count, from, rate, dropAtMs }
 *                                           C2C events through the emulator's regular dispatch path (session
 *                                           replay buffer, intents filter), dropping the connection at dropAtMs
 *   { cmd: 'dispatch-drops', count, from, rate, firstDropAtMs, drops, gapMs, maxWaitMs }
 *                                           the same regular dispatches, with `drops` TCP drops `gapMs` apart (each
 *                                           waits until the client is back), timing each drop → RESUMED/READY
 *   { cmd: 'paced-shards', count, froms, rate }
 *                                           `count` C2C events at `rate`/s to each open connection i, indices from froms[i]
 *   { cmd: 'heartbeats', expectedMs, sinceNs }
 *                                           heartbeat jitter (|interval − expectedMs|) over every connection
 *   { cmd: 'stats' }                       emulator stats, connections, sessions
 *   { cmd: 'close' }
 *
 * Every event's `d` is a C2C message shaped like the emulator's `c2cMessagePayload` plus two bench fields:
 * `bench_n` (the event's index, 1:1 with its envelope id) and `bench_t` (send time, ns on CLOCK_MONOTONIC, which
 * every process on the machine shares).
 *
 * burst/paced bypass the emulator's per-event bookkeeping (the `sent` record, the replay buffer, the inbound
 * registry) and write pre-built frames straight to the session's socket, so that the emulator is never what limits
 * a client; the session's `seq` still advances. Recovery uses `emu.dispatch()`, the regular path.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { WebSocket } from 'ws';
import { startEmulator, DEFAULT_USER_OPENID } from '../../dist/src/emulator/index.js';
import { platformTimestamp } from '../../dist/src/emulator/ids.js';

const nowNs = () => Number(process.hrtime.bigint());
const send = (message) => process.send?.(message);

// The emulator keeps its server-side sockets private. The bench needs the TCP socket of a session to write bursts
// with backpressure, so it notes every server-side `ws` in the order it first sends (the Hello, sent when the
// connection opens: the same order as `emu.connections`). There are no client sockets in this process.
const serverSockets = [];
const seenSockets = new WeakSet();
// Receive time (ns) of every heartbeat (op 1) per server socket, same index as serverSockets: heartbeat jitter is
// measured here, on the platform's side, so it is the same measure for every client.
const heartbeatTimes = [];
const originalSend = WebSocket.prototype.send;
WebSocket.prototype.send = function patchedSend(...args) {
  if (!seenSockets.has(this)) {
    seenSockets.add(this);
    serverSockets.push(this);
    const times = [];
    heartbeatTimes.push(times);
    this.on('message', (data) => {
      const at = nowNs();
      try {
        if (JSON.parse(data.toString()).op === 1) times.push(at);
      } catch {}
    });
  }
  return originalSend.apply(this, args);
};

const options = JSON.parse(process.argv[2] ?? '{}');
const emu = await startEmulator({
  appId: options.appId,
  secret: options.secret,
  heartbeatInterval: options.heartbeatInterval ?? 41_250,
  shards: options.shards ?? 1,
  sessionStartLimit: { maxConcurrency: options.maxConcurrency ?? 100, total: 100_000 },
  acceptLegacyToken: options.acceptLegacyToken ?? false,
  replayBufferSize: options.replayBufferSize ?? 10_000,
});

// ---- frame building ----------------------------------------------------------------------------------------

const TYPE = 'C2C_MESSAGE_CREATE';
const openid = DEFAULT_USER_OPENID;
const msgIdPrefix = `ROBOT1.0_${randomBytes(24).toString('base64url')}`; // + 16 digits + '!': 58 chars like the platform's
const uuidPrefix = randomUUID().slice(0, 24); // + 12 hex digits of the event index: a unique uuid-shaped id
const content = 'bench message: the quick brown fox jumps over the lazy dog 0123456789';
let stampMs = 0;
let stamp = '';
function timestamp() {
  const ms = Date.now();
  if (ms - stampMs >= 1000) {
    stampMs = ms;
    stamp = platformTimestamp(ms);
  }
  return stamp;
}
const eventId = (n) => `${TYPE}:${uuidPrefix}${n.toString(16).padStart(12, '0')}`;
const messageId = (n) => `${msgIdPrefix}${String(n).padStart(16, '0')}!`;

/** The `d` of event n: what emu.c2cMessage() builds (c2cMessagePayload), with the two bench fields. */
function payload(n) {
  return {
    id: messageId(n),
    content,
    timestamp: timestamp(),
    author: { id: openid, user_openid: openid, union_openid: openid },
    message_scene: { source: 'default', callback_data: '' },
    message_type: 0,
    bench_n: n,
    bench_t: nowNs(),
  };
}

// The same JSON as JSON.stringify({ op: 0, s, t, id, d: payload(n) }), by concatenation: the bulk writer must be
// much cheaper per event than any client's read path, or the benchmark would measure the emulator.
const authorJson = JSON.stringify({ id: openid, user_openid: openid, union_openid: openid });
const sceneJson = JSON.stringify({ source: 'default', callback_data: '' });
const contentJson = JSON.stringify(content);
function frameText(s, n) {
  return (
    `{"op":0,"s":${s},"t":"${TYPE}","id":"${eventId(n)}","d":{"id":"${messageId(n)}","content":${contentJson},` +
    `"timestamp":"${timestamp()}","author":${authorJson},"message_scene":${sceneJson},"message_type":0,"bench_n":${n},"bench_t":${nowNs()}}}`
  );
}
{
  // Self-check: the concatenated frame parses to what JSON.stringify of the object would.
  const text = frameText(7, 7);
  const parsed = JSON.parse(text);
  const expected = { op: 0, s: 7, t: TYPE, id: eventId(7), d: { ...payload(7), bench_t: parsed.d.bench_t } };
  if (JSON.stringify(parsed) !== JSON.stringify(expected)) throw new Error('frameText does not match the payload builder');
}

/**
 * Server-to-client WebSocket frames (FIN + text, unmasked) for a run of events, in one buffer. Written straight to
 * the session's TCP socket: ws's own sender writes whole frames synchronously (no compression on the emulator), so
 * frames never interleave.
 */
function frames(session, from, count) {
  const texts = new Array(count);
  let size = 0;
  for (let i = 0; i < count; i++) {
    session.seq += 1;
    const text = frameText(session.seq, from + i);
    texts[i] = text;
    size += text.length + (text.length < 126 ? 2 : 4);
  }
  const buffer = Buffer.allocUnsafe(size);
  let offset = 0;
  for (const text of texts) {
    const length = text.length; // ASCII only: one byte per char
    buffer[offset++] = 0x81;
    if (length < 126) buffer[offset++] = length;
    else {
      buffer[offset++] = 126;
      buffer.writeUInt16BE(length, offset);
      offset += 2;
    }
    offset += buffer.latin1Write(text, offset);
  }
  return buffer;
}

// ---- target connection --------------------------------------------------------------------------------------

function liveSession(shard = 0) {
  let found;
  for (const session of emu.sessions.values()) {
    if (session.shard[0] === shard && session.resumable && session.connectionId !== undefined) found = session;
  }
  return found;
}

function target() {
  const session = liveSession();
  if (!session) throw new Error('no live session on shard 0');
  const ws = serverSockets[session.connectionId - 1];
  if (!ws || ws.readyState !== WebSocket.OPEN) throw new Error(`socket of connection ${session.connectionId} is not open`);
  return { session, socket: ws._socket };
}

const HIGH_WATER = 1 << 20; // bytes queued in user space before waiting for 'drain'
const CHUNK = 128;

const drained = (socket) =>
  new Promise((resolve) => {
    const done = () => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.on('drain', done);
    socket.on('close', done);
  });

/** Writes `count` events as fast as the socket drains. */
async function burst({ count, from = 0 }) {
  const { session, socket } = target();
  const startNs = nowNs();
  let n = from;
  const end = from + count;
  let waits = 0;
  while (n < end) {
    const size = Math.min(CHUNK, end - n);
    socket.write(frames(session, n, size));
    n += size;
    if (socket.destroyed) throw new Error('socket closed during the burst');
    if (socket.writableLength > HIGH_WATER) {
      waits += 1;
      await drained(socket);
    }
  }
  return { startNs, writtenNs: nowNs(), waits };
}

/** Sends `count` events at `rate` per second; ticks every ms, each sends what is due (about rate/1000). */
async function paced({ count, from = 0, rate }) {
  const { session, socket } = target();
  const startNs = nowNs();
  let sent = 0;
  while (sent < count) {
    const due = Math.min(count, Math.floor(((nowNs() - startNs) / 1e9) * rate) + 1);
    if (due > sent) {
      socket.write(frames(session, from + sent, due - sent));
      sent = due;
    }
    if (sent < count) await new Promise((resolve) => setTimeout(resolve, 1));
  }
  return { startNs, endNs: nowNs() };
}

/**
 * The open sessions the client holds, one per connection, by shard id then connection: what a multi-shard paced run
 * writes to. A session another identify on the same shard id superseded still counts while its socket is open
 * (qq-official-bot's "shards" are separate Bot instances that all identify as [0, 1]).
 */
function openTargets() {
  const found = [];
  for (const session of emu.sessions.values()) {
    if (session.connectionId === undefined) continue;
    const ws = serverSockets[session.connectionId - 1];
    if (ws && ws.readyState === WebSocket.OPEN) found.push({ session, socket: ws._socket });
  }
  return found.sort((a, b) => a.session.shard[0] - b.session.shard[0] || a.session.connectionId - b.session.connectionId);
}

const QUEUE_CAP = 8 * HIGH_WATER; // a connection with this much queued in user space gets nothing more this tick
const MAX_WRITE = 1024; // events per write when catching up

/**
 * `rate` events/s to EACH of the client's open connections (`froms[i]`: the first event index of connection i), in
 * one loop ticking every ms. Never more than QUEUE_CAP queued per connection: a client that does not keep up holds
 * the sender back (counted as blocked ticks), so the achieved send rate is what the client allowed, and an emulator
 * that cannot build frames fast enough shows as an achieved rate below `rate` with no blocked ticks.
 */
async function pacedShards({ count, froms, rate }) {
  const targets = openTargets();
  if (targets.length !== froms.length) throw new Error(`expected ${froms.length} open sessions, found ${targets.length}`);
  const lanes = targets.map(({ session, socket }, i) => ({ session, socket, from: froms[i], sent: 0, endNs: 0, blockedTicks: 0, maxQueuedBytes: 0 }));
  const startNs = nowNs();
  let pending = lanes.length;
  while (pending > 0) {
    const due = Math.min(count, Math.floor(((nowNs() - startNs) / 1e9) * rate) + 1);
    for (const lane of lanes) {
      if (lane.sent >= count) continue;
      if (lane.socket.destroyed) throw new Error(`connection of shard ${lane.session.shard[0]} closed during the run`);
      if (lane.socket.writableLength > QUEUE_CAP) {
        lane.blockedTicks += 1;
        continue;
      }
      const size = Math.min(due - lane.sent, MAX_WRITE);
      if (size <= 0) continue;
      lane.socket.write(frames(lane.session, lane.from + lane.sent, size));
      lane.sent += size;
      lane.maxQueuedBytes = Math.max(lane.maxQueuedBytes, lane.socket.writableLength);
      if (lane.sent >= count) {
        lane.endNs = nowNs();
        pending -= 1;
      }
    }
    if (pending > 0) await new Promise((resolve) => setTimeout(resolve, 1));
  }
  return {
    startNs,
    endNs: nowNs(),
    lanes: lanes.map((l) => ({ shard: l.session.shard, from: l.from, sent: l.sent, endNs: l.endNs, blockedTicks: l.blockedTicks, maxQueuedBytes: l.maxQueuedBytes })),
  };
}

/**
 * Heartbeat jitter over every connection: for each two consecutive heartbeats received after `sinceNs`,
 * |interval − expectedMs|. Also the signed mean (a client that times from the ACK, not the send, runs late by the
 * round trip every beat).
 */
function heartbeatJitter({ expectedMs, sinceNs = 0 }) {
  const deviations = [];
  let signedSum = 0;
  let heartbeats = 0;
  let beating = 0;
  for (const times of heartbeatTimes) {
    const recent = times.filter((t) => t >= sinceNs);
    heartbeats += recent.length;
    if (recent.length > 0) beating += 1;
    for (let i = 1; i < recent.length; i++) {
      const off = (recent[i] - recent[i - 1]) / 1e6 - expectedMs;
      signedSum += off;
      deviations.push(Math.abs(off));
    }
  }
  deviations.sort((a, b) => a - b);
  const at = (p) => (deviations.length === 0 ? null : deviations[Math.min(deviations.length - 1, Math.max(0, Math.ceil(p * deviations.length) - 1))]);
  return {
    connections: heartbeatTimes.length,
    beating,
    heartbeats,
    intervals: deviations.length,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    maxMs: deviations.at(-1) ?? null,
    meanOffsetMs: deviations.length === 0 ? null : signedSum / deviations.length,
  };
}

/**
 * Regular emulator dispatches at `rate`, with a TCP drop of the live connection at `dropAtMs`. Resolves once all
 * are dispatched and the client is back (RESUMED or READY on a later connection), with the emulator-side times.
 */
async function dispatchPaced({ count, from = 0, rate, dropAtMs }) {
  const startNs = nowNs();
  let sent = 0;
  let dropNs = null;
  let dropConnections = 0;
  let backNs = null;
  let back = null;
  let firstConnection = emu.connections.length;
  const delivered = { yes: 0, no: 0 };
  const findBack = comebackFinder(emu, () => firstConnection);
  const recoveryWatch = (async () => {
    while (dropNs === null) await new Promise((resolve) => setTimeout(resolve, 1));
    try {
      back = await emu.waitFor(findBack, { timeoutMs: 30_000, description: 'a RESUMED or READY after the drop' });
      backNs = nowNs();
    } catch {
      back = 'timeout';
    }
  })();
  while (sent < count) {
    const elapsedMs = (nowNs() - startNs) / 1e6;
    if (dropNs === null && elapsedMs >= dropAtMs) {
      firstConnection = emu.connections.length;
      dropConnections = emu.dropConnection();
      dropNs = nowNs();
    }
    const due = Math.min(count, Math.floor((elapsedMs / 1000) * rate) + 1);
    for (; sent < due; sent++) {
      const result = emu.dispatch(TYPE, payload(from + sent));
      if (result.delivered) delivered.yes += 1;
      else delivered.no += 1;
    }
    if (sent < count) await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await recoveryWatch;
  const connections = emu.connections.map((c) => ({ id: c.id, closed: c.closed ?? null, sentResumed: c.sent.some((f) => f.t === 'RESUMED'), sentReady: c.sent.some((f) => f.t === 'READY') }));
  return { startNs, endNs: nowNs(), dropNs, dropConnections, backNs, back, delivered, connections, stats: { ...emu.stats } };
}

/** A live connection (the client's, before any drop): what a drop cuts. */
const hasLiveConnection = () => emu.connections.some((c) => !c.closed);

/**
 * Regular emulator dispatches at `rate` while the client's connection is cut `drops` times, `gapMs` apart (issue 13:
 * recovery must not slow down fault after fault). A drop waits until the client is back from the previous one and has
 * a live connection; each is timed from the cut to the first RESUMED (or READY) the emulator sends on a later
 * connection, noticed synchronously as the emulator records the frame.
 */
async function dispatchDrops({ count, from = 0, rate, firstDropAtMs, drops, gapMs, maxWaitMs = 10_000 }) {
  const startNs = nowNs();
  const records = [];
  const delivered = { yes: 0, no: 0 };
  let sent = 0;
  const dropper = (async () => {
    let nextAtMs = firstDropAtMs;
    for (let k = 0; k < drops; k++) {
      while ((nowNs() - startNs) / 1e6 < nextAtMs || !hasLiveConnection()) await new Promise((resolve) => setTimeout(resolve, 1));
      const firstConnection = emu.connections.length;
      const findBack = comebackFinder(emu, () => firstConnection);
      let backNs = null;
      const back = emu
        .waitFor(() => {
          const found = findBack();
          if (found) backNs = nowNs();
          return found;
        }, { timeoutMs: maxWaitMs, description: `a RESUMED or READY after drop ${k + 1}` })
        .catch(() => 'timeout');
      emu.dropConnection();
      const dropNs = nowNs();
      const how = await back;
      records.push({ dropNs, backNs, back: how, ms: backNs === null ? null : (backNs - dropNs) / 1e6, connections: emu.connections.length - firstConnection });
      nextAtMs = (dropNs - startNs) / 1e6 + gapMs;
    }
  })();
  while (sent < count) {
    const elapsedMs = (nowNs() - startNs) / 1e6;
    const due = Math.min(count, Math.floor((elapsedMs / 1000) * rate) + 1);
    for (; sent < due; sent++) {
      const result = emu.dispatch(TYPE, payload(from + sent));
      if (result.delivered) delivered.yes += 1;
      else delivered.no += 1;
    }
    if (sent < count) await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await dropper;
  return { startNs, endNs: nowNs(), drops: records, delivered, stats: { ...emu.stats } };
}

process.on('message', async (message) => {
  try {
    switch (message.cmd) {
      case 'burst':
        send({ type: 'burst-done', id: message.id, ...(await burst(message)) });
        return;
      case 'paced':
        send({ type: 'paced-done', id: message.id, ...(await paced(message)) });
        return;
      case 'paced-shards':
        send({ type: 'paced-shards-done', id: message.id, ...(await pacedShards(message)) });
        return;
      case 'heartbeats':
        send({ type: 'heartbeats', id: message.id, nowNs: nowNs(), ...heartbeatJitter(message) });
        return;
      case 'dispatch-paced':
        send({ type: 'dispatch-done', id: message.id, ...(await dispatchPaced(message)) });
        return;
      case 'dispatch-drops':
        send({ type: 'drops-done', id: message.id, ...(await dispatchDrops(message)) });
        return;
      case 'stats':
        send({
          type: 'stats',
          id: message.id,
          stats: { ...emu.stats },
          connections: emu.connections.map((c) => ({ id: c.id, shardId: c.shardId ?? null, closed: c.closed ?? null })),
          liveSessions: [...emu.sessions.values()].filter((s) => s.resumable && s.connectionId !== undefined).length,
        });
        return;
      case 'close':
        await emu.close();
        send({ type: 'closed', id: message.id });
        process.exit(0);
    }
  } catch (error) {
    send({ type: 'error', id: message.id, message: error instanceof Error ? error.message : String(error) });
  }
});
process.on('disconnect', () => process.exit(0));

send({ type: 'listening', tokenUrl: emu.tokenUrl, apiBase: emu.apiBase, gatewayUrl: emu.gatewayUrl, port: emu.port });

/**
 * Emulator-side: the first RESUMED (or READY, for a client that identifies afresh) sent on a connection opened
 * since `since()`. Each call only looks at frames sent since the previous one.
 */
function comebackFinder(emu, since) {
  const scanned = new Map();
  return () => {
    for (const record of emu.connections.slice(since())) {
      const from = scanned.get(record.id) ?? 0;
      for (let i = from; i < record.sent.length; i++) {
        const f = record.sent[i];
        if (f.op === 0 && (f.t === 'RESUMED' || f.t === 'READY')) return f.t;
      }
      scanned.set(record.id, record.sent.length);
    }
    return undefined;
  };
}
