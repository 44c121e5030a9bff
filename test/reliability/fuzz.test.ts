/**
 * Issue 8, part 3 — fuzzing with fast-check (fixed seed): thousands of malformed gateway frames and
 * malformed HTTP answers from the token and discovery endpoints. No crash, no unhandled rejection
 * (vitest fails the run on either), every problem on errors$ and in the log, and the connection
 * policy stays sane: a malformed frame never costs a reconnect, a broken WebSocket frame costs
 * exactly one resume, and failing endpoints are retried with backoff, never in a hot loop.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { createBot } from '../../src/bot.js';
import { QQProtocolError, type QQBotError } from '../../src/errors.js';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { OpCode } from '../../src/protocol/opcodes.js';
import { appId, captureLogs, secret } from '../support/bot-fixture.js';
import { startHttpStub, type HttpStub, type StubAnswer } from './support/http-stub.js';
import { report, seed, sized, timeoutFor } from './support/scale.js';
import { startSimBot, type SimBot } from './support/sim-bot.js';
import { SimDriver } from './support/sim-driver.js';

const frameRuns = sized({ ci: 1_500, full: 5_000, soak: 50_000 });
const hugeRuns = sized({ ci: 3, full: 10, soak: 40 });
const httpRuns = sized({ ci: 40, full: 500, soak: 4_000 });

// ---- malformed gateway frames, each one malformed by construction ------------------------------------

interface Frame {
  category: string;
  data: string | Buffer;
  binary: boolean;
}

const handledOps = new Set<number>([OpCode.Dispatch, OpCode.Heartbeat, OpCode.Reconnect, OpCode.InvalidSession, OpCode.Hello, OpCode.HeartbeatAck]);
const eventTypes = ['C2C_MESSAGE_CREATE', 'GROUP_AT_MESSAGE_CREATE', 'AT_MESSAGE_CREATE', 'SOMETHING_NEW'];
const notJson = (text: string) => {
  try {
    JSON.parse(text);
    return false;
  } catch {
    return true;
  }
};
const anyJson = fc.jsonValue({ maxDepth: 2 });
const extras = fc.dictionary(fc.string({ maxLength: 6 }).filter((k) => !['op', 's', 't', 'd', 'id'].includes(k)), anyJson, { maxKeys: 3 });
const nonInteger = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => !Number.isInteger(x)),
  fc.boolean(),
  fc.constant(null),
  fc.constant({}),
  fc.array(fc.integer(), { maxLength: 3 }),
);
const text = (category: string, value: fc.Arbitrary<unknown>): fc.Arbitrary<Frame> =>
  value.map((v) => ({ category, data: JSON.stringify(v), binary: false }));
const validDispatch = fc.record({ op: fc.constant(0), s: fc.nat(), t: fc.constantFrom(...eventTypes), id: fc.uuid(), d: anyJson });

const malformedFrame: fc.Arbitrary<Frame> = fc.oneof(
  // not JSON at all, or a valid frame cut short
  fc.string({ maxLength: 60 }).filter(notJson).map((data) => ({ category: 'bad JSON', data, binary: false })),
  fc
    .tuple(validDispatch, fc.nat())
    .map(([frame, cut]) => JSON.stringify(frame).slice(0, 1 + (cut % Math.max(1, JSON.stringify(frame).length - 1))))
    .filter(notJson)
    .map((data) => ({ category: 'truncated JSON', data, binary: false })),
  // JSON that is not an object
  text('not an object', fc.oneof(fc.integer(), fc.string({ maxLength: 20 }), fc.boolean(), fc.constant(null), fc.array(anyJson, { maxLength: 3 }))),
  // op missing or not an integer
  text('op missing or wrong type', fc.tuple(extras, fc.option(nonInteger, { nil: undefined })).map(([rest, op]) => (op === undefined ? rest : { ...rest, op }))),
  // an op the client does not handle (including 2 and 6, which only clients send)
  text('unknown op', fc.tuple(extras, fc.integer({ min: -1_000, max: 100_000 }).filter((op) => !handledOps.has(op))).map(([rest, op]) => ({ ...rest, op }))),
  // dispatch: t missing, empty or not a string
  text('dispatch without t', fc.tuple(fc.oneof(fc.constant(undefined), fc.constant(''), fc.integer(), fc.constant(null), fc.constant({})), anyJson).map(([t, d]) => ({ op: 0, s: 5, ...(t === undefined ? {} : { t }), d }))),
  // dispatch: s of the wrong type or negative
  text('dispatch with a bad s', fc.tuple(fc.oneof(nonInteger.filter((v) => v !== null), fc.integer({ max: -1 })), fc.constantFrom(...eventTypes), anyJson).map(([s, t, d]) => ({ op: 0, s, t, d }))),
  // dispatch: id not a string
  text('dispatch with a bad id', fc.tuple(fc.oneof(fc.integer(), fc.boolean(), fc.constant({}), fc.array(fc.integer(), { maxLength: 2 })), fc.constantFrom(...eventTypes), anyJson).map(([id, t, d]) => ({ op: 0, s: 7, t, id, d }))),
  // READY without a usable session_id
  text(
    'READY without session_id',
    fc.oneof(fc.constant(undefined), fc.constant(null), fc.constant({}), fc.record({ session_id: fc.oneof(fc.constant(''), fc.integer(), fc.constant(null), fc.constant({})) }, { requiredKeys: [] }))
      .map((d) => ({ op: 0, s: 1, t: 'READY', ...(d === undefined ? {} : { d }) })),
  ),
  // Hello without a positive interval
  text(
    'Hello without interval',
    fc.oneof(fc.constant(undefined), fc.constant(null), fc.constant({}), fc.record({ heartbeat_interval: fc.oneof(fc.integer({ max: 0 }), fc.string({ maxLength: 5 }), fc.constant(null), fc.constant({})) }))
      .map((d) => ({ op: 10, ...(d === undefined ? {} : { d }) })),
  ),
  // any bytes, including valid frames, as a binary frame
  fc.oneof(fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)), validDispatch.map((frame) => Buffer.from(JSON.stringify(frame)))).map((data) => ({ category: 'binary', data, binary: true })),
);

let fx: SimBot | undefined;

async function waitFor(predicate: () => boolean, what: string, realMs = 3_000): Promise<void> {
  const started = performance.now();
  while (!predicate()) {
    if (performance.now() - started > realMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('fuzz: malformed gateway frames', () => {
  beforeAll(async () => {
    fx = await startSimBot({ logLevel: 'warn' });
    expect(await fx.start()).toBeUndefined();
  });
  afterAll(async () => {
    await fx?.close();
    fx = undefined;
  });

  it(
    `${frameRuns} random malformed frames: each one a QQProtocolError on errors$ and a log line, the connection kept`,
    async () => {
      const sim = fx!;
      const byCategory: Record<string, number> = {};
      const connections = sim.emu.connections.length;
      // "shard error" log lines, counted incrementally (the log grows with every frame).
      let linesRead = 0;
      let shardErrorLines = 0;
      const shardErrors = () => {
        for (; linesRead < sim.logs.lines.length; linesRead++) if (sim.logs.lines[linesRead]!.includes('"msg":"shard error"')) shardErrorLines++;
        return shardErrorLines;
      };
      let longestPreview = 0;
      await fc.assert(
        fc.asyncProperty(malformedFrame, async (frame) => {
          const errorsBefore = sim.errors.length;
          const logsBefore = shardErrors();
          sim.emu.sendRaw(frame.data, { binary: frame.binary });
          await waitFor(() => sim.errors.length > errorsBefore && shardErrors() > logsBefore, `the error for a ${frame.category} frame`);
          await new Promise((resolve) => setImmediate(resolve));
          const fresh = sim.errors.slice(errorsBefore);
          expect(fresh).toHaveLength(1);
          expect(fresh[0]).toBeInstanceOf(QQProtocolError);
          expect(fresh[0]!.fatal).toBe(false);
          longestPreview = Math.max(longestPreview, (fresh[0] as QQProtocolError).preview.length);
          expect(shardErrors()).toBe(logsBefore + 1);
          expect(sim.emu.connections.length).toBe(connections);
          byCategory[frame.category] = (byCategory[frame.category] ?? 0) + 1;
        }),
        { seed, numRuns: frameRuns },
      );
      // Still the same healthy connection: an event goes through, the bot never sent garbage.
      const seen = new Promise((resolve) => sim.bot.events$.subscribe(resolve));
      sim.emu.c2cMessage({ content: 'after the fuzz' });
      await waitFor(() => sim.bot.state.shards[0]?.seq === 2, 'a real event after the fuzz');
      await seen;
      const frames = Object.values(byCategory).reduce((a, b) => a + b, 0);
      report('fuzz-frames', {
        frames,
        byCategory,
        protocolErrors: sim.errors.filter((e) => e.code === 'PROTOCOL').length,
        reconnects: sim.emu.connections.length - 1,
        longestErrorPreview: longestPreview,
        framesTheBotSentThatWereInvalid: sim.emu.connections.reduce((n, c) => n + c.invalidFrames.length, 0),
      });
      expect(frames).toBe(frameRuns);
      expect(sim.emu.connections).toHaveLength(1);
      expect(longestPreview).toBeLessThanOrEqual(160);
      expect(sim.emu.connections[0]!.invalidFrames).toEqual([]);
    },
    timeoutFor({ ci: 60_000, full: 300_000, soak: 3_600_000 }),
  );

  it(
    `${hugeRuns} huge malformed frames (1–4 MB) and WebSocket-level breakage (invalid UTF-8, 17 MB above maxPayload): reported, at most one resume each`,
    async () => {
      const sim = fx!;
      const connectionsBefore = sim.emu.connections.length;
      const identifiesBefore = sim.emu.stats.identifies;
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 1, max: 4 }), fc.constantFrom('{"op":"', '{"op":0,"s":"', '[', '{"t":"'), async (mb, head) => {
          const errorsBefore = sim.errors.length;
          sim.emu.sendRaw(`${head}${'x'.repeat(mb * 1024 * 1024)}`);
          await waitFor(() => sim.errors.length > errorsBefore, 'the error for a huge frame', 10_000);
          expect(sim.errors.at(-1)).toBeInstanceOf(QQProtocolError);
          expect((sim.errors.at(-1) as QQProtocolError).preview.length).toBeLessThanOrEqual(160);
        }),
        { seed, numRuns: hugeRuns },
      );
      expect(sim.emu.connections.length).toBe(connectionsBefore);
      const breakages: Array<[string, string | Buffer, boolean]> = [
        ['invalid UTF-8 in a text frame', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), false],
        ['17 MB frame above maxPayload', `{"op":0,"pad":"${'y'.repeat(17 * 1024 * 1024)}"}`, false],
      ];
      const closes: number[] = [];
      for (const [what, data, binary] of breakages) {
        const errorsBefore = sim.errors.length;
        const connections = sim.emu.connections.length;
        sim.emu.sendRaw(data, { binary });
        await waitFor(() => sim.errors.length > errorsBefore, `the error for ${what}`, 10_000);
        expect(sim.errors.at(-1), what).toBeInstanceOf(QQProtocolError);
        await sim.driver.until(() => sim.emu.connections.length === connections + 1 && sim.bot.state.shards[0]?.ready === true, {
          maxSimMs: 60_000,
          description: `resumed after ${what}`,
        });
        closes.push(sim.emu.connections[connections - 1]!.closed?.code ?? 0);
        // the new connection resumed, it did not identify
        expect(sim.emu.connections.at(-1)!.received.some((f) => f.op === OpCode.Resume), what).toBe(true);
      }
      report('fuzz-huge-frames', {
        hugeMalformedFrames: hugeRuns,
        reconnectsForHugeMalformed: 0,
        breakages: breakages.map(([what]) => what),
        closeCodes: closes,
        reconnectsForBreakages: sim.emu.connections.length - connectionsBefore,
        identifiesForBreakages: sim.emu.stats.identifies - identifiesBefore,
      });
      expect(closes).toEqual([1007, 1009]);
      expect(sim.emu.connections.length - connectionsBefore).toBe(2);
      expect(sim.emu.stats.identifies).toBe(identifiesBefore);
    },
    timeoutFor({ ci: 60_000, full: 300_000, soak: 1_800_000 }),
  );
});

// ---- malformed HTTP answers ----------------------------------------------------------------------------

type Tagged = { answer: StubAnswer; outcome: 'transient' | 'auth' | 'fallback' | 'unauthorized' | 'tolerated'; label: string };

const httpBody = fc.oneof(
  fc.string({ maxLength: 40 }),
  anyJson.map((v) => JSON.stringify(v)),
  fc.constant('<html><body>502 Bad Gateway</body></html>'),
  fc.constant(''),
);
const answer = (status: number, body: unknown, outcome: Tagged['outcome'], label: string): Tagged => ({
  answer: { kind: 'answer', status, body: typeof body === 'string' ? body : JSON.stringify(body) },
  outcome,
  label,
});
const transientCodes = [100001, 100002, 100017];

const tokenAnswer: fc.Arbitrary<Tagged> = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom(500, 502, 503, 504, 429), httpBody).map(([status, body]) => answer(status, body, 'transient', `token ${status}`)) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }).filter(notJson).map((body) => answer(200, body, 'transient', 'token 200 bad JSON')) },
  { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.string({ maxLength: 10 }), fc.constant(null), fc.array(fc.integer(), { maxLength: 2 })).map((v) => answer(200, JSON.stringify(v), 'transient', 'token 200 not an object')) },
  {
    weight: 2,
    arbitrary: fc
      .record({ access_token: fc.oneof(fc.constant(undefined), fc.constant(''), fc.integer(), fc.constant(null), fc.constant({})), expires_in: fc.oneof(fc.constant('7200'), fc.integer()) })
      .map((body) => answer(200, body, 'transient', 'token 200 without access_token')),
  },
  {
    weight: 2,
    arbitrary: fc
      .oneof(fc.constant(undefined), fc.constant(0), fc.integer({ max: -1 }), fc.constantFrom('abc', '', ' ', '-1', '0'), fc.constant(null), fc.constant({}))
      .map((expires_in) => answer(200, { access_token: 'fuzz-token', expires_in }, 'transient', 'token 200 bad expires_in')),
  },
  { weight: 2, arbitrary: fc.constantFrom(...transientCodes).map((code) => answer(200, { code, message: 'internal err' }, 'transient', 'token 200 transient code')) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(400, 401, 403, 404), fc.constantFrom('', '{"message":"nope"}', 'not json')).map(([status, body]) => answer(status, body, 'transient', `token ${status}`)) },
  { weight: 1, arbitrary: fc.constantFrom<Tagged>({ answer: { kind: 'hang' }, outcome: 'transient', label: 'token hang' }, { answer: { kind: 'reset' }, outcome: 'transient', label: 'token reset' }) },
  // rejected credentials: fatal, and nothing after it
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 1, max: 999_999 })
      .filter((code) => !transientCodes.includes(code))
      .map((code) => answer(200, { code, message: 'invalid appsecret' }, 'auth', 'token 200 credentials rejected')),
  },
);

const gatewayAnswer: fc.Arbitrary<Tagged> = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom(500, 502, 503, 429, 400, 403), httpBody).map(([status, body]) => answer(status, body, 'transient', `gateway ${status}`)) },
  { weight: 1, arbitrary: httpBody.map((body) => answer(401, body, 'unauthorized', 'gateway 401')) },
  { weight: 1, arbitrary: fc.constantFrom(404, 405, 501).map((status) => answer(status, '', 'fallback', `gateway ${status}`)) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }).filter(notJson).map((body) => answer(200, body, 'transient', 'gateway 200 bad JSON')) },
  {
    weight: 2,
    arbitrary: fc
      .oneof(fc.constant(undefined), fc.constant(''), fc.integer(), fc.constant('not a url'), fc.constant('http://127.0.0.1:1/websocket'), fc.constant('ws://127.0.0.1:1/ws#frag'), fc.constant(null))
      .map((url) => answer(200, { url, shards: 1 }, 'transient', 'gateway 200 without a usable url')),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({ shards: fc.oneof(fc.constant(2.5), fc.constant(0), fc.integer({ max: -1 }), fc.constant('2'), fc.constant(null), fc.constant({})), max_concurrency: fc.oneof(fc.constant(1.5), fc.constant(0), fc.constant('3'), fc.constant(null)) })
      .map(({ shards, max_concurrency }) => ({
        answer: { kind: 'answer' as const, status: 200, body: '' },
        outcome: 'tolerated' as const,
        label: 'gateway 200 odd counts',
        odd: { shards, session_start_limit: { total: 1000, remaining: 1000, reset_after: 3_600_000, max_concurrency } },
      })),
  },
);

describe('fuzz: malformed HTTP answers (token and gateway discovery)', () => {
  let emu: Emulator;
  let clock: SimulatedClock | null = null;
  let base = Date.now();
  const now = () => base + (clock?.now() ?? 0);

  beforeAll(async () => {
    emu = await startEmulator({ appId, secret, heartbeatInterval: 41_250, now, sessionStartLimit: { total: 1_000_000, maxConcurrency: 1_000 } });
  });
  afterAll(async () => {
    await emu.close();
  });

  it(
    `${httpRuns} bot starts through scripts of malformed answers: each one reported, retried with backoff, the bot up when they stop (or failed at once on rejected credentials)`,
    async () => {
      const totals: Record<string, number> = {};
      let answers = 0;
      let minRetryGapMs = Number.POSITIVE_INFINITY;
      /** Between any two requests of one endpoint, retries or not: reported, not bounded. */
      let minRequestGapMs = Number.POSITIVE_INFINITY;
      let fatalRuns = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(tokenAnswer, { maxLength: 3 }), fc.array(gatewayAnswer, { maxLength: 3 }), async (tokenScript, gatewayScript) => {
          // The emulator's clock keeps moving forward from run to run.
          base = now() + 60_000;
          const driver = new SimDriver({ stepMs: 250 });
          clock = driver.clock;
          // A stub of its own per run: a late request of the previous run's bot cannot land here.
          const stub: HttpStub = await startHttpStub(emu.url, now);
          stub.tokenScript.push(...tokenScript.map((t) => t.answer));
          for (const tagged of gatewayScript) {
            const odd = (tagged as Tagged & { odd?: Record<string, unknown> }).odd;
            stub.gatewayScript.push(odd ? { kind: 'answer', status: 200, body: JSON.stringify({ url: emu.gatewayUrl, ...odd }) } : tagged.answer);
          }
          const logs = captureLogs('warn');
          const bot = createBot({
            appId,
            secret,
            tokenUrl: stub.tokenUrl,
            apiBase: stub.url,
            clock: driver.clock,
            logger: logs.logger,
            timing: { http: { tokenMs: 150, gatewayMs: 150 } },
          });
          driver.attach(bot);
          const errors: QQBotError[] = [];
          bot.errors$.subscribe((error) => errors.push(error));
          let outcome: 'running' | { error: unknown } | null = null;
          bot.start().then(
            () => (outcome = 'running'),
            (error: unknown) => (outcome = { error }),
          );
          try {
            await driver.until(() => outcome !== null, { maxSimMs: 15 * 60_000, description: 'start() to settle' });
            // The oracle: the token script is consumed first (the token comes before discovery).
            const authAt = tokenScript.findIndex((t) => t.outcome === 'auth');
            const tokenRequests = stub.log.filter((r) => r.path === '/app/getAppAccessToken');
            const discovery = stub.log.filter((r) => r.path.startsWith('/gateway'));
            if (authAt >= 0) {
              fatalRuns += 1;
              expect(outcome).toMatchObject({ error: { code: 'AUTH', fatal: true } });
              await driver.advance(10 * 60_000, 5_000);
              expect(stub.log.filter((r) => r.path === '/app/getAppAccessToken')).toHaveLength(authAt + 1);
              expect(errors.filter((e) => e.code === 'TOKEN_ENDPOINT')).toHaveLength(authAt);
              expect(discovery).toHaveLength(0);
            } else {
              expect(outcome).toBe('running');
              // Discovery goes through the script until an answer it can use (an odd one it tolerates).
              const usable = gatewayScript.findIndex((g) => g.outcome === 'tolerated');
              const gatewayUsed = usable === -1 ? gatewayScript : gatewayScript.slice(0, usable + 1);
              const gatewayFailures = gatewayUsed.filter((g) => g.outcome !== 'tolerated').length;
              expect(errors.filter((e) => e.code === 'TOKEN_ENDPOINT')).toHaveLength(tokenScript.length);
              expect(errors.filter((e) => e.code === 'GATEWAY_DISCOVERY')).toHaveLength(gatewayFailures);
              expect(bot.state.shards.map((s) => s.ready)).toEqual([true]);
              // No hot loop: a retry (the request after a failed one of the same endpoint) waits at least
              // the first backoff step (1 s). Only retries count: after a successful answer the token
              // endpoint is also asked by independent triggers that may come close together, e.g. the
              // token machine's REFRESH after a same-token answer and discovery's forced refresh after a
              // 401 (gateway script [429, 401, 401]: 250 ms apart, both answered with the token). A fall
              // back from /gateway/bot to /gateway is another endpoint and goes at once.
              const gaps: number[] = [];
              for (let i = 1; i < tokenRequests.length; i++) {
                const gap = tokenRequests[i]!.at - tokenRequests[i - 1]!.at;
                minRequestGapMs = Math.min(minRequestGapMs, gap);
                // a scripted answer is a failure (the emulator, behind the stub, answers the rest)
                if (tokenRequests[i - 1]!.answer !== 'proxy') gaps.push(gap);
              }
              for (let i = 1; i < discovery.length; i++) {
                const previous = gatewayUsed[i - 1]?.outcome;
                if (previous === 'fallback') continue;
                const gap = discovery[i]!.at - discovery[i - 1]!.at;
                minRequestGapMs = Math.min(minRequestGapMs, gap);
                if (previous === 'transient' || previous === 'unauthorized') gaps.push(gap);
              }
              minRetryGapMs = Math.min(minRetryGapMs, ...gaps);
              for (const tagged of [...tokenScript, ...gatewayUsed]) totals[tagged.label] = (totals[tagged.label] ?? 0) + 1;
            }
            answers += tokenScript.length + gatewayScript.length;
            // every reported problem is in the log too
            const logged = logs.lines.filter((line) => /token endpoint error|gateway discovery error|bot failed|shard failed/.test(line)).length;
            expect(logged).toBeGreaterThanOrEqual(errors.filter((e) => e.code === 'TOKEN_ENDPOINT' || e.code === 'GATEWAY_DISCOVERY').length);
            expect(logs.text()).not.toContain(secret);
          } finally {
            await bot.stop();
            await stub.close();
            clock = null;
          }
        }),
        { seed, numRuns: httpRuns },
      );
      report('fuzz-http', { runs: httpRuns, malformedAnswers: answers, byKind: totals, runsEndingInRejectedCredentials: fatalRuns, minRetryGapMs, minRequestGapMs });
      expect(minRetryGapMs).toBeGreaterThanOrEqual(1_000);
    },
    timeoutFor({ ci: 90_000, full: 600_000, soak: 3_600_000 }),
  );
});
