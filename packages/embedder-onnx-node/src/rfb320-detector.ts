import type { Box, FaceDetection, FaceDetector, RgbImage } from '@pv/core';
import { nonMaxSuppression, packTensor, resizeImage } from '@pv/vision';
import ort from 'onnxruntime-node';
import { imageInputSpec, type ImageInputSpec } from './input-spec.js';
import { Landmarks68, type Landmarks68Options } from './landmarks68.js';
import { resolveModel, type ModelSourceOptions } from './model-files.js';
import { openSession, SerialQueue, type OnnxSessionOptions } from './session.js';

/** Options of {@link Rfb320Detector.create}. */
export interface Rfb320DetectorOptions extends OnnxSessionOptions {
  /** Catalog id of the detector (default `rfb320`). */
  readonly model?: string;
  /** Options of the landmark model (default: catalog id `landmarks68`, same session options). */
  readonly landmarks?: Landmarks68Options;
  readonly models?: ModelSourceOptions;
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

/**
 * `@pv/core`'s {@link FaceDetector} over Ultra-Light-Fast-Generic-Face-Detector RFB-320 plus the 68-point
 * landmark model: the photo is resized to 320x240 (aspect not kept), scored, thresholded and cleaned by
 * score-sorted IoU NMS; then each face gets five landmarks from {@link Landmarks68}. The network's outputs
 * are already decoded corner-form boxes in [0, 1], so no prior boxes are involved.
 */
export class Rfb320Detector implements FaceDetector {
  readonly id: string;
  readonly #session: ort.InferenceSession;
  readonly #landmarks: Landmarks68;
  readonly #input: ImageInputSpec;
  readonly #buffer: Float32Array;
  readonly #queue = new SerialQueue();
  readonly #scoreThreshold: number;
  readonly #fallbackScoreThreshold: number;
  readonly #iouThreshold: number;
  readonly #maxFaces: number;

  private constructor(
    id: string,
    session: ort.InferenceSession,
    landmarks: Landmarks68,
    input: ImageInputSpec,
    options: Rfb320DetectorOptions,
  ) {
    this.id = id;
    this.#session = session;
    this.#landmarks = landmarks;
    this.#input = input;
    this.#buffer = new Float32Array(input.length);
    this.#scoreThreshold = options.scoreThreshold ?? 0.65;
    this.#fallbackScoreThreshold = Math.min(options.fallbackScoreThreshold ?? 0.3, this.#scoreThreshold);
    this.#iouThreshold = options.iouThreshold ?? 0.4;
    this.#maxFaces = options.maxFaces ?? 200;
  }

  /** Opens the detector and landmark models (fetching and verifying their files when needed). */
  static async create(options: Rfb320DetectorOptions = {}): Promise<Rfb320Detector> {
    const { entry, file } = await resolveModel(options.model ?? 'rfb320', 'detector', options.models);
    const input = imageInputSpec(entry);
    const session = await openSession(entry, file, options);
    try {
      const landmarks = await Landmarks68.create({
        intraOpNumThreads: options.intraOpNumThreads,
        interOpNumThreads: options.interOpNumThreads,
        executionMode: options.executionMode,
        allowSpinning: options.allowSpinning,
        graphOptimizationLevel: options.graphOptimizationLevel,
        ...options.landmarks,
        models: options.landmarks?.models ?? options.models,
      } satisfies Landmarks68Options);
      return new Rfb320Detector(entry.id, session, landmarks, input, options);
    } catch (error) {
      await session.release();
      throw error;
    }
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
  detectBoxes(image: RgbImage): Promise<{ box: Box; score: number }[]> {
    return this.#queue.run(async () => {
      const { width, height, name } = this.#input;
      packTensor(resizeImage(image, width, height, { filter: 'area' }), this.#buffer, 0, this.#input.normalization);
      const outputs = await this.#session.run({ [name]: new ort.Tensor('float32', this.#buffer, [1, 3, height, width]) });
      // Output names as the catalog entry lists them (checked when the session was opened).
      const scores = outputs['scores']?.data as Float32Array;
      const corners = outputs['boxes']?.data as Float32Array;
      let found = this.#select(scores, corners, image, this.#scoreThreshold);
      if (found.length === 0 && this.#fallbackScoreThreshold < this.#scoreThreshold) {
        found = this.#select(scores, corners, image, this.#fallbackScoreThreshold);
      }
      return found;
    });
  }

  #select(scores: Float32Array, corners: Float32Array, image: RgbImage, threshold: number): { box: Box; score: number }[] {
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

  /** Frees both sessions. */
  async close(): Promise<void> {
    await Promise.all([this.#session.release(), this.#landmarks.close()]);
  }
}

function clipBox(box: Box, width: number, height: number): Box {
  const x1 = Math.max(0, box.x);
  const y1 = Math.max(0, box.y);
  const x2 = Math.min(width, box.x + box.width);
  const y2 = Math.min(height, box.y + box.height);
  return { x: x1, y: y1, width: Math.max(0, x2 - x1), height: Math.max(0, y2 - y1) };
}
