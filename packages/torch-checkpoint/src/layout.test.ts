import { ModelFormatError } from '@pv/core';
import { describe, expect, it } from 'vitest';
import { assertStateDictLayout, countParameters, findLayoutMismatch, float32Tensor, StateDictLayoutError, type TensorSpec } from './layout.js';
import type { StateDict } from './state-dict.js';
import type { Tensor } from './torch/tensor.js';

const f32 = (shape: number[]): Tensor => ({ pickleType: 'torch.Tensor', dtype: 'float32', shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) });
const i64 = (): Tensor => ({ pickleType: 'torch.Tensor', dtype: 'int64', shape: [], data: new BigInt64Array(1) });

const stateDict: StateDict = new Map<string, Tensor>([
  ['conv.weight', f32([8, 3, 3, 3])],
  ['bn.num_batches_tracked', i64()],
  ['logits.weight', f32([10, 8])],
]);

const specs: TensorSpec[] = [
  { key: 'conv.weight', shape: [8, 3, 3, 3] },
  { key: 'bn.num_batches_tracked', shape: [], dtype: 'int64', optional: true },
  { key: 'logits.weight', shape: ['*', 8], optional: true },
];

describe('state dict layout checks', () => {
  it('accepts a matching layout (optional keys, wildcard sizes, dtypes)', () => {
    expect(findLayoutMismatch(stateDict, specs)).toBeUndefined();
    expect(findLayoutMismatch(new Map([['conv.weight', f32([8, 3, 3, 3])]]), specs)).toBeUndefined();
  });

  it('names the first mismatch in spec order: missing, dtype, shape', () => {
    expect(findLayoutMismatch(stateDict, [{ key: 'other', shape: [1] }, ...specs])).toMatchObject({ kind: 'missing', key: 'other' });
    expect(findLayoutMismatch(stateDict, [{ key: 'bn.num_batches_tracked', shape: [] }])).toMatchObject({ kind: 'dtype', actualDType: 'int64' });
    expect(findLayoutMismatch(stateDict, [{ key: 'conv.weight', shape: [8, 3, 5, 5] }, ...specs])).toMatchObject({
      kind: 'shape',
      key: 'conv.weight',
      actualShape: [8, 3, 3, 3],
    });
  });

  it('reports keys no spec names, after the specs', () => {
    expect(findLayoutMismatch(stateDict, specs.slice(0, 2))).toMatchObject({ kind: 'unexpected', key: 'logits.weight', actualShape: [10, 8] });
  });

  it('throws a typed E_MODEL_FORMAT error whose message names the key and both shapes', () => {
    const attempt = () => assertStateDictLayout(stateDict, [{ key: 'conv.weight', shape: [8, 3, 5, 5] }], 'facenet.pt');
    expect(attempt).toThrow(StateDictLayoutError);
    expect(attempt).toThrow(ModelFormatError);
    expect(attempt).toThrow('The facenet.pt does not match the expected layout: tensor conv.weight has shape [8, 3, 3, 3], expected [8, 3, 5, 5]');
    expect(attempt).toThrow(expect.objectContaining({ code: 'E_MODEL_FORMAT', details: expect.objectContaining({ key: 'conv.weight', kind: 'shape' }) }));
  });

  it('gets float32 data or says why not', () => {
    expect(float32Tensor(stateDict, 'conv.weight')).toHaveLength(216);
    expect(() => float32Tensor(stateDict, 'bn.num_batches_tracked')).toThrow(/is int64, expected float32/u);
    expect(() => float32Tensor(stateDict, 'nope')).toThrow(/missing tensor nope/u);
  });

  it('counts parameters, optionally filtered', () => {
    expect(countParameters(stateDict)).toBe(216 + 1 + 80);
    expect(countParameters(stateDict, (key) => !key.startsWith('logits.'))).toBe(217);
  });
});
