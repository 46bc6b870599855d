import { isPvError } from '@pv/core';
import { describe, expect, it } from 'vitest';
import { decodeTfjsWeights, parseTfjsWeightsManifest, type TfjsWeightsManifest } from './tfjs-weights.js';

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return isPvError(error) ? error.code : `not a PvError: ${String(error)}`;
  }
  return undefined;
}

/** Little-endian float32 bytes of `values`. */
function float32Bytes(...values: number[]): number[] {
  const view = new DataView(new ArrayBuffer(4 * values.length));
  values.forEach((v, i) => view.setFloat32(4 * i, v, true));
  return [...new Uint8Array(view.buffer)];
}

const manifest: TfjsWeightsManifest = parseTfjsWeightsManifest([
  {
    paths: ['part1.bin', 'part2.bin'],
    weights: [
      { name: 'q8', shape: [2, 2], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.5, min: -1 } },
      { name: 'plain', shape: [2], dtype: 'float32' },
      { name: 'q16', shape: [2], dtype: 'float32', quantization: { dtype: 'uint16', scale: 0.25, min: 2 } },
    ],
  },
  { paths: ['other.bin'], weights: [{ name: 'scalar', shape: [], dtype: 'float32', quantization: { dtype: 'uint8', scale: 2, min: 1 } }] },
]);

// q8: 0, 3, 255, 1 | plain: 1.5, -2.25 | q16: 0x1234 (little-endian), 0
const group1 = [0, 3, 255, 1, ...float32Bytes(1.5, -2.25), 0x34, 0x12, 0, 0];
const files = new Map<string, Uint8Array>([
  // The group's bytes are split across its two files in the middle of a tensor.
  ['part1.bin', Uint8Array.from(group1.slice(0, 6))],
  ['part2.bin', Uint8Array.from(group1.slice(6))],
  ['other.bin', Uint8Array.of(7)],
]);

describe('decodeTfjsWeights', () => {
  it('dequantises uint8 and uint16 as q * scale + min, reads float32, across the files of a group and across groups', () => {
    const tensors = decodeTfjsWeights(manifest, (path) => files.get(path));
    expect([...tensors.keys()]).toEqual(['q8', 'plain', 'q16', 'scalar']);
    expect(tensors.get('q8')).toEqual({ shape: [2, 2], values: Float32Array.of(-1, 0.5, 126.5, -0.5) });
    expect(tensors.get('plain')).toEqual({ shape: [2], values: Float32Array.of(1.5, -2.25) });
    expect(tensors.get('q16')).toEqual({ shape: [2], values: Float32Array.of(0x1234 * 0.25 + 2, 2) });
    expect(tensors.get('scalar')).toEqual({ shape: [], values: Float32Array.of(15) });
  });

  it('rounds the double-precision result to float32, as tfjs stores it', () => {
    const m = parseTfjsWeightsManifest([
      { paths: ['a'], weights: [{ name: 'w', shape: [1], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.1, min: -0.3 } }] },
    ]);
    const [value] = decodeTfjsWeights(m, () => Uint8Array.of(7)).get('w')?.values ?? [];
    expect(value).toBe(Math.fround(7 * 0.1 - 0.3));
    expect(value).not.toBe(7 * 0.1 - 0.3);
  });

  it('refuses a missing file, files too short or too long, and a name used twice, with E_MODEL_FORMAT', () => {
    expect(codeOf(() => decodeTfjsWeights(manifest, (path) => (path === 'other.bin' ? undefined : files.get(path))))).toBe('E_MODEL_FORMAT');
    const short = new Map(files).set('part2.bin', Uint8Array.from(group1.slice(6, -1)));
    expect(() => decodeTfjsWeights(manifest, (path) => short.get(path))).toThrow(/end before tensor q16/u);
    const long = new Map(files).set('other.bin', Uint8Array.of(7, 0));
    expect(() => decodeTfjsWeights(manifest, (path) => long.get(path))).toThrow(/hold 2 bytes but the manifest describes 1/u);
    const twice = parseTfjsWeightsManifest([
      { paths: ['a'], weights: [{ name: 'w', shape: [1], dtype: 'float32', quantization: { dtype: 'uint8', scale: 1, min: 0 } }] },
      { paths: ['b'], weights: [{ name: 'w', shape: [1], dtype: 'float32', quantization: { dtype: 'uint8', scale: 1, min: 0 } }] },
    ]);
    expect(() => decodeTfjsWeights(twice, () => Uint8Array.of(1))).toThrow(/w appears twice/u);
  });
});

describe('parseTfjsWeightsManifest', () => {
  const weight = { name: 'w', shape: [1], dtype: 'float32' };
  it.each([
    ['not an array', { paths: ['a'], weights: [] }, /non-empty array/u],
    ['an empty manifest', [], /non-empty array/u],
    ['a group without files', [{ paths: [], weights: [weight] }], /paths/u],
    ['a group without weights', [{ paths: ['a'] }], /weights/u],
    ['a nameless tensor', [{ paths: ['a'], weights: [{ ...weight, name: '' }] }], /no name/u],
    ['a bad shape', [{ paths: ['a'], weights: [{ ...weight, shape: [2.5] }] }], /invalid shape/u],
    ['an int32 tensor', [{ paths: ['a'], weights: [{ ...weight, dtype: 'int32' }] }], /only float32/u],
    ['float16 quantisation', [{ paths: ['a'], weights: [{ ...weight, quantization: { dtype: 'float16' } }] }], /only uint8 and uint16/u],
    ['a quantisation without min', [{ paths: ['a'], weights: [{ ...weight, quantization: { dtype: 'uint8', scale: 1 } }] }], /scale and min/u],
  ])('refuses %s with E_MODEL_FORMAT', (_, value, message) => {
    expect(codeOf(() => parseTfjsWeightsManifest(value))).toBe('E_MODEL_FORMAT');
    expect(() => parseTfjsWeightsManifest(value)).toThrow(message);
  });
});
