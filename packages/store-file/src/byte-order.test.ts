import { describe, expect, it } from 'vitest';
import { fromLittleEndianInPlace, HOST_IS_LITTLE_ENDIAN, littleEndianBytes, swapByteOrder32 } from './byte-order.js';

describe('byte order', () => {
  it('swaps each 4-byte group', () => {
    const bytes = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8);
    swapByteOrder32(bytes);
    expect(Array.from(bytes)).toEqual([4, 3, 2, 1, 8, 7, 6, 5]);
  });

  it('writes float32 little-endian whatever the host order', () => {
    const values = Float32Array.of(1, -2.5);
    const expected = Buffer.alloc(8);
    expected.writeFloatLE(1, 0);
    expected.writeFloatLE(-2.5, 4);
    const native = littleEndianBytes(values);
    expect(Buffer.from(native).equals(expected)).toBe(HOST_IS_LITTLE_ENDIAN);
    // The other host order must produce the opposite answer from the same memory.
    const other = littleEndianBytes(values, !HOST_IS_LITTLE_ENDIAN);
    expect(Buffer.from(other).equals(expected)).toBe(!HOST_IS_LITTLE_ENDIAN);
  });

  it('is a view, not a copy, on a little-endian host', () => {
    const values = Float32Array.of(1, 2, 3);
    const bytes = littleEndianBytes(values.subarray(1), true);
    expect(bytes.buffer).toBe(values.buffer);
    expect(bytes.byteOffset).toBe(4);
    expect(bytes.byteLength).toBe(8);
  });

  it('turns little-endian bytes back into the same values under either host order', () => {
    for (const hostIsLittleEndian of [true, false]) {
      const values = Float32Array.of(0.1, -7, 1e-30, 3.5e38);
      const bytes = littleEndianBytes(values, hostIsLittleEndian);
      const read = new Float32Array(Uint8Array.from(bytes).buffer);
      fromLittleEndianInPlace(read, hostIsLittleEndian);
      expect(Array.from(read)).toEqual(Array.from(values));
    }
  });
});
