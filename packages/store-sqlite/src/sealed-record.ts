import { StoreCorruptError, type EmbeddingRecord } from '@pv/core';
import type { StoreCipher } from '@pv/store-crypto';
import { encodeVector } from './vector-blob.js';

/** The `pv_meta` key of an encrypted store's key-check value (`StoreCipher.keyCheck`); absent in a plain store. */
export const KEY_CHECK_KEY = 'encryption.key_check';

/** What an encrypted record seals besides its vector: the id, label and source (file and box). */
interface SealedFields {
  readonly i: string;
  readonly l: string;
  readonly s?: EmbeddingRecord['source'];
}

/**
 * The `vector` column of an encrypted store's row: AES-256-GCM (`StoreCipher.seal`) of
 * `u32 LE length ‖ JSON {id, label, source} ‖ float32 LE vector`, bound to the row's id tag (a value moved
 * to another row does not open).
 */
export function sealRecord(cipher: StoreCipher, idTag: string, record: Pick<EmbeddingRecord, 'id' | 'label' | 'vector' | 'source'>): Buffer {
  const fields: SealedFields = { i: record.id, l: record.label, ...(record.source ? { s: record.source } : {}) };
  const json = Buffer.from(JSON.stringify(fields), 'utf8');
  const vector = encodeVector(record.vector);
  const plain = Buffer.alloc(4 + json.length + vector.byteLength);
  plain.writeUInt32LE(json.length, 0);
  json.copy(plain, 4);
  plain.set(vector, 4 + json.length);
  const sealed = cipher.seal(plain, idTag);
  plain.fill(0);
  return sealed;
}

/** The plaintext of a {@link sealRecord} value: its fields and the vector's bytes. `E_STORE_CORRUPT` when it does not open. */
export function openRecord(cipher: StoreCipher, idTag: string, sealed: Uint8Array, file: string): { fields: SealedFields; vector: Uint8Array } {
  const plain = cipher.open(sealed, idTag, file);
  const length = plain.length >= 4 ? plain.readUInt32LE(0) : Number.POSITIVE_INFINITY;
  if (!(4 + length <= plain.length)) throw new StoreCorruptError(`${file}: an encrypted record is malformed`, { file });
  let fields: SealedFields;
  try {
    fields = JSON.parse(plain.subarray(4, 4 + length).toString('utf8')) as SealedFields;
  } catch (error) {
    throw new StoreCorruptError(`${file}: an encrypted record is malformed`, { file }, { cause: error });
  }
  if (typeof fields.i !== 'string' || typeof fields.l !== 'string') throw new StoreCorruptError(`${file}: an encrypted record is malformed`, { file });
  return { fields, vector: plain.subarray(4 + length) };
}
