import { describe, expect, it } from 'vitest';
import { l2NormalizeInPlace } from '@pv/core';
import { describeEmbedder, expectPvError, syntheticCrops } from '@pv/testkit';
import { flipHorizontal } from '@pv/vision';
import { FakeRuntime, tensor, type FakeNetwork } from './fake-runtime.fixture.js';
import { OnnxEmbedder } from './onnx-embedder.js';

/** A deterministic fake embedding network: 512 sums of strided input values, plus a constant. */
const stridedSums: FakeNetwork = (inputs) => {
  const input = inputs['input']!.data;
  const out = new Float32Array(512);
  for (let i = 0; i < input.length; i++) out[i % 512]! += (input[i] as number) * ((i % 7) - 3);
  for (let i = 0; i < 512; i++) out[i]! += 0.1;
  return { output: { data: out, dims: [1, 512] } };
};

const openEmbedder = (settings = {}) => OnnxEmbedder.open(new FakeRuntime({ mobilefacenet: stridedSums }), settings);

describeEmbedder('OnnxEmbedder over a fake runner', () => openEmbedder());
describeEmbedder('OnnxEmbedder over a fake runner, flipAugment', () => openEmbedder({ flipAugment: true }));

describe('OnnxEmbedder', () => {
  const [crop] = syntheticCrops(112, 112, 1);

  it('feeds the crop as NCHW RGB (x − 127) / 128 and L2-normalises the output', async () => {
    const runtime = new FakeRuntime({ mobilefacenet: stridedSums });
    const embedder = await OnnxEmbedder.open(runtime);
    const [embedding] = await embedder.embed([crop!]);
    const input = runtime.runners['mobilefacenet']?.calls[0]?.['input'];
    expect(input?.dims).toEqual([1, 3, 112, 112]);
    expect(input?.data[0]).toBeCloseTo(((crop!.data[0] as number) - 127) / 128, 6);
    expect(input?.data[112 * 112]).toBeCloseTo(((crop!.data[1] as number) - 127) / 128, 6);
    expect([...embedding!]).toEqual([...l2NormalizeInPlace(Float32Array.from(stridedSums({ input: input! })['output']!.data))]);
  });

  it('with flipAugment, sums the normalised embeddings of the face and its mirror and renormalises', async () => {
    const plain = await openEmbedder();
    const augmented = await openEmbedder({ flipAugment: true });
    const [face, mirror] = await plain.embed([crop!, flipHorizontal(crop!)]);
    const [tta] = await augmented.embed([crop!]);
    const expected = l2NormalizeInPlace(face!.map((v, i) => v + mirror![i]!));
    for (let i = 0; i < 512; i++) expect(tta![i]).toBeCloseTo(expected[i]!, 6);
  });

  it('reports an output of the wrong length as E_MODEL_FORMAT', async () => {
    const embedder = await OnnxEmbedder.open(new FakeRuntime({ mobilefacenet: () => ({ output: tensor([1, 2, 3]) }) }));
    await expectPvError(embedder.embed([crop!]), 'E_MODEL_FORMAT');
  });
});
