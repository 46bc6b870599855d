import { InvalidArgumentError, type Box, type FiveLandmarks, type RgbImage } from '@pv/core';
import type { LandmarksModelEntry } from '@pv/models';
import { cropImage, packTensor, pixelBox, reduce68To5, resizeImage } from '@pv/vision';
import ort from 'onnxruntime-node';
import { imageInputSpec, type ImageInputSpec } from './input-spec.js';
import { resolveModel, type ModelSourceOptions } from './model-files.js';
import { openSession, SerialQueue, type OnnxSessionOptions } from './session.js';

/** Options of {@link Landmarks68.create}. */
export interface Landmarks68Options extends OnnxSessionOptions {
  /** Catalog id (default `landmarks68`). */
  readonly model?: string;
  readonly models?: ModelSourceOptions;
}

/**
 * The 68-point landmark model, reduced to the five pipeline landmarks. Feeds it what it was trained on: a
 * square crop centred on the face box with side = the box height (outside the photo: black), shrunk to
 * the input size by area averaging, as BT.601 gray / 256.
 */
export class Landmarks68 {
  readonly #session: ort.InferenceSession;
  readonly #entry: LandmarksModelEntry;
  readonly #input: ImageInputSpec;
  readonly #buffer: Float32Array;
  readonly #queue = new SerialQueue();

  private constructor(session: ort.InferenceSession, entry: LandmarksModelEntry) {
    this.#session = session;
    this.#entry = entry;
    this.#input = imageInputSpec(entry);
    this.#buffer = new Float32Array(this.#input.length);
  }

  /** Opens the model (fetching and verifying its file when needed). */
  static async create(options: Landmarks68Options = {}): Promise<Landmarks68> {
    const { entry, file } = await resolveModel(options.model ?? 'landmarks68', 'landmarks', options.models);
    if (entry.pointCount !== 68) {
      throw new InvalidArgumentError(`Model "${entry.id}" predicts ${entry.pointCount} points, not 68`, { id: entry.id });
    }
    return new Landmarks68(await openSession(entry, file, options), entry);
  }

  /** The square region the model sees for a face box: side = box height, same centre. */
  static cropRegion(box: Box): Box {
    const side = box.height;
    return pixelBox({ x: box.x + box.width / 2 - side / 2, y: box.y + box.height / 2 - side / 2, width: side, height: side });
  }

  /** The five landmarks of the face in `box`, in `image` pixels. */
  locate(image: RgbImage, box: Box): Promise<FiveLandmarks> {
    return this.#queue.run(async () => {
      const region = Landmarks68.cropRegion(box);
      const crop = resizeImage(cropImage(image, region), this.#input.width, this.#input.height, { filter: 'area' });
      packTensor(crop, this.#buffer, 0, this.#input.normalization);
      const feeds = { [this.#input.name]: new ort.Tensor('float32', this.#buffer, [1, this.#input.channels, this.#input.height, this.#input.width]) };
      const outputs = await this.#session.run(feeds);
      const xy = outputs[this.#entry.outputs[0]?.name ?? 'output']?.data as Float32Array;
      return reduce68To5(xy, {
        groups: this.#entry.fivePointIndices,
        transform: [region.width, 0, region.x, 0, region.height, region.y],
      });
    });
  }

  /** Frees the session. */
  async close(): Promise<void> {
    await this.#session.release();
  }
}
