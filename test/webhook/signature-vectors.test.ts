import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { PlatformSigner } from '../../src/emulator/webhook/platform-signer.js';
import { checkTimestamp, decodeSignature, verifyWebhookRequest } from '../../src/webhook/verify.js';
import { ed25519Seed, rawPublicKey, signValidation, signWebhookBody, webhookKeys } from '../../src/webhook/sign.js';
import { send, startReceiver, type ReceiverFixture } from './support.js';

const samplesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/samples');

/** [DOCS] dev-prepare/interface-framework/sign.md DEMO (reference §8.2). */
const docsVector = {
  secret: 'naOC0ocQE3shWLAfffVLB1rhYPG7',
  seed: 'naOC0ocQE3shWLAfffVLB1rhYPG7naOC',
  publicKey: [215, 195, 98, 254, 120, 174, 248, 31, 242, 50, 135, 180, 147, 98, 139, 93, 176, 42, 60, 79, 227, 11, 33, 94, 77, 25, 96, 155, 93, 118, 103, 58],
};

/** [BOTGO] interaction/signature/interaction_test.go `TestVerify` "test sig" (want: true). */
const botgoVector = {
  secret: '123456abcdef',
  timestamp: '1728981195',
  signature:
    'e949b5b94ef4103df903fb031d1d16e358db3db83e79e117edd404c8508be3ce8a76d7bad1bed353194c126a1a5915b4ad8b5288c1191cc53a12acffccd82004',
  body: '{"id":"ROBOT1.0_veoihSEXDc8Q.g-6eLpNIa11bH8MisOjn-m-LKxCPntMk6exUXgcWCGpVO7L2QKTNZzjZzFFDSbiOFcqAPWyVA!!","content":"哦一下","timestamp":"2024-10-15T16:33:15+08:00","author":{"id":"675860273","user_openid":"675860273"}}',
};

/** [DOCS] event-emit.md op 13 example, appid 11111111 (samples webhook_validation_*.docs.json, reference §8.3). */
const validationVector = {
  appId: '11111111',
  secret: 'DG5g3B4j9X2KOErG',
  request: '{"d":{"plain_token":"Arq0D5A61EgUu4OxUvOp","event_ts":"1725442341"},"op":13}',
  plainToken: 'Arq0D5A61EgUu4OxUvOp',
  eventTs: '1725442341',
  signature:
    '87befc99c42c651b3aac0278e71ada338433ae26fcb24307bdc5ad38c1adc2d01bcfcadc0842edac85e85205028a1132afe09280305f13aa6909ffc2d652c706',
};

let fixture: ReceiverFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

describe('seed and key derivation (reference §8.2)', () => {
  it("derives the docs' seed and public key for naOC0ocQE3shWLAfffVLB1rhYPG7", () => {
    expect(ed25519Seed(docsVector.secret).toString('utf8')).toBe(docsVector.seed);
    expect([...rawPublicKey(webhookKeys(docsVector.secret))]).toEqual(docsVector.publicKey);
  });

  it('the emulator derives the same key by an independent route', () => {
    expect([...PlatformSigner.fromSecret(docsVector.secret).publicKey()]).toEqual(docsVector.publicKey);
  });

  it('cycles short secrets all the way to 32 bytes (the satori pitfall) and cuts long ones', () => {
    expect(ed25519Seed('abc').toString()).toBe('abcabcabcabcabcabcabcabcabcabcab');
    expect(ed25519Seed('x'.repeat(40)).length).toBe(32);
    for (let length = 1; length <= 40; length += 1) {
      const secret = Array.from({ length }, (_, i) => String.fromCharCode(33 + ((i * 37) % 90))).join('');
      expect([...rawPublicKey(webhookKeys(secret))], `length ${length}`).toEqual([...PlatformSigner.fromSecret(secret).publicKey()]);
    }
  });

  it('refuses an empty secret', () => {
    expect(() => ed25519Seed('')).toThrow(RangeError);
  });
});

describe("botgo's signature vector", () => {
  const headers = { 'x-signature-ed25519': botgoVector.signature, 'x-signature-timestamp': botgoVector.timestamp };
  const nowMs = Number(botgoVector.timestamp) * 1000;

  it('verifies', () => {
    const result = verifyWebhookRequest({ keys: webhookKeys(botgoVector.secret), headers, body: Buffer.from(botgoVector.body), nowMs, windowSeconds: 300 });
    expect(result).toEqual({ ok: true });
  });

  it('our signer and the emulator reproduce the signature byte for byte (Ed25519 is deterministic)', () => {
    expect(signWebhookBody(webhookKeys(botgoVector.secret), botgoVector.timestamp, botgoVector.body)).toBe(botgoVector.signature);
    expect(PlatformSigner.fromSecret(botgoVector.secret).sign(botgoVector.timestamp, botgoVector.body)).toBe(botgoVector.signature);
  });

  it('fails with one byte of the body changed, another timestamp, or another secret', () => {
    const keys = webhookKeys(botgoVector.secret);
    const tampered = Buffer.from(botgoVector.body.replace('哦一下', '哦两下'));
    expect(verifyWebhookRequest({ keys, headers, body: tampered, nowMs, windowSeconds: 300 })).toEqual({ ok: false, reason: 'bad-signature' });
    const otherTs = { ...headers, 'x-signature-timestamp': String(Number(botgoVector.timestamp) + 1) };
    expect(verifyWebhookRequest({ keys, headers: otherTs, body: Buffer.from(botgoVector.body), nowMs, windowSeconds: 300 })).toEqual({ ok: false, reason: 'bad-signature' });
    expect(
      verifyWebhookRequest({ keys: webhookKeys('123456abcdeg'), headers, body: Buffer.from(botgoVector.body), nowMs, windowSeconds: 300 }),
    ).toEqual({ ok: false, reason: 'bad-signature' });
  });
});

describe('op 13 validation vector (reference §8.3)', () => {
  it('signs event_ts + plain_token exactly as the docs show', () => {
    expect(signValidation(webhookKeys(validationVector.secret), validationVector.eventTs, validationVector.plainToken)).toBe(validationVector.signature);
  });

  it('matches the sample files', () => {
    const responseFile = path.join(samplesDir, 'webhook_validation_response.docs.json');
    expect(existsSync(responseFile)).toBe(true);
    const response = JSON.parse(readFileSync(responseFile, 'utf8')) as { plain_token: string; signature: string };
    expect(response).toEqual({ plain_token: validationVector.plainToken, signature: validationVector.signature });
    expect(readFileSync(path.join(samplesDir, 'webhook_validation_request.docs.json'), 'utf8').trim()).toBe(validationVector.request);
  });

  it('the receiver answers the docs request with the docs response, unsigned, over HTTP', async () => {
    fixture = await startReceiver({ bots: [{ appId: validationVector.appId, secret: validationVector.secret }] });
    const answer = await send(fixture.url, {
      headers: { 'user-agent': 'QQBot-Callback', 'x-bot-appid': validationVector.appId, 'content-type': 'application/json' },
      body: validationVector.request,
    });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(answer.body)).toEqual({ plain_token: validationVector.plainToken, signature: validationVector.signature });
    expect(fixture.receiver.actor.getSnapshot().value).toBe('validating');
    expect(fixture.all()).toEqual([]);
  });
});

describe('signature header form', () => {
  const valid = signWebhookBody(webhookKeys('secret'), '1', 'body');

  it('accepts 128 hex digits in either case', () => {
    expect(decodeSignature(valid)).not.toBeNull();
    expect(decodeSignature(valid.toUpperCase())).not.toBeNull();
  });

  it.each([
    ['empty', ''],
    ['126 digits', valid.slice(0, 126)],
    ['130 digits', `${valid}00`],
    ['a non-hex digit', `${valid.slice(0, 127)}g`],
    ['whitespace', ` ${valid.slice(1)}`],
    ['0x prefix', `0x${valid.slice(2)}`],
    ['two values joined by a proxy', `${valid}, ${valid}`],
  ])('rejects %s', (_name, hex) => {
    expect(decodeSignature(hex)).toBeNull();
  });

  it('rejects a signature whose last byte has any of the top three bits set (sig[63] & 0xE0)', () => {
    for (const bit of [0x20, 0x40, 0x80]) {
      const bytes = Buffer.from(valid, 'hex');
      bytes[63] = (bytes[63] ?? 0) | bit;
      expect(decodeSignature(bytes.toString('hex'))).toBeNull();
    }
  });
});

describe('timestamp freshness', () => {
  const now = 1_728_981_195_000;
  it.each([
    ['now', '1728981195', { ok: true }],
    ['exactly the window old', String(1_728_981_195 - 300), { ok: true }],
    ['one second past the window', String(1_728_981_195 - 301), { ok: false, reason: 'stale-timestamp' }],
    ['one second too far ahead', String(1_728_981_195 + 301), { ok: false, reason: 'future-timestamp' }],
    ['not a number', 'yesterday', { ok: false, reason: 'malformed-timestamp' }],
    ['milliseconds (13 digits)', '1728981195000', { ok: false, reason: 'future-timestamp' }],
    ['negative', '-1', { ok: false, reason: 'malformed-timestamp' }],
    ['decimal', '1728981195.5', { ok: false, reason: 'malformed-timestamp' }],
    ['empty', '', { ok: false, reason: 'malformed-timestamp' }],
  ])('%s', (_name, timestamp, expected) => {
    expect(checkTimestamp(timestamp, now, 300)).toEqual(expected);
  });

  it('Infinity turns the window off but keeps the form check', () => {
    expect(checkTimestamp('1', now, Number.POSITIVE_INFINITY)).toEqual({ ok: true });
    expect(checkTimestamp('x', now, Number.POSITIVE_INFINITY)).toEqual({ ok: false, reason: 'malformed-timestamp' });
  });
});
