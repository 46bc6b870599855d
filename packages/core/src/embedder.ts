import type { Point, RgbImage } from './image.js';

/**
 * How a face must be cut out of a photo before an embedder sees it.
 *
 * - `similarity-5pt`: a least-squares similarity transform (rotation, uniform scale, translation) maps the
 *   detection's five landmarks onto `template` (coordinates in the output crop); the photo is resampled
 *   bilinearly. Used by ArcFace-style networks (e.g. MobileFaceNet at 112x112).
 * - `box-crop`: the detection box, grown by a total of `margin` pixels of the output scale (half on each side,
 *   as facenet-pytorch does: `margin * boxSize / (outputSize - margin)` source pixels in all), clipped to the
 *   image, and made square first when `square` is
 *   true, is resized to the output size. Used by FaceNet on MTCNN boxes.
 */
export type AlignmentSpec =
  | {
      readonly kind: 'similarity-5pt';
      readonly width: number;
      readonly height: number;
      readonly template: readonly [Point, Point, Point, Point, Point];
    }
  | {
      readonly kind: 'box-crop';
      readonly width: number;
      readonly height: number;
      readonly margin: number;
      readonly square: boolean;
    };

/** A threshold calibrated for one metric: faces closer than `value` are the same person. */
export interface ThresholdSpec {
  /** The {@link Metric.id} the value is expressed in. */
  readonly metric: string;
  /** The decision threshold, in that metric's distance units. */
  readonly value: number;
}

/** What an embedder's model is. */
export interface EmbedderModelInfo {
  /** Stable model id; stores refuse embeddings of another id (e.g. `mobilefacenet`). */
  readonly id: string;
  /** Length of each embedding. */
  readonly dimension: number;
  /** Input crop size in pixels. */
  readonly inputSize: { readonly width: number; readonly height: number };
  /** The alignment the model was trained with. */
  readonly alignment: AlignmentSpec;
  /** Calibrated thresholds, one per supported metric; the first one is the recommended metric. */
  readonly thresholds: readonly ThresholdSpec[];
}

/**
 * Turns aligned face crops into embeddings.
 *
 * Contract (checked by `describeEmbedder` in `@pv/testkit`):
 * - `embed` accepts any number of crops (including zero) of exactly `model.inputSize`, and returns one
 *   `Float32Array` of length `model.dimension` per crop, in the same order;
 * - every embedding is L2-normalised (unit length) and finite;
 * - the output is deterministic: the same crop gives the same embedding, alone or in a batch;
 * - a crop of the wrong size is refused with `E_INVALID_ARGUMENT`;
 * - after `close()` resources are freed; further calls may throw.
 */
export interface Embedder {
  readonly model: EmbedderModelInfo;
  embed(faces: readonly RgbImage[]): Promise<Float32Array[]>;
  close(): Promise<void>;
}
