import type { RgbImage } from '@pv/core';
import { countParameters, readStateDict, type StateDict } from '@pv/torch-checkpoint';
import { writeCheckpoint } from '@pv/torch-checkpoint/testing';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { referenceEmbedding, referenceInput } from '../reference/forward.fixture.js';
import { alignedFace, toPixelBatch } from '../test-images.fixture.js';
import { buildInceptionResnetV1Onnx, FACENET_INPUT_NAME, FACENET_OUTPUT_NAME } from './build-onnx.js';
import type { FacenetNormalization } from './normalization.js';
import { syntheticInceptionResnetV1Entries } from './synthetic-weights.fixture.js';

const SLOW = 240_000;

async function embedWithOnnx(model: Uint8Array, faces: readonly RgbImage[]): Promise<Float32Array[]> {
  const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  try {
    const input = new ort.Tensor('float32', toPixelBatch(faces), [faces.length, 3, 160, 160]);
    const output = (await session.run({ [FACENET_INPUT_NAME]: input }))[FACENET_OUTPUT_NAME] as ort.Tensor;
    expect(output.dims).toEqual([faces.length, 512]);
    const data = output.data as Float32Array;
    return faces.map((_, i) => data.slice(i * 512, (i + 1) * 512));
  } finally {
    await session.release();
  }
}

/** Bit-for-bit equality of two typed arrays (fast on millions of elements). */
function sameBytes(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;
}

function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs((a[i] as number) - (b[i] as number)));
  return max;
}

describe('Inception-ResNet-v1 from a synthetic facenet-pytorch checkpoint, ONNX vs an independent TypeScript forward pass', () => {
  const entries = syntheticInceptionResnetV1Entries({ logitsClasses: 7 });
  const readBack = new Map<'legacy' | 'zip', StateDict>();
  let faces: RgbImage[] = [];

  beforeAll(async () => {
    readBack.set('legacy', readStateDict(writeCheckpoint(entries, { format: 'legacy', layout: 'column-major' })));
    readBack.set('zip', readStateDict(writeCheckpoint(entries, { format: 'zip', layout: 'shared' })));
    faces = [await alignedFace('angelina_jolie'), await alignedFace('paul_rudd')];
  }, SLOW);

  it('reads back every key, shape and value from both serialisations', () => {
    for (const [format, stateDict] of readBack) {
      expect([...stateDict.keys()], format).toEqual(entries.map((e) => e.key));
      for (const entry of entries) {
        const tensor = stateDict.get(entry.key);
        expect(tensor?.shape, entry.key).toEqual(entry.shape);
        expect(tensor !== undefined && sameBytes(tensor.data, entry.data), entry.key).toBe(true);
      }
      const parameters = countParameters(stateDict, (key) => !key.startsWith('logits.') && !/running_|num_batches/u.test(key));
      console.info(`${format}: ${stateDict.size} tensors, ${parameters} trainable parameters without logits`);
      expect(parameters).toBe(23_482_624);
    }
  });

  for (const [format, normalization] of [
    ['legacy', 'fixed'],
    ['zip', 'prewhiten'],
  ] as ['legacy' | 'zip', FacenetNormalization][]) {
    it(
      `converts the ${format} checkpoint (${normalization} normalisation) and matches the reference within 1e-4`,
      async () => {
        const stateDict = readBack.get(format) as StateDict;
        const model = buildInceptionResnetV1Onnx(stateDict, { normalization });
        const batch = await embedWithOnnx(model, faces);
        const single = await embedWithOnnx(model, [faces[1] as RgbImage]);
        expect(maxAbsDifference(single[0] as Float32Array, batch[1] as Float32Array)).toBeLessThan(1e-5);

        const reference = referenceEmbedding(stateDict, referenceInput(faces[0] as RgbImage, normalization));
        const difference = maxAbsDifference(batch[0] as Float32Array, reference);
        console.info(`${format}/${normalization}: max |onnx - reference| = ${difference.toExponential(2)}`);
        expect(difference).toBeLessThan(1e-4);

        const norm = Math.hypot(...(batch[0] as Float32Array));
        expect(norm).toBeCloseTo(1, 5);
        // Not a degenerate network: the two faces get clearly different embeddings.
        expect(maxAbsDifference(batch[0] as Float32Array, batch[1] as Float32Array)).toBeGreaterThan(1e-3);
      },
      SLOW,
    );
  }
});
