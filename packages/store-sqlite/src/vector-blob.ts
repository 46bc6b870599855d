import { StoreCorruptError } from '@pv/core';

const hostIsLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The bytes of `vector` as little-endian IEEE-754 float32 values: the BLOB stored for a record. */
export function encodeVector(vector: Float32Array): Uint8Array {
  if (hostIsLittleEndian) return new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength);
  const bytes = new Uint8Array(vector.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < vector.length; i++) view.setFloat32(i * 4, vector[i] as number, true);
  return bytes;
}

/**
 * Copies the little-endian float32 `blob` into `target` from element `offset` on. Throws
 * `E_STORE_CORRUPT` (naming `file`) when the blob does not hold exactly `dimension` values.
 */
export function copyVectorInto(blob: Uint8Array, dimension: number, target: Float32Array, offset: number, file: string): void {
  if (blob.byteLength !== dimension * 4) {
    throw new StoreCorruptError(`${file}: a stored vector has ${blob.byteLength} bytes, expected ${dimension * 4}`, {
      file,
      bytes: blob.byteLength,
      dimension,
    });
  }
  if (hostIsLittleEndian) {
    new Uint8Array(target.buffer, target.byteOffset + offset * 4, blob.byteLength).set(blob);
    return;
  }
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  for (let i = 0; i < dimension; i++) target[offset + i] = view.getFloat32(i * 4, true);
}

/** Decodes a stored vector BLOB of `dimension` values (see {@link copyVectorInto}). */
export function decodeVector(blob: Uint8Array, dimension: number, file: string): Float32Array {
  const vector = new Float32Array(dimension);
  copyVectorInto(blob, dimension, vector, 0, file);
  return vector;
}
