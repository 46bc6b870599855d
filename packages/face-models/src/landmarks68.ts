import { InvalidArgumentError, type Box, type FiveLandmarks, type Point, type RgbImage } from '@pv/core';
import type { LandmarksModelEntry } from '@pv/models';
import { cropImage, packTensor, pixelBox, reduce68To5, resizeImage } from '@pv/vision';
import { imageInputSpec, type ImageInputSpec } from './input-spec.js';
import { buildOrClose, type ModelRuntime, type OpenedModel } from './model-runtime.js';
import { SerialQueue } from './serial-queue.js';
import { outputValues, type TensorRunner } from './tensor-runner.js';

/** Which landmark model {@link Landmarks68.open} opens. */
export interface Landmarks68Settings {
  /** Catalog id (default `landmarks68`). */
  readonly model?: string;
}

/** A class that builds a {@link Landmarks68} (or a subclass) over an opened landmark model. */
export type Landmarks68Class<L extends Landmarks68> = new (model: OpenedModel<'landmarks'>) => L;

/**
 * The 68-point landmark model, reduced to the five pipeline landmarks. Feeds it what it was trained on: a
 * square crop centred on the face box with side = the box height (outside the photo: black), shrunk to
 * the input size by area averaging, as BT.601 gray / 256.
 */
export class Landmarks68 {
  readonly #runner: TensorRunner;
  readonly #entry: LandmarksModelEntry;
  readonly #input: ImageInputSpec;
  readonly #outputName: string;
  readonly #buffer: Float32Array;
  readonly #queue = new SerialQueue();

  /**
   * Wraps an opened landmark model (usually {@link Landmarks68.open} does this). Throws `E_INVALID_ARGUMENT`
   * unless it predicts 68 points, `E_MODEL_FORMAT` unless it takes a fixed-size NCHW image.
   */
  constructor(model: OpenedModel<'landmarks'>) {
    const { entry, runner } = model;
    if (entry.pointCount !== 68) {
      throw new InvalidArgumentError(`Model "${entry.id}" predicts ${entry.pointCount} points, not 68`, { id: entry.id });
    }
    this.#runner = runner;
    this.#entry = entry;
    this.#input = imageInputSpec(entry);
    this.#outputName = entry.outputs[0]?.name ?? 'output';
    this.#buffer = new Float32Array(this.#input.length);
  }

  /** Opens the landmark model on `runtime` (the runner is closed again when the model does not suit). */
  static async open<L extends Landmarks68>(this: Landmarks68Class<L>, runtime: ModelRuntime, settings: Landmarks68Settings = {}): Promise<L> {
    const model = await runtime.open(settings.model ?? 'landmarks68', 'landmarks');
    return buildOrClose(model, (opened) => new this(opened));
  }

  /** The square region the model sees for a face box: side = box height, same centre. */
  static cropRegion(box: Box): Box {
    const side = box.height;
    return pixelBox({ x: box.x + box.width / 2 - side / 2, y: box.y + box.height / 2 - side / 2, width: side, height: side });
  }

  /** The five landmarks of the face in `box`, in `image` pixels. */
  async locate(image: RgbImage, box: Box): Promise<FiveLandmarks> {
    const { xy, region } = await this.#run(image, box);
    return reduce68To5(xy, {
      groups: this.#entry.fivePointIndices,
      transform: [region.width, 0, region.x, 0, region.height, region.y],
    });
  }

  /** All 68 points of the face in `box` (zero-based iBUG order), in `image` pixels. */
  async points(image: RgbImage, box: Box): Promise<Point[]> {
    const { xy, region } = await this.#run(image, box);
    const out: Point[] = [];
    for (let i = 0; i < this.#entry.pointCount; i++) {
      out.push({ x: region.x + xy[2 * i]! * region.width, y: region.y + xy[2 * i + 1]! * region.height });
    }
    return out;
  }

  #run(image: RgbImage, box: Box): Promise<{ xy: Float32Array; region: Box }> {
    return this.#queue.run(async () => {
      const { name, channels, width, height, normalization } = this.#input;
      const region = Landmarks68.cropRegion(box);
      packTensor(resizeImage(cropImage(image, region), width, height, { filter: 'area' }), this.#buffer, 0, normalization);
      const outputs = await this.#runner.run({ [name]: { data: this.#buffer, dims: [1, channels, height, width] } });
      return { xy: outputValues(outputs, this.#outputName, this.#entry.id, 2 * this.#entry.pointCount), region };
    });
  }

  /** Frees the model. */
  close(): Promise<void> {
    return this.#runner.close();
  }
}
