import { InvalidArgumentError, type Embedder, type EmbedderModelInfo, type RgbImage, type ThresholdSpec } from '@pv/core';
import { randomUnitVector, seededRandom } from '../random.js';

/** Options of {@link FakeEmbedder}. */
export interface FakeEmbedderOptions {
  /** Model id. Default `fake-embedder`. */
  readonly id?: string;
  /** Embedding length. Default 16. */
  readonly dimension?: number;
  /** Input crop size. Default 32×32. */
  readonly inputSize?: { readonly width: number; readonly height: number };
  /** Calibrated thresholds. Default cosine 0.4, then l2 √0.8 (the same decision on unit vectors). */
  readonly thresholds?: readonly ThresholdSpec[];
}

/**
 * A deterministic {@link Embedder} for tests: each crop's embedding is a unit vector drawn from a PRNG seeded
 * with a hash of its pixels. Identical crops give identical embeddings; different crops give unrelated,
 * nearly orthogonal ones (cosine distance near 1 at the default dimension). It keeps the whole contract:
 * one embedding per crop in order, unit length, wrong-size crops refused with `E_INVALID_ARGUMENT`.
 */
export class FakeEmbedder implements Embedder {
  readonly model: EmbedderModelInfo;
  /** How many times `embed` was called. */
  calls = 0;
  /** Whether `close` was called; later `embed` calls throw. */
  closed = false;

  constructor(options: FakeEmbedderOptions = {}) {
    const { width, height } = options.inputSize ?? { width: 32, height: 32 };
    this.model = {
      id: options.id ?? 'fake-embedder',
      dimension: options.dimension ?? 16,
      inputSize: { width, height },
      alignment: { kind: 'box-crop', width, height, margin: 0, square: false },
      thresholds: options.thresholds ?? [
        { metric: 'cosine', value: 0.4 },
        { metric: 'l2', value: Math.sqrt(0.8) },
      ],
    };
  }

  async embed(faces: readonly RgbImage[]): Promise<Float32Array[]> {
    if (this.closed) throw new InvalidArgumentError('The FakeEmbedder is closed');
    this.calls++;
    const { width, height } = this.model.inputSize;
    faces.forEach((face, index) => {
      if (face.width !== width || face.height !== height) {
        throw new InvalidArgumentError(`Crop ${index} is ${face.width}x${face.height}, expected ${width}x${height}`, {
          index,
          expected: { width, height },
          actual: { width: face.width, height: face.height },
        });
      }
    });
    return faces.map((face) => randomUnitVector(seededRandom(hashPixels(face)), this.model.dimension));
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

/** 32-bit FNV-1a hash of an image's size and pixels. */
function hashPixels(image: RgbImage): number {
  let hash = 0x811c9dc5;
  const mix = (byte: number): void => {
    hash = Math.imul(hash ^ byte, 0x01000193);
  };
  for (const n of [image.width, image.height]) for (let s = 0; s < 32; s += 8) mix((n >>> s) & 0xff);
  for (const byte of image.data) mix(byte);
  return hash >>> 0;
}
