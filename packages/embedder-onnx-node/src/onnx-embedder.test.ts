import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RgbImage } from '@pv/core';
import { describeEmbedder } from '@pv/testkit';
import { alignFace, flipHorizontal } from '@pv/vision';
import { createImageLoader } from './image-loader.js';
import { OnnxEmbedder } from './onnx-embedder.js';
import { Rfb320Detector } from './rfb320-detector.js';
import { lfwPairs, singleFaceLfw } from './test-data.fixture.js';

/** Aligned 112x112 crops of the single-face LFW photos, made with the real detector. */
async function alignedLfwCrops(embedder: OnnxEmbedder | { model: OnnxEmbedder['model'] }): Promise<RgbImage[]> {
  const detector = await Rfb320Detector.create();
  const images = createImageLoader();
  try {
    const crops: RgbImage[] = [];
    for (const file of singleFaceLfw) {
      const image = await images.load(file);
      const [face] = await detector.detect(image);
      if (!face) throw new Error(`no face in ${file}`);
      crops.push(alignFace(image, face, embedder.model.alignment));
    }
    return crops;
  } finally {
    await detector.close();
  }
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

describeEmbedder('OnnxEmbedder (mobilefacenet)', () => OnnxEmbedder.create(), { crops: (e) => alignedLfwCrops(e) });
describeEmbedder('OnnxEmbedder (mobilefacenet, flipAugment)', () => OnnxEmbedder.create({ flipAugment: true }));

describe('OnnxEmbedder on real faces', () => {
  let embedder: OnnxEmbedder;
  let crops: RgbImage[];
  let embeddings: Float32Array[];

  beforeAll(async () => {
    embedder = await OnnxEmbedder.create();
    crops = await alignedLfwCrops(embedder);
    embeddings = await embedder.embed(crops);
  });
  afterAll(async () => {
    await embedder.close();
  });

  it('describes mobilefacenet: 512-d, 112x112, ArcFace alignment, cosine first', () => {
    expect(embedder.model.id).toBe('mobilefacenet');
    expect(embedder.model.dimension).toBe(512);
    expect(embedder.model.inputSize).toEqual({ width: 112, height: 112 });
    expect(embedder.model.alignment.kind).toBe('similarity-5pt');
    expect(embedder.model.thresholds[0]?.metric).toBe('cosine');
  });

  it('puts every same-person pair closer than every different-person pair', () => {
    const same = lfwPairs.same.map(([a, b]) => dot(embeddings[a]!, embeddings[b]!));
    const different = lfwPairs.different.map(([a, b]) => dot(embeddings[a]!, embeddings[b]!));
    expect(Math.min(...same)).toBeGreaterThan(Math.max(...different));
    // …and on the right side of the prototype's LFW threshold (cosine similarity ≈ 0.28).
    expect(Math.min(...same)).toBeGreaterThan(0.28);
    expect(Math.max(...different)).toBeLessThan(0.28);
  });

  it('with flipAugment, averages the face and its mirror', async () => {
    const augmented = await OnnxEmbedder.create({ flipAugment: true });
    try {
      const [tta] = await augmented.embed([crops[0]!]);
      const [mirror] = await embedder.embed([flipHorizontal(crops[0]!)]);
      const expected = embeddings[0]!.map((v, i) => v + mirror![i]!);
      const norm = Math.hypot(...expected);
      for (let i = 0; i < 512; i++) expect(tta![i]).toBeCloseTo(expected[i]! / norm, 5);
      // The mirror of a face is still that face.
      expect(dot(embeddings[0]!, mirror!)).toBeGreaterThan(0.5);
    } finally {
      await augmented.close();
    }
  });
});
