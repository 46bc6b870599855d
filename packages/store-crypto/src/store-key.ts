import { randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { InvalidArgumentError, StoreKeyError, type StoreKeySource } from '@pv/core';
import { KEY_BYTES, StoreCipher } from './store-cipher.js';

/**
 * Where an encrypted store's 256-bit key comes from — the one `encryption` option of every store pv keeps
 * on disk (`@pv/store-file`, `@pv/store-sqlite`, `@pv/store-hnsw`):
 * - `{ keyEnv: 'PV_STORE_KEY' }`: an environment variable holding the key as base64 (44 characters) or hex (64);
 * - `{ keyFile: '/run/secrets/pv-key' }`: a file holding the key as 32 raw bytes, base64 or hex, readable by
 *   its owner only (a file others may read is refused);
 * - `{ key }`: the 32 bytes themselves.
 */
export type StoreEncryption = StoreKeySource;

/** The environment variable the CLI and server read a store key from. */
export const DEFAULT_KEY_ENV = 'PV_STORE_KEY';

/** A new random key, as base64 text (for a key file or {@link DEFAULT_KEY_ENV}). */
export function generateStoreKey(): string {
  return randomBytes(KEY_BYTES).toString('base64');
}

/** The key `encryption` names. A missing variable or file, or a malformed key, is `E_STORE_KEY`. */
export function loadStoreKey(encryption: StoreEncryption): Uint8Array {
  if ('key' in encryption) {
    if (!(encryption.key instanceof Uint8Array)) throw new InvalidArgumentError('encryption.key must be a Uint8Array');
    return checkLength(encryption.key, 'encryption.key');
  }
  if ('keyEnv' in encryption) {
    const text = process.env[encryption.keyEnv];
    if (text === undefined || text.trim() === '') throw new StoreKeyError(`The environment variable ${encryption.keyEnv} holding the store key is not set`, { keyEnv: encryption.keyEnv });
    return parseKeyText(text, `$${encryption.keyEnv}`);
  }
  if ('keyFile' in encryption) return readKeyFile(encryption.keyFile);
  throw new InvalidArgumentError('encryption must be { keyEnv }, { keyFile } or { key }');
}

/** A cipher for `encryption`, or `null` for a store that is not encrypted. */
export function cipherFor(encryption: StoreEncryption | undefined): StoreCipher | null {
  return encryption === undefined ? null : new StoreCipher(loadStoreKey(encryption));
}

function readKeyFile(file: string): Uint8Array {
  let bytes: Buffer;
  try {
    if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) {
      throw new StoreKeyError(`The key file ${file} may be read by other users: chmod 600 it`, { keyFile: file });
    }
    bytes = readFileSync(file);
  } catch (error) {
    if (error instanceof StoreKeyError) throw error;
    throw new StoreKeyError(`The key file ${file} cannot be read (${(error as Error).message})`, { keyFile: file });
  }
  if (bytes.length === KEY_BYTES) return new Uint8Array(bytes);
  return parseKeyText(bytes.toString('utf8'), file);
}

function parseKeyText(text: string, where: string): Uint8Array {
  const trimmed = text.trim();
  const bytes = /^[0-9a-fA-F]{64}$/u.test(trimmed) ? Buffer.from(trimmed, 'hex') : /^[A-Za-z0-9+/_-]{43}=?$/u.test(trimmed) ? Buffer.from(trimmed, 'base64') : null;
  if (bytes === null) throw new StoreKeyError(`${where} does not hold a ${KEY_BYTES}-byte key as base64 (44 characters) or hex (64)`, { where });
  return checkLength(new Uint8Array(bytes), where);
}

function checkLength(key: Uint8Array, where: string): Uint8Array {
  if (key.byteLength !== KEY_BYTES) throw new StoreKeyError(`${where} must be ${KEY_BYTES} bytes, not ${key.byteLength}`, { where });
  return key;
}
