/**
 * Ed25519 keys of the webhook transport (reference §8.2): the AppSecret, repeated until it
 * reaches 32 bytes and cut there, is the Ed25519 seed. The platform signs with the private key
 * of that seed; we verify with its public key and sign op 13 answers with the private key.
 */
import { createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto';
import type { Secret } from '../secret.js';

/** Ed25519 seed size in bytes. */
export const seedSize = 32;

/** DER prefix of a PKCS#8 Ed25519 private key; the 32-byte seed follows (RFC 8410). */
const pkcs8Ed25519Prefix = Buffer.from('302e020100300506032b657004220420', 'hex');

/**
 * The seed for `secret`, following the docs' Go code: double the string until it is at least
 * 32 bytes long, then keep the first 32 (reference §8.2; `naOC0ocQE3shWLAfffVLB1rhYPG7` →
 * `naOC0ocQE3shWLAfffVLB1rhYPG7naOC`).
 *
 * @example
 * ```ts
 * ed25519Seed('123456abcdef').toString(); // '123456abcdef123456abcdef123456ab'
 * ```
 */
export function ed25519Seed(secret: string): Buffer {
  let bytes = Buffer.from(secret, 'utf8');
  if (bytes.length === 0) throw new RangeError('The secret is empty: no Ed25519 seed can be derived');
  while (bytes.length < seedSize) bytes = Buffer.concat([bytes, bytes]);
  return bytes.subarray(0, seedSize);
}

/** The key pair the platform and the bot derive from one AppSecret. */
export interface WebhookKeys {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/**
 * Derives the key pair once; `KeyObject`s never print their material.
 *
 * @example
 * ```ts
 * const keys = webhookKeys(new Secret(process.env.QQ_BOT_SECRET!));
 * ```
 */
export function webhookKeys(secret: Secret | string): WebhookKeys {
  const value = typeof secret === 'string' ? secret : secret.reveal();
  const privateKey = createPrivateKey({ key: Buffer.concat([pkcs8Ed25519Prefix, ed25519Seed(value)]), format: 'der', type: 'pkcs8' });
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

/** The raw 32-byte public key (what the docs print as `publicKey: [215 195 98 254 …]`). */
export function rawPublicKey(keys: WebhookKeys): Buffer {
  const spki = keys.publicKey.export({ format: 'der', type: 'spki' });
  return spki.subarray(spki.length - seedSize);
}

/**
 * Hex Ed25519 signature over `timestamp + body`, the message the platform signs for every
 * request (reference §8.2). Used by tests and anything that must speak as the platform.
 */
export function signWebhookBody(keys: WebhookKeys, timestamp: string, body: Buffer | string): string {
  const message = Buffer.concat([Buffer.from(timestamp, 'utf8'), typeof body === 'string' ? Buffer.from(body, 'utf8') : body]);
  return sign(null, message, keys.privateKey).toString('hex');
}

/**
 * The op 13 answer's signature: hex Ed25519 over `event_ts + plain_token` (reference §8.3).
 *
 * @example
 * ```ts
 * signValidation(webhookKeys('DG5g3B4j9X2KOErG'), '1725442341', 'Arq0D5A61EgUu4OxUvOp'); // '87befc99c42c…d652c706'
 * ```
 */
export function signValidation(keys: WebhookKeys, eventTs: string, plainToken: string): string {
  return signWebhookBody(keys, eventTs, plainToken);
}
