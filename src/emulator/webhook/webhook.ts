/**
 * Longer than ~350 lines on purpose: most of it is the typed records and options a test reads, then one method
 * per fault (forged, tampered, stale, oversized, unsigned, replay), each a few lines over the shared `#send`.
 *
 * The emulator's webhook mode: the platform side of HTTP callbacks (reference §8). It runs the
 * op 13 validation, signs and POSTs dispatches, retries when the answer is not an op 12 ACK, and
 * sends forged, tampered, stale, oversized, unsigned and replayed requests on demand.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { OpCode } from '../../protocol/opcodes.js';
import { eventId } from '../ids.js';
import { inboundRecordFor, type InboundRegistry } from '../inbound.js';
import { installInjectors, injectedMsgId, type EventInjectors } from '../injectors.js';
import { c2cMessagePayload, type PayloadContext } from '../payloads.js';
import { post, type PostResult } from './http-post.js';
import { PlatformSigner } from './platform-signer.js';

/** `startEmulator({ webhook })`. */
export interface WebhookModeOptions {
  /** Where the platform POSTs. Can be set later with `emu.webhook.configure(url)`. */
  callbackUrl?: string;
  /** Extra attempts after the first when the answer is not an op 12 ACK. Default 3. */
  retries?: number;
  /** Wait between attempts, ms. Default 100. */
  retryDelayMs?: number;
  /** Per-request timeout, ms (the platform gives up on slow callbacks). Default 5000. */
  timeoutMs?: number;
  /**
   * Sign op 13 requests too. Default true: botgo verifies op 13 signatures, so the platform
   * must send them; the docs' example shows only User-Agent and X-Bot-Appid (reference §8.3).
   */
  signValidation?: boolean;
  /**
   * Count only an `{"op":12,"d":0}` body as an ACK. Default false: any HTTP 2xx is an ACK unless its body is an
   * op 12 with a non-zero `d` (botgo's "processing failed, retry"). SDKs answer differently and all work on the
   * platform: NoneBot an empty 200, Satori `{"d":{},"op":12}`, qq-official-bot `{"code":0,"message":"success"}`
   * (reference §8.4; docs/emulator.md "What real SDKs send").
   */
  strictAck?: boolean;
}

/** One HTTP request the emulator sent to the callback URL. */
export interface WebhookRequestRecord {
  kind: 'validation' | 'dispatch' | 'forged' | 'tampered' | 'stale' | 'oversized' | 'unsigned' | 'replay' | 'raw';
  method: string;
  headers: Record<string, string>;
  /** The body exactly as sent (oversized bodies: only the first 256 bytes and the length). */
  body: string;
  bodyBytes: number;
  status: number;
  response: string;
  error?: string;
  /** `now()` when sent. */
  at: number;
}

export interface WebhookAttempt {
  at: number;
  /** `X-Signature-Timestamp` of this attempt (each attempt is signed afresh). */
  timestamp: string;
  status: number;
  response: string;
  /** True when the answer counted as an ACK: any 2xx except an op 12 with a non-zero `d` (with `strictAck`: only `{"op":12,"d":0}`). */
  ack: boolean;
  error?: string;
}

/** A dispatch and every attempt to deliver it. */
export interface WebhookDelivery {
  id: string;
  type: string;
  data: unknown;
  /** The exact body bytes (the same on every attempt). */
  body: string;
  attempts: WebhookAttempt[];
  acknowledged: boolean;
}

export interface WebhookValidationResult {
  /** The answer echoed the plain_token and its signature verifies with the bot's key. */
  ok: boolean;
  status: number;
  plainToken: string;
  eventTs: string;
  signature: string | undefined;
  /** Why `ok` is false. */
  reason?: string;
}

export interface DeliverOptions {
  /** Envelope id. Default `<TYPE>:<uuid>`. */
  id?: string;
  retries?: number;
  retryDelayMs?: number;
}

/** What the payload helpers resolve with. */
export interface WebhookInjectedEvent {
  delivery: WebhookDelivery;
  /** `d.id` where the event has one. */
  msgId: string | undefined;
  data: Record<string, unknown>;
}

export interface RawSendOptions {
  method?: string;
  /** Default: a valid C2C dispatch envelope. */
  body?: string | Buffer;
  /** Sign with the bot's key (default true), with a stranger's key, or not at all. */
  sign?: 'bot' | 'stranger' | false;
  /** `X-Signature-Timestamp`. Default: now. */
  timestamp?: string;
  /** `X-Bot-Appid`; null leaves it out. Default: the emulator's appId. */
  appId?: string | null;
  /** Extra or replacing headers (lower-case names). */
  headers?: Record<string, string>;
  /** Send without Content-Length. */
  chunked?: boolean;
}

export interface EmulatorWebhookDeps {
  appId: string;
  secret: string;
  now: () => number;
  inbound: InboundRegistry;
  botUser: { id: string; username: string };
  log: (line: string) => void;
  options?: WebhookModeOptions;
}

const USER_AGENT = 'QQBot-Callback';
const PREVIEW_BYTES = 256;

/** The payload helpers (`c2cMessage`, `groupAtMessage`, …) delivered by webhook; see src/emulator/injectors.ts. */
export interface EmulatorWebhook extends EventInjectors<Promise<WebhookInjectedEvent>> {}

export class EmulatorWebhook {
  static {
    installInjectors(EmulatorWebhook.prototype, (hook, type, data) => hook.#inject(type, data), (hook) => hook.#payloadContext());
  }


  /** Every dispatch delivered (or tried), newest last. */
  readonly deliveries: WebhookDelivery[] = [];
  /** Every op 13 validation run, newest last. */
  readonly validations: WebhookValidationResult[] = [];
  /** Every HTTP request sent to the callback URL, faults included, newest last. */
  readonly requests: WebhookRequestRecord[] = [];

  readonly #deps: EmulatorWebhookDeps;
  readonly #signer: PlatformSigner;
  #url: URL | undefined;
  #retries: number;
  #retryDelayMs: number;
  #timeoutMs: number;
  #signValidation: boolean;
  #strictAck: boolean;

  constructor(deps: EmulatorWebhookDeps) {
    this.#deps = deps;
    this.#signer = PlatformSigner.fromSecret(deps.secret);
    const options = deps.options ?? {};
    this.#retries = options.retries ?? 3;
    this.#retryDelayMs = options.retryDelayMs ?? 100;
    this.#timeoutMs = options.timeoutMs ?? 5_000;
    this.#signValidation = options.signValidation ?? true;
    this.#strictAck = options.strictAck ?? false;
    if (options.callbackUrl !== undefined) this.configure(options.callbackUrl);
  }

  /** The callback URL, once configured. */
  get callbackUrl(): string | undefined {
    return this.#url?.toString();
  }

  /** Sets the callback URL (and optionally the retry policy), as saving the console's webhook settings does. */
  configure(url: string | URL, options: Omit<WebhookModeOptions, 'callbackUrl'> = {}): void {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new TypeError(`webhook callback must be http(s), got ${parsed.protocol}`);
    this.#url = parsed;
    if (options.retries !== undefined) this.#retries = options.retries;
    if (options.retryDelayMs !== undefined) this.#retryDelayMs = options.retryDelayMs;
    if (options.timeoutMs !== undefined) this.#timeoutMs = options.timeoutMs;
    if (options.signValidation !== undefined) this.#signValidation = options.signValidation;
    if (options.strictAck !== undefined) this.#strictAck = options.strictAck;
  }

  /** The raw Ed25519 public key the bot should verify with (32 bytes). */
  publicKey(): Buffer {
    return this.#signer.publicKey();
  }

  // ---- validation ----------------------------------------------------------------------------------------

  /**
   * op 13: POSTs `{"d":{"plain_token","event_ts"},"op":13}` and checks that the answer echoes the
   * token with a valid signature over `event_ts + plain_token` (reference §8.3).
   */
  async validate(options: { plainToken?: string; eventTs?: string; signed?: boolean } = {}): Promise<WebhookValidationResult> {
    const plainToken = options.plainToken ?? randomBytes(15).toString('base64').replace(/[^A-Za-z0-9]/g, 'x').slice(0, 20);
    const eventTs = options.eventTs ?? this.#seconds();
    const body = Buffer.from(JSON.stringify({ d: { plain_token: plainToken, event_ts: eventTs }, op: OpCode.CallbackValidation }));
    const signed = options.signed ?? this.#signValidation;
    const response = await this.#send('validation', body, { sign: signed ? 'bot' : false });
    const result: WebhookValidationResult = { ok: false, status: response.status, plainToken, eventTs, signature: undefined };
    const answer = parseObject(response.body);
    const signature = typeof answer?.signature === 'string' ? answer.signature : undefined;
    result.signature = signature;
    if (response.status !== 200) result.reason = response.error ?? `HTTP ${response.status}`;
    else if (answer?.plain_token !== plainToken) result.reason = 'plain_token not echoed';
    else if (signature === undefined) result.reason = 'no signature';
    else if (!this.#signer.verify(eventTs, plainToken, signature)) result.reason = 'signature does not verify';
    else result.ok = true;
    this.validations.push(result);
    this.#deps.log(`webhook: validation ${result.ok ? 'passed' : `failed (${result.reason})`}`);
    return result;
  }

  // ---- dispatches ----------------------------------------------------------------------------------------

  /**
   * Signs and POSTs `{id, op: 0, d, t}` (no `s`, as webhook captures show, reference §4.1) and
   * retries, re-signed with a fresh timestamp, until the answer is an op 12 ACK or the retries run
   * out. Registers the event in `inbound` so passive replies to it work over REST.
   */
  async deliver(type: string, data: unknown, options: DeliverOptions = {}): Promise<WebhookDelivery> {
    const id = options.id ?? eventId(type);
    const body = JSON.stringify({ op: OpCode.Dispatch, id, d: data, t: type });
    const delivery: WebhookDelivery = { id, type, data, body, attempts: [], acknowledged: false };
    this.deliveries.push(delivery);
    const record = inboundRecordFor(type, id, data, this.#deps.now());
    if (record) this.#deps.inbound.add(record);
    const retries = options.retries ?? this.#retries;
    const retryDelayMs = options.retryDelayMs ?? this.#retryDelayMs;
    for (let attempt = 0; attempt <= retries; attempt += 1) {
      if (attempt > 0) await sleep(retryDelayMs, undefined, { ref: false });
      const timestamp = this.#seconds();
      const response = await this.#send('dispatch', Buffer.from(body), { sign: 'bot', timestamp });
      const ack = isDispatchAck(response.status, response.body, this.#strictAck);
      delivery.attempts.push({
        at: this.#deps.now(),
        timestamp,
        status: response.status,
        response: response.body,
        ack,
        ...(response.error !== undefined ? { error: response.error } : {}),
      });
      if (ack) {
        delivery.acknowledged = true;
        break;
      }
    }
    this.#deps.log(`webhook: ${type} ${delivery.acknowledged ? 'acknowledged' : 'not acknowledged'} after ${delivery.attempts.length} attempt(s)`);
    return delivery;
  }

  // ---- faults (each resolves with the HTTP status the bot answered; 0: no answer) -----------------------

  /** A well-formed dispatch signed with a stranger's key. */
  async sendForged(type = 'C2C_MESSAGE_CREATE', data?: unknown): Promise<number> {
    return (await this.#send('forged', this.#sampleBody(type, data), { sign: 'stranger' })).status;
  }

  /** A dispatch signed correctly, then altered (the content changes after signing). */
  async sendTampered(type = 'C2C_MESSAGE_CREATE', data?: unknown): Promise<number> {
    const body = this.#sampleBody(type, data);
    const timestamp = this.#seconds();
    const signature = this.#signer.sign(timestamp, body);
    const tampered = Buffer.from(body.toString('utf8').replace(/"content":"/, '"content":"TAMPERED '));
    if (tampered.equals(body)) tampered.writeUInt8(tampered.readUInt8(tampered.length - 2) ^ 0x01, tampered.length - 2);
    return (await this.#send('tampered', tampered, { sign: false, timestamp, headers: { 'x-signature-ed25519': signature, 'x-signature-timestamp': timestamp } })).status;
  }

  /** A correctly signed dispatch whose timestamp is `ageSeconds` old (negative: from the future). */
  async sendStale(ageSeconds = 3_600, type = 'C2C_MESSAGE_CREATE', data?: unknown): Promise<number> {
    const timestamp = String(Math.floor(this.#deps.now() / 1000) - ageSeconds);
    return (await this.#send('stale', this.#sampleBody(type, data), { sign: 'bot', timestamp })).status;
  }

  /** A correctly signed dispatch of at least `bytes` bytes (default 1 MiB + 1). `chunked` omits Content-Length. */
  async sendOversized(bytes = 1024 * 1024 + 1, options: { chunked?: boolean } = {}): Promise<number> {
    const base = JSON.parse(this.#sampleBody('C2C_MESSAGE_CREATE').toString('utf8')) as { d: Record<string, unknown> };
    const overhead = Buffer.byteLength(JSON.stringify(base));
    base.d.content = 'x'.repeat(Math.max(0, bytes - overhead) + 16);
    const body = Buffer.from(JSON.stringify(base));
    return (await this.#send('oversized', body, { sign: 'bot', ...(options.chunked ? { chunked: true } : {}) })).status;
  }

  /** A dispatch with no signature headers. */
  async sendUnsigned(type = 'C2C_MESSAGE_CREATE', data?: unknown): Promise<number> {
    return (await this.#send('unsigned', this.#sampleBody(type, data), { sign: false })).status;
  }

  /**
   * Re-sends, byte for byte with the same headers (timestamp and signature), the last attempt of the
   * delivery with envelope id `lastId` (default: the newest delivery): a replay attack, or a retry
   * that reuses the original signature.
   */
  async sendReplay(lastId?: string): Promise<number> {
    const delivery = lastId === undefined ? this.deliveries.at(-1) : this.deliveries.find((d) => d.id === lastId);
    if (!delivery) throw new Error(`sendReplay: no delivery${lastId === undefined ? '' : ` with id ${lastId}`}`);
    const original = [...this.requests].reverse().find((r) => r.kind === 'dispatch' && r.body === delivery.body);
    if (!original) throw new Error('sendReplay: the delivery was never sent');
    return (await this.#send('replay', Buffer.from(delivery.body), { sign: false, headers: { ...original.headers } })).status;
  }

  /** Any request at all, for fuzzing and edge cases. Resolves with the whole answer. */
  async sendRaw(options: RawSendOptions = {}): Promise<PostResult> {
    const body = options.body === undefined ? this.#sampleBody('C2C_MESSAGE_CREATE') : Buffer.from(options.body);
    return this.#send('raw', body, {
      sign: options.sign ?? 'bot',
      ...(options.method !== undefined ? { method: options.method } : {}),
      ...(options.timestamp !== undefined ? { timestamp: options.timestamp } : {}),
      ...(options.appId !== undefined ? { appId: options.appId } : {}),
      ...(options.headers !== undefined ? { headers: options.headers } : {}),
      ...(options.chunked !== undefined ? { chunked: options.chunked } : {}),
    });
  }

  // ---- internals -----------------------------------------------------------------------------------------

  async #inject(type: string, data: Record<string, unknown>): Promise<WebhookInjectedEvent> {
    const delivery = await this.deliver(type, data);
    return { delivery, msgId: injectedMsgId(data), data };
  }

  async #send(
    kind: WebhookRequestRecord['kind'],
    body: Buffer,
    options: { sign: 'bot' | 'stranger' | false; timestamp?: string; appId?: string | null; headers?: Record<string, string>; method?: string; chunked?: boolean },
  ): Promise<PostResult> {
    if (!this.#url) throw new Error('webhook: no callback URL; pass startEmulator({ webhook: { callbackUrl } }) or call emu.webhook.configure(url)');
    const headers: Record<string, string> = { 'user-agent': USER_AGENT, 'content-type': 'application/json' };
    const appId = options.appId === undefined ? this.#deps.appId : options.appId;
    if (appId !== null) headers['x-bot-appid'] = appId;
    if (options.sign) {
      const timestamp = options.timestamp ?? this.#seconds();
      const signer = options.sign === 'bot' ? this.#signer : PlatformSigner.random();
      headers['x-signature-ed25519'] = signer.sign(timestamp, body);
      headers['x-signature-timestamp'] = timestamp;
    }
    Object.assign(headers, options.headers);
    const method = options.method ?? 'POST';
    const at = this.#deps.now();
    const response = await post(this.#url, { method, headers, body, timeoutMs: this.#timeoutMs, ...(options.chunked ? { chunked: true } : {}) });
    this.requests.push({
      kind,
      method,
      headers,
      body: body.length > PREVIEW_BYTES * 4 ? body.subarray(0, PREVIEW_BYTES).toString('utf8') : body.toString('utf8'),
      bodyBytes: body.length,
      status: response.status,
      response: response.body,
      ...(response.error !== undefined ? { error: response.error } : {}),
      at,
    });
    return response;
  }

  #sampleBody(type: string, data?: unknown): Buffer {
    const d = data ?? c2cMessagePayload({ content: 'hello' }, this.#payloadContext());
    return Buffer.from(JSON.stringify({ op: OpCode.Dispatch, id: eventId(type), d, t: type }));
  }

  #seconds(): string {
    return String(Math.floor(this.#deps.now() / 1000));
  }

  #payloadContext(): PayloadContext {
    return { now: this.#deps.now(), appId: this.#deps.appId, botUser: this.#deps.botUser };
  }
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** `{"op":12,"d":0}`; `d: 1` means the bot failed and wants a retry (reference §8.4). */
function isDispatchAck(status: number, text: string, strict: boolean): boolean {
  const answer = parseObject(text);
  if (strict) return status === 200 && answer?.op === OpCode.HttpCallbackAck && answer.d === 0;
  if (status < 200 || status > 299) return false;
  // botgo answers {"op":12,"d":1} when the bot failed to process the event, and the platform retries.
  return !(answer?.op === OpCode.HttpCallbackAck && typeof answer.d === 'number' && answer.d !== 0);
}
