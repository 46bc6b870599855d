import type { Box, FaceDetection, FaceDetector, RgbImage } from '@pv/core';
import { nonMaxSuppression, packTensor, resizeImage } from '@pv/vision';
import { imageInputSpec, type ImageInputSpec } from './input-spec.js';
import { Landmarks68, type Landmarks68Settings } from './landmarks68.js';
import { buildOrClose, type ModelRuntime, type OpenedModel } from './model-runtime.js';
import { SerialQueue } from './serial-queue.js';
import { outputValues, type TensorRunner } from './tensor-runner.js';

/** How the RFB-320 detector selects faces among the network's candidate boxes. */
export interface Rfb320Settings {
  /** Minimum face score (default 0.65). */
  readonly scoreThreshold?: number;
  /**
   * When no box reaches `scoreThreshold`, boxes down to this score are tried before giving up (default 0.3;
   * set it equal to `scoreThreshold` to disable the retry).
   */
  readonly fallbackScoreThreshold?: number;
  /** Boxes overlapping a better one by more than this IoU are dropped (default 0.4). */
  readonly iouThreshold?: number;
  /** At most this many faces per photo, best first (default 200). */
  readonly maxFaces?: number;
}

/** What {@link Rfb320Detector.open} opens, and how the detector selects faces. */
export interface Rfb320OpenSettings extends Rfb320Settings {
  /** Catalog id of the detector (default `rfb320`). */
  readonly model?: string;
  /** Which landmark model to open (default catalog id `landmarks68`). */
  readonly landmarks?: Landmarks68Settings;
}

/** A class that builds an {@link Rfb320Detector} (or a subclass) over an opened detector and landmark model. */
export type Rfb320DetectorClass<D extends Rfb320Detector> = new (
  detector: OpenedModel<'detector'>,
  landmarks: Landmarks68,
  settings?: Rfb320Settings,
) => D;

/** A face box and its score, before landmarks. */
export interface ScoredBox {
  readonly box: Box;
  readonly score: number;
}

/**
 * `@pv/core`'s {@link FaceDetector} over Ultra-Light-Fast-Generic-Face-Detector RFB-320 plus the 68-point
 * landmark model: the photo is resized to 320x240 (aspect not kept), scored, thresholded and cleaned by
 * score-sorted IoU NMS; then each face gets five landmarks from {@link Landmarks68}. The network's outputs
 * are already decoded corner-form boxes in [0, 1], so no prior boxes are involved.
 */
export class Rfb320Detector implements FaceDetector {
  readonly id: string;
  readonly #runner: TensorRunner;
  readonly #landmarks: Landmarks68;
  readonly #input: ImageInputSpec;
  readonly #buffer: Float32Array;
  readonly #queue = new SerialQueue();
  readonly #scoreThreshold: number;
  readonly #fallbackScoreThreshold: number;
  readonly #iouThreshold: number;
  readonly #maxFaces: number;

  /**
   * Wraps an opened detector model and landmark model (usually {@link Rfb320Detector.open} does this); the
   * detector owns both from now on. Throws `E_MODEL_FORMAT` unless the detector takes a fixed-size NCHW image.
   */
  constructor(detector: OpenedModel<'detector'>, landmarks: Landmarks68, settings: Rfb320Settings = {}) {
    this.id = detector.entry.id;
    this.#runner = detector.runner;
    this.#landmarks = landmarks;
    this.#input = imageInputSpec(detector.entry);
    this.#buffer = new Float32Array(this.#input.length);
    this.#scoreThreshold = settings.scoreThreshold ?? 0.65;
    this.#fallbackScoreThreshold = Math.min(settings.fallbackScoreThreshold ?? 0.3, this.#scoreThreshold);
    this.#iouThreshold = settings.iouThreshold ?? 0.4;
    this.#maxFaces = settings.maxFaces ?? 200;
  }

  /**
   * Opens the detector on `runtime` and the landmark model on `landmarksRuntime` (default: the same
   * runtime). Whatever was opened is closed again when a later step fails.
   */
  static async open<D extends Rfb320Detector>(
    this: Rfb320DetectorClass<D>,
    runtime: ModelRuntime,
    settings: Rfb320OpenSettings = {},
    landmarksRuntime: ModelRuntime = runtime,
  ): Promise<D> {
    const detector = await runtime.open(settings.model ?? 'rfb320', 'detector');
    return buildOrClose(detector, async (opened) => {
      const landmarks = await Landmarks68.open(landmarksRuntime, settings.landmarks);
      try {
        return new this(opened, landmarks, settings);
      } catch (error) {
        await landmarks.close();
        throw error;
      }
    });
  }

  /** Faces in `image`, best score first, boxes clipped to the image, with five landmarks each. */
  async detect(image: RgbImage): Promise<FaceDetection[]> {
    const boxes = await this.detectBoxes(image);
    const faces: FaceDetection[] = [];
    for (const { box, score } of boxes) {
      const landmarks = await this.#landmarks.locate(image, box);
      faces.push({ box: clipBox(box, image.width, image.height), score, landmarks });
    }
    return faces;
  }

  /** Face boxes and scores only (no landmarks), best first, in image pixels, not clipped. */
  detectBoxes(image: RgbImage): Promise<ScoredBox[]> {
    return this.#queue.run(async () => {
      const { name, channels, width, height, normalization } = this.#input;
      packTensor(resizeImage(image, width, height, { filter: 'area' }), this.#buffer, 0, normalization);
      const outputs = await this.#runner.run({ [name]: { data: this.#buffer, dims: [1, channels, height, width] } });
      // Output names as the catalog entry lists them (checked when the model was opened).
      const scores = outputValues(outputs, 'scores', this.id);
      const corners = outputValues(outputs, 'boxes', this.id, 2 * scores.length);
      let found = this.#select(scores, corners, image, this.#scoreThreshold);
      if (found.length === 0 && this.#fallbackScoreThreshold < this.#scoreThreshold) {
        found = this.#select(scores, corners, image, this.#fallbackScoreThreshold);
      }
      return found;
    });
  }

  #select(scores: Float32Array, corners: Float32Array, image: RgbImage, threshold: number): ScoredBox[] {
    const boxes: Box[] = [];
    const kept: number[] = [];
    const count = scores.length / 2;
    for (let i = 0; i < count; i++) {
      const score = scores[2 * i + 1] as number;
      if (!(score >= threshold)) continue;
      const x1 = (corners[4 * i] as number) * image.width;
      const y1 = (corners[4 * i + 1] as number) * image.height;
      const x2 = (corners[4 * i + 2] as number) * image.width;
      const y2 = (corners[4 * i + 3] as number) * image.height;
      if (!(x2 > x1 && y2 > y1)) continue;
      boxes.push({ x: x1, y: y1, width: x2 - x1, height: y2 - y1 });
      kept.push(score);
    }
    return nonMaxSuppression(boxes, kept, { iouThreshold: this.#iouThreshold, maxOutput: this.#maxFaces }).map((i) => ({
      box: boxes[i] as Box,
      score: kept[i] as number,
    }));
  }

  /** Frees both models. */
  async close(): Promise<void> {
    await Promise.all([this.#runner.close(), this.#landmarks.close()]);
  }
}

function clipBox(box: Box, width: number, height: number): Box {
  const x1 = Math.max(0, box.x);
  const y1 = Math.max(0, box.y);
  const x2 = Math.min(width, box.x + box.width);
  const y2 = Math.min(height, box.y + box.height);
  return { x: x1, y: y1, width: Math.max(0, x2 - x1), height: Math.max(0, y2 - y1) };
}
