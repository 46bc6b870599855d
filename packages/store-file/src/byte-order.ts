/** True when this machine stores numbers little-endian (every mainstream Node platform). */
export const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Reverses the byte order of every 4-byte group of `bytes` in place (its length must be a multiple of 4). */
export function swapByteOrder32(bytes: Uint8Array): void {
  for (let i = 0; i + 3 < bytes.length; i += 4) {
    const b0 = bytes[i] as number;
    const b1 = bytes[i + 1] as number;
    bytes[i] = bytes[i + 3] as number;
    bytes[i + 1] = bytes[i + 2] as number;
    bytes[i + 2] = b1;
    bytes[i + 3] = b0;
  }
}

/**
 * The bytes of `values` as little-endian float32: a view without copying on little-endian hosts, a
 * byte-swapped copy elsewhere.
 */
export function littleEndianBytes(values: Float32Array, hostIsLittleEndian = HOST_IS_LITTLE_ENDIAN): Uint8Array {
  const view = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  if (hostIsLittleEndian) return view;
  const copy = Uint8Array.from(view);
  swapByteOrder32(copy);
  return copy;
}

/** Turns float32 values just read as little-endian bytes into host order, in place. */
export function fromLittleEndianInPlace(values: Float32Array, hostIsLittleEndian = HOST_IS_LITTLE_ENDIAN): void {
  if (!hostIsLittleEndian) swapByteOrder32(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
}
