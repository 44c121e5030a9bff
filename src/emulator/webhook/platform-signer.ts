/**
 * The platform's side of the webhook signature (reference §8.2), written apart from
 * src/webhook/sign.ts on purpose: the seed here cycles the secret byte by byte, the client doubles
 * the string as the docs' Go code does. Both must give the same key (tests pin both to the docs'
 * and botgo's vectors), so one misreading cannot pass both sides.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';

const SEED_BYTES = 32;
/** PKCS#8 wrapper of a raw Ed25519 private key (RFC 8410 §7). */
const PKCS8_PREFIX = Buffer.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]);

export class PlatformSigner {
  readonly #privateKey: KeyObject;
  readonly #publicKey: KeyObject;

  private constructor(privateKey: KeyObject) {
    this.#privateKey = privateKey;
    this.#publicKey = createPublicKey(privateKey);
  }

  /** The signer the platform uses for a bot with this AppSecret. */
  static fromSecret(secret: string): PlatformSigner {
    const bytes = Buffer.from(secret, 'utf8');
    if (bytes.length === 0) throw new RangeError('empty secret');
    const seed = Buffer.alloc(SEED_BYTES);
    for (let i = 0; i < SEED_BYTES; i += 1) seed[i] = bytes[i % bytes.length] ?? 0;
    return new PlatformSigner(createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' }));
  }

  /** A signer with a random key: what a forger without the secret has. */
  static random(): PlatformSigner {
    return new PlatformSigner(generateKeyPairSync('ed25519').privateKey);
  }

  /** Hex signature over `prefix + message` (timestamp + body, or event_ts + plain_token). */
  sign(prefix: string, message: Buffer | string): string {
    return sign(null, Buffer.concat([Buffer.from(prefix, 'utf8'), Buffer.from(message)]), this.#privateKey).toString('hex');
  }

  /** Checks a hex signature over `prefix + message` (the op 13 answer). */
  verify(prefix: string, message: Buffer | string, signatureHex: string): boolean {
    if (!/^[0-9a-fA-F]{128}$/.test(signatureHex)) return false;
    try {
      return verify(null, Buffer.concat([Buffer.from(prefix, 'utf8'), Buffer.from(message)]), this.#publicKey, Buffer.from(signatureHex, 'hex'));
    } catch {
      return false;
    }
  }

  /** The raw 32-byte public key. */
  publicKey(): Buffer {
    const spki = this.#publicKey.export({ format: 'der', type: 'spki' });
    return spki.subarray(spki.length - SEED_BYTES);
  }
}
