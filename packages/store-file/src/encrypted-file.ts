import { open, readFile } from 'node:fs/promises';
import { StoreKeyError } from '@pv/core';
import type { StoreCipher } from '@pv/store-crypto';
import { fromLittleEndianInPlace } from './byte-order.js';
import { checkDigest, corruptFile, decodeTail, encodeStore, HEADER_SIZE, parseHeader, STORE_MAGIC, type StoreContents } from './format.js';
import type { StoreFileRead } from './store-file-io.js';

/**
 * The first 8 bytes of an encrypted store file: 0x89 then ASCII `PVSTENC`. Then 32 bytes of key check
 * (which key opens it, without revealing the key) and the whole plain store file sealed with AES-256-GCM
 * (`@pv/store-crypto`): vectors, labels, ids, sources and the model id are all inside.
 */
export const ENCRYPTED_MAGIC: Readonly<Uint8Array> = Uint8Array.of(0x89, 0x50, 0x56, 0x53, 0x54, 0x45, 0x4e, 0x43);
const KEY_CHECK_BYTES = 32;
const PREFIX = ENCRYPTED_MAGIC.length + KEY_CHECK_BYTES;
const CONTEXT = 'pv-store-file v1';

/** What a file's first bytes say it is. */
export type StoreFileKind = 'absent' | 'plain' | 'encrypted';

/** Whether `file` is absent, a plain store file or an encrypted one (anything else counts as plain and is refused when read). */
export async function storeFileKind(file: string): Promise<StoreFileKind> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'absent';
    throw error;
  }
  try {
    const magic = new Uint8Array(ENCRYPTED_MAGIC.length);
    const { bytesRead } = await handle.read(magic, 0, magic.length, 0);
    return bytesRead === magic.length && magic.every((b, i) => b === ENCRYPTED_MAGIC[i]) ? 'encrypted' : 'plain';
  } finally {
    await handle.close();
  }
}

/** Throws `E_STORE_KEY` when the file's kind and the key given disagree (an encrypted file without a key, or the reverse). */
export function checkKeyFits(file: string, kind: StoreFileKind, cipher: StoreCipher | null): void {
  if (kind === 'encrypted' && cipher === null) {
    throw new StoreKeyError(`Store file ${file} is encrypted: open it with its key (the encryption option); it was left untouched`, { file });
  }
  if (kind === 'plain' && cipher !== null) {
    throw new StoreKeyError(`Store file ${file} is not encrypted: encrypt it with rekeyStore (pv store rekey) first; it was left untouched`, { file });
  }
}

/** Reads, authenticates and decodes an encrypted store file; a wrong key is `E_STORE_KEY`, a damaged file `E_STORE_CORRUPT`. */
export async function readEncryptedStoreFile(file: string, cipher: StoreCipher): Promise<StoreFileRead> {
  const handle = await open(file, 'r');
  let bytes: Buffer;
  let mode: number;
  try {
    mode = (await handle.stat()).mode & 0o777;
    bytes = await readFile(handle);
  } finally {
    await handle.close();
  }
  if (bytes.length < PREFIX) throw corruptFile(file, 'truncated encrypted header');
  cipher.assertKey(bytes.subarray(ENCRYPTED_MAGIC.length, PREFIX).toString('hex'), file);
  const plain = cipher.open(bytes.subarray(PREFIX), CONTEXT, file);
  return { contents: decodeStoreBytes(plain, file), mode };
}

/** The chunks of an encrypted store file holding `contents` (see {@link ENCRYPTED_MAGIC}). */
export function encodeEncryptedStore(contents: StoreContents, cipher: StoreCipher): Uint8Array[] {
  const plain = Buffer.concat(encodeStore(contents));
  const sealed = cipher.seal(plain, CONTEXT);
  plain.fill(0);
  return [ENCRYPTED_MAGIC as Uint8Array, Buffer.from(cipher.keyCheck, 'hex'), sealed];
}

/** Decodes and checks a whole plain store file held in memory. */
function decodeStoreBytes(bytes: Buffer, file: string): StoreContents {
  if (bytes.length < HEADER_SIZE || !STORE_MAGIC.every((b, i) => bytes[i] === b)) throw corruptFile(file, 'the decrypted content is not a store');
  const headerBytes = bytes.subarray(0, HEADER_SIZE);
  const header = parseHeader(headerBytes, file);
  if (header.bodyLength !== bytes.length - HEADER_SIZE) throw corruptFile(file, 'the decrypted body has the wrong length');
  const vectorByteLength = header.count * header.dimension * 4;
  if (vectorByteLength + header.modelIdLength > header.bodyLength) throw corruptFile(file, 'the vectors do not fit in the body');
  const vectors = new Float32Array(header.count * header.dimension);
  const vectorBytes = new Uint8Array(vectors.buffer);
  vectorBytes.set(bytes.subarray(HEADER_SIZE, HEADER_SIZE + vectorByteLength));
  const tail = bytes.subarray(HEADER_SIZE + vectorByteLength);
  checkDigest(header, headerBytes, vectorBytes, tail, file);
  fromLittleEndianInPlace(vectors);
  const { modelId, rows } = decodeTail(tail, header, file);
  return { modelId, dimension: header.dimension, rows, vectors };
}
