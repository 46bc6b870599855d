import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { StoreCorruptError, StoreKeyError } from '@pv/core';

/** Bytes of a key: AES-256. */
export const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Bytes a sealed value adds to its plaintext: the random nonce and the authentication tag. */
export const SEAL_OVERHEAD = IV_BYTES + TAG_BYTES;

/**
 * Authenticated encryption of a store's values with one 256-bit key (AES-256-GCM from Node's `crypto`,
 * a fresh random 96-bit nonce per value), and keyed tags (HMAC-SHA-256) that stand in for labels and ids
 * in indexes, so that lookups by label keep working on an encrypted store. The encryption key, the tag
 * key and the key-check value are derived from the key with HKDF-SHA-256 under distinct names.
 */
export class StoreCipher {
  readonly #encryptionKey: Buffer;
  readonly #tagKey: Buffer;
  /** A value that identifies the key without revealing it: stored in the store, compared on open. */
  readonly keyCheck: string;

  /** A cipher for `key` (exactly {@link KEY_BYTES} bytes). */
  constructor(key: Uint8Array) {
    if (key.byteLength !== KEY_BYTES) throw new StoreKeyError(`A store key must be ${KEY_BYTES} bytes, not ${key.byteLength}`);
    const derive = (info: string): Buffer => Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), info, KEY_BYTES));
    this.#encryptionKey = derive('pv-store encryption v1');
    this.#tagKey = derive('pv-store tag v1');
    this.keyCheck = derive('pv-store key check v1').toString('hex');
  }

  /** Throws `E_STORE_KEY` (naming `where`) unless `stored` is this key's {@link keyCheck}. */
  assertKey(stored: string, where: string): void {
    const expected = Buffer.from(this.keyCheck, 'hex');
    const actual = Buffer.from(stored, 'hex');
    if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
      throw new StoreKeyError(`${where} is encrypted with another key; it was left untouched`, { store: where });
    }
  }

  /** `nonce ‖ ciphertext ‖ tag` of `plain`, bound to `context` (e.g. the record id): a value moved to another context does not open. */
  seal(plain: Uint8Array, context = ''): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#encryptionKey, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return Buffer.concat([iv, body, cipher.getAuthTag()]);
  }

  /**
   * The plaintext of a {@link seal}ed value. A value that does not authenticate (altered, truncated, or
   * moved from another context) is `E_STORE_CORRUPT`, naming `where`.
   */
  open(sealed: Uint8Array, context = '', where = 'store'): Buffer {
    if (sealed.byteLength < SEAL_OVERHEAD) throw new StoreCorruptError(`${where}: an encrypted value is truncated`, { store: where });
    const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
    const decipher = createDecipheriv('aes-256-gcm', this.#encryptionKey, bytes.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)), decipher.final()]);
    } catch (error) {
      throw new StoreCorruptError(`${where}: an encrypted value does not authenticate (altered or damaged)`, { store: where }, { cause: error });
    }
  }

  /** The keyed tag of a label or id (64 hex digits): equal inputs give equal tags; without the key it reveals nothing. */
  tag(text: string): string {
    return createHmac('sha256', this.#tagKey).update(text, 'utf8').digest('hex');
  }
}
