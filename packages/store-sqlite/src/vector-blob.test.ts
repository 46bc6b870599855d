import { isPvError } from '@pv/core';
import { describe, expect, it } from 'vitest';
import { copyVectorInto, decodeVector, encodeVector } from './vector-blob.js';

describe('vector BLOBs', () => {
  it('are little-endian IEEE-754 float32 values', () => {
    const bytes = encodeVector(Float32Array.of(1, -2.5));
    expect(Array.from(bytes)).toEqual([0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x20, 0xc0]);
  });

  it('encode only the viewed part of a vector', () => {
    const whole = Float32Array.of(9, 1, 9);
    expect(Array.from(encodeVector(whole.subarray(1, 2)))).toEqual([0x00, 0x00, 0x80, 0x3f]);
  });

  it('round-trip exactly, including extreme values', () => {
    const vector = Float32Array.of(0, -0, 1e-45, 3.4028234663852886e38, -1.5, Math.PI);
    expect(Array.from(decodeVector(encodeVector(vector), vector.length, 'x.db'))).toEqual(Array.from(vector));
  });

  it('copy into a larger buffer at an offset', () => {
    const target = new Float32Array(6);
    copyVectorInto(encodeVector(Float32Array.of(4, 5)), 2, target, 3, 'x.db');
    expect(Array.from(target)).toEqual([0, 0, 0, 4, 5, 0]);
  });

  it('refuse a BLOB of the wrong size with E_STORE_CORRUPT naming the file', () => {
    let caught: unknown;
    try {
      decodeVector(new Uint8Array(7), 2, 'gallery.db');
    } catch (error) {
      caught = error;
    }
    expect(isPvError(caught, 'E_STORE_CORRUPT')).toBe(true);
    expect((caught as Error).message).toContain('gallery.db');
  });
});
