import { decodeModel } from '@pv/onnx-writer';
import type { Tensor } from '@pv/torch-checkpoint';
import { describe, expect, it } from 'vitest';
import { buildInceptionResnetV1Onnx } from './build-onnx.js';
import { syntheticInceptionResnetV1Entries, toStateDict } from './synthetic-weights.fixture.js';

describe('buildInceptionResnetV1Onnx refuses state dicts of another layout, naming the first mismatch', () => {
  const entries = syntheticInceptionResnetV1Entries();

  it('a missing key', () => {
    const stateDict = new Map(toStateDict(entries));
    stateDict.delete('repeat_2.3.branch1.1.conv.weight');
    expect(() => buildInceptionResnetV1Onnx(stateDict, { normalization: 'fixed' })).toThrow(
      'The InceptionResnetV1 state dict does not match the expected layout: missing tensor repeat_2.3.branch1.1.conv.weight (expected shape [128, 128, 1, 7])',
    );
  });

  it('a wrong shape', () => {
    const stateDict = new Map(toStateDict(entries));
    const bad: Tensor = { pickleType: 'torch.Tensor', dtype: 'float32', shape: [512, 1536], data: new Float32Array(512 * 1536) };
    stateDict.set('last_linear.weight', bad);
    expect(() => buildInceptionResnetV1Onnx(stateDict, { normalization: 'fixed' })).toThrow(
      expect.objectContaining({ code: 'E_MODEL_FORMAT', message: expect.stringContaining('tensor last_linear.weight has shape [512, 1536], expected [512, 1792]') }),
    );
  });

  it('an unexpected key (e.g. another network)', () => {
    const stateDict = new Map(toStateDict(entries));
    stateDict.set('fc.weight', { pickleType: 'torch.Tensor', dtype: 'float32', shape: [2], data: new Float32Array(2) });
    expect(() => buildInceptionResnetV1Onnx(stateDict, { normalization: 'fixed' })).toThrow(/unexpected tensor fc\.weight of shape \[2\]/u);
  });

  it('writes the normalisation and caller metadata into the model', () => {
    const model = decodeModel(buildInceptionResnetV1Onnx(toStateDict(entries), { normalization: 'prewhiten', metadata: { source_sha256: 'abc' } }));
    expect(model.metadataProps.map((p) => [p.key, p.value])).toEqual([
      ['normalization', 'prewhiten'],
      ['source_sha256', 'abc'],
    ]);
    const ops = new Set(model.graph?.node?.map((n) => n.opType));
    expect(ops.has('BatchNormalization')).toBe(false); // folded
    expect(model.graph?.node?.filter((n) => n.opType === 'Conv')).toHaveLength(132);
  });
});
