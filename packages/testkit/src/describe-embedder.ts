import { createRgbImage, type Embedder, type RgbImage } from '@pv/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectPvError } from './expect-pv-error.js';
import { syntheticCrops } from './synthetic-crops.js';

/** Makes the embedder under test; called once per suite and closed after it. */
export type EmbedderFactory = () => Embedder | Promise<Embedder>;

/** Options of {@link describeEmbedder}. */
export interface DescribeEmbedderOptions {
  /**
   * Sample crops of exactly the model's input size (at least two, giving different embeddings), e.g. aligned
   * faces from test data. Default: three {@link syntheticCrops}.
   */
  readonly crops?: readonly RgbImage[] | ((embedder: Embedder) => Promise<readonly RgbImage[]>);
  /** Absolute per-element tolerance when comparing embeddings of the same crop. Default `1e-5`. */
  readonly tolerance?: number;
  /** Tolerance of `|‖v‖ − 1|`. Default `1e-4`. */
  readonly normTolerance?: number;
}

/**
 * Registers a vitest suite that checks an {@link Embedder} against the Embedder contract of `@pv/core`:
 * model info, one finite unit-length embedding of `model.dimension` per crop in input order (empty batch
 * included), the same embedding alone and in a batch, wrong-size crops refused with `E_INVALID_ARGUMENT`,
 * inputs left unchanged, and `close()`.
 *
 * @example
 * ```ts
 * describeEmbedder('MobileFaceNet', () => createMobileFaceNetEmbedder(), { crops: alignedLfwCrops });
 * ```
 */
export function describeEmbedder(name: string, factory: EmbedderFactory, options: DescribeEmbedderOptions = {}): void {
  const tolerance = options.tolerance ?? 1e-5;
  const normTolerance = options.normTolerance ?? 1e-4;

  describe(`Embedder conformance: ${name}`, () => {
    let embedder: Embedder;
    let crops: readonly RgbImage[];
    let alone: Float32Array[];

    beforeAll(async () => {
      embedder = await factory();
      const { width, height } = embedder.model.inputSize;
      crops =
        options.crops === undefined
          ? syntheticCrops(width, height, 3)
          : typeof options.crops === 'function'
            ? await options.crops(embedder)
            : options.crops;
      alone = [];
      for (const crop of crops) alone.push(...(await embedder.embed([crop])));
    });

    afterAll(async () => {
      await embedder?.close();
    });

    const expectSameEmbedding = (actual: Float32Array | undefined, expected: Float32Array | undefined, what: string): void => {
      expect(actual, what).toBeInstanceOf(Float32Array);
      expect(actual?.length, what).toBe(expected?.length);
      let worst = 0;
      for (let i = 0; i < (expected?.length ?? 0); i++) {
        worst = Math.max(worst, Math.abs((actual?.[i] as number) - (expected?.[i] as number)));
      }
      expect(worst, `${what}: largest element difference`).toBeLessThanOrEqual(tolerance);
    };

    it('describes its model', () => {
      const { model } = embedder;
      expect(typeof model.id).toBe('string');
      expect(model.id.length).toBeGreaterThan(0);
      expect(Number.isInteger(model.dimension) && model.dimension > 0).toBe(true);
      const { width, height } = model.inputSize;
      expect(Number.isInteger(width) && width > 0 && Number.isInteger(height) && height > 0).toBe(true);
      expect({ width: model.alignment.width, height: model.alignment.height }).toEqual({ width, height });
      expect(model.thresholds.length).toBeGreaterThan(0);
      for (const t of model.thresholds) {
        expect(t.metric.length).toBeGreaterThan(0);
        expect(Number.isFinite(t.value)).toBe(true);
      }
    });

    it('has sample crops of the input size that give different embeddings', () => {
      expect(crops.length).toBeGreaterThanOrEqual(2);
      for (const crop of crops) {
        expect({ width: crop.width, height: crop.height }).toEqual(embedder.model.inputSize);
      }
      const first = alone[0] as Float32Array;
      expect(alone.some((e) => e.some((x, i) => x !== first[i])), 'all sample crops gave the same embedding').toBe(true);
    });

    it('returns nothing for an empty batch', async () => {
      expect(await embedder.embed([])).toEqual([]);
    });

    it('returns one finite, unit-length Float32Array of model.dimension per crop', () => {
      expect(alone).toHaveLength(crops.length);
      for (const e of alone) {
        expect(e).toBeInstanceOf(Float32Array);
        expect(e.length).toBe(embedder.model.dimension);
        expect(e.every(Number.isFinite)).toBe(true);
        let sum = 0;
        for (const x of e) sum += x * x;
        expect(Math.abs(Math.sqrt(sum) - 1)).toBeLessThanOrEqual(normTolerance);
      }
    });

    it('gives each crop the same embedding alone and in a batch, in input order', async () => {
      const batch = await embedder.embed(crops);
      expect(batch).toHaveLength(crops.length);
      batch.forEach((e, i) => expectSameEmbedding(e, alone[i], `crop ${i} in a batch`));
      const reversed = await embedder.embed([...crops].reverse());
      reversed.forEach((e, i) => expectSameEmbedding(e, alone[crops.length - 1 - i], `crop ${crops.length - 1 - i} in a reversed batch`));
    });

    it('is deterministic, also for a crop repeated within a batch', async () => {
      const crop = crops[0] as RgbImage;
      const [again] = await embedder.embed([crop]);
      expectSameEmbedding(again, alone[0], 'second call');
      const twice = await embedder.embed([crop, crops[1] as RgbImage, crop]);
      expectSameEmbedding(twice[0], alone[0], 'first copy');
      expectSameEmbedding(twice[2], alone[0], 'second copy');
    });

    it('leaves the crops unchanged', async () => {
      const copies = crops.map((c) => Uint8Array.from(c.data));
      await embedder.embed(crops);
      crops.forEach((c, i) => expect(c.data).toEqual(copies[i]));
    });

    it('refuses a crop of the wrong size with E_INVALID_ARGUMENT', async () => {
      const { width, height } = embedder.model.inputSize;
      const wrongSizes = [
        [width + 1, height],
        [width, Math.max(1, height - 1)],
        [Math.max(1, Math.floor(width / 2)), Math.max(1, Math.floor(height / 2))],
      ] as const;
      for (const [w, h] of wrongSizes) {
        await expectPvError(embedder.embed([createRgbImage(w, h)]), 'E_INVALID_ARGUMENT');
      }
      await expectPvError(embedder.embed([crops[0] as RgbImage, createRgbImage(width + 1, height)]), 'E_INVALID_ARGUMENT');
    });
  });
}
