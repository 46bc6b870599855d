import type { AlignmentSpec, ThresholdSpec } from '@pv/core';

/** What a model does in the pipeline. */
export type ModelTask = 'detector' | 'landmarks' | 'embedder' | 'analysis';

/** A file inside a package published on the npm registry, pinned by hashes. */
export interface NpmModelSource {
  readonly kind: 'npm';
  /** The npm package name, e.g. `faceplugin-face-recognition-js`. */
  readonly package: string;
  /** The exact package version (never a range). */
  readonly version: string;
  /** The tarball's Subresource Integrity string as the registry publishes it (`sha512-…`, base64). */
  readonly integrity: string;
  /** The file's path inside the package, relative to the package root (the tarball's first folder), with `/`. */
  readonly path: string;
  /** SHA-256 of the file, lowercase hex. */
  readonly sha256: string;
  /** Size of the file in bytes. */
  readonly size: number;
}

/**
 * The original weights a local model file was converted from, as recorded when it was imported. A record
 * of provenance (which file, byte for byte, the model came from): it is not needed, read or checked at run
 * time.
 */
export interface OriginalWeights {
  /** The original file as it was imported (the path the importer was given, made absolute). */
  readonly file: string;
  /** SHA-256 of the original file, lowercase hex. */
  readonly sha256: string;
  /** Size of the original file in bytes. */
  readonly size: number;
  /** Its format, e.g. `pytorch-zip` or `pytorch-legacy` (the two `torch.save` formats). */
  readonly format: string;
  /** Where the original file was downloaded from, when pv fetched it (`pv models fetch`); absent for files the user gave. */
  readonly url?: string;
}

/**
 * A file the user provides (for example converted weights). It is never downloaded; it is only checked
 * against its hash and size.
 */
export interface LocalModelSource {
  readonly kind: 'local';
  /** The file: absolute, or relative to the models cache directory. */
  readonly file: string;
  /** SHA-256 of the file, lowercase hex. */
  readonly sha256: string;
  /** Size of the file in bytes. */
  readonly size: number;
  /** The weights the file was converted from, when an importer converted it (e.g. `importFacenet`). */
  readonly convertedFrom?: OriginalWeights;
  /** For a model quantized by `@pv/quantize`: the calibration set its activation ranges were measured on. */
  readonly calibration?: CalibrationRecord;
}

/**
 * The calibration set of a quantized model, as recorded when it was quantized (provenance only: not read
 * or checked at run time).
 */
export interface CalibrationRecord {
  /** How many image files were read. */
  readonly images: number;
  /** How many model inputs they gave (faces for an embedder, photos for a detector). */
  readonly samples: number;
  /** SHA-256 (lowercase hex) of the sorted SHA-256 hex digests of the image files, one per line. */
  readonly sha256: string;
  /** Where the images came from, in words (e.g. a folder, or the demo photos' package). */
  readonly origin: string;
}

/** A file inside an npm package, pinned by its size and SHA-256. */
export interface PinnedPackageFile {
  /** The file's path inside the package, relative to the package root, with `/`. */
  readonly path: string;
  /** SHA-256 of the file, lowercase hex. */
  readonly sha256: string;
  /** Size of the file in bytes. */
  readonly size: number;
}

/**
 * A model file built on first use from files of a package published on the npm registry (for example tfjs
 * weights converted to ONNX). The package files are fetched and verified like an {@link NpmModelSource}'s,
 * then handed to the {@link ModelConverter} registered under `converter`, whose output must have `sha256`
 * and `size`: converters are deterministic, so the built file is pinned like a downloaded one.
 */
export interface ConvertedNpmModelSource {
  readonly kind: 'npm-converted';
  /** The npm package name, e.g. `@vladmandic/face-api`. */
  readonly package: string;
  /** The exact package version (never a range). */
  readonly version: string;
  /** The tarball's Subresource Integrity string as the registry publishes it (`sha512-…`, base64). */
  readonly integrity: string;
  /** The package files the converter reads, in the order it receives them. */
  readonly files: readonly PinnedPackageFile[];
  /** Id of the converter that builds the model file (e.g. `face-api-dlib-resnet`). */
  readonly converter: string;
  /** File name of the built model in the cache (no folders). */
  readonly file: string;
  /** SHA-256 of the built file, lowercase hex. */
  readonly sha256: string;
  /** Size of the built file in bytes. */
  readonly size: number;
}

/** One package file handed to a {@link ModelConverter}. */
export interface ConverterInputFile {
  /** The file's path inside the package, as the source lists it. */
  readonly path: string;
  readonly bytes: Uint8Array;
}

/**
 * Builds a model file from the verified files of a {@link ConvertedNpmModelSource}, given in the source's
 * order. Must be deterministic: the same files always give the same bytes.
 */
export type ModelConverter = (files: readonly ConverterInputFile[]) => Uint8Array | Promise<Uint8Array>;

/** Where a model's file comes from. */
export type ModelSource = NpmModelSource | LocalModelSource | ConvertedNpmModelSource;

/**
 * How pixel values become tensor values, channel by channel: `value = (pixel - mean[c]) / std[c]`, with
 * pixels in 0..255. `mean` and `std` have one value per input channel (one for gray inputs).
 */
export interface Normalisation {
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

/** Channel content of an input tensor. `gray` is the luma of RGB with BT.601 weights 0.299, 0.587, 0.114. */
export type ColourOrder = 'rgb' | 'bgr' | 'gray';

/** An input tensor of a model. */
export interface ModelInput {
  /** The tensor name in the graph. */
  readonly name: string;
  /** The tensor shape; -1 marks a dynamic dimension, a fixed leading 1 means the graph only accepts batches of one. */
  readonly shape: readonly number[];
  /** Dimension order of {@link ModelInput.shape}. */
  readonly layout: 'NCHW' | 'NHWC';
  readonly colour: ColourOrder;
  readonly normalisation: Normalisation;
  /** How the image is brought to the input size (resizing, cropping), in words. */
  readonly preparation: string;
}

/** An output tensor of a model. */
export interface ModelOutput {
  /** The tensor name in the graph. */
  readonly name: string;
  /** The tensor shape; -1 marks a dynamic dimension. */
  readonly shape: readonly number[];
  /** What the values mean, in words. */
  readonly meaning: string;
}

/** Whether thresholds were measured by the evaluation tooling or are an estimate awaiting calibration. */
export type ThresholdStatus = 'provisional' | 'calibrated';

/** Where an embedder's thresholds were calibrated (see {@link EmbedderModelEntry.calibratedOn}). */
export interface ThresholdCalibration {
  /** The labelled pairs' name, e.g. `lfw-fold1` (fold 1 of LFW's View 2). */
  readonly dataset: string;
  /** How many labelled pairs the thresholds were chosen on. */
  readonly pairs: number;
}

/** Fields every catalog entry has. */
export interface ModelEntryBase {
  /** Stable model id, e.g. `mobilefacenet`. */
  readonly id: string;
  readonly task: ModelTask;
  /** One line for people: what the network is. */
  readonly description: string;
  /** File format of the weights. */
  readonly format: 'onnx';
  readonly source: ModelSource;
  readonly inputs: readonly ModelInput[];
  readonly outputs: readonly ModelOutput[];
  /** What is known about the licence of the weights, including doubts. */
  readonly licence: string;
}

/** A face detector. */
export interface DetectorModelEntry extends ModelEntryBase {
  readonly task: 'detector';
}

/** A facial landmark model. */
export interface LandmarksModelEntry extends ModelEntryBase {
  readonly task: 'landmarks';
  /** How many points the model predicts. */
  readonly pointCount: number;
  /**
   * How the five pipeline landmarks (see `FiveLandmarks` in `@pv/core`: image-left eye, image-right eye,
   * nose tip, image-left mouth corner, image-right mouth corner) are derived: each is the mean of the
   * listed zero-based point indices.
   */
  readonly fivePointIndices: readonly [readonly number[], readonly number[], readonly number[], readonly number[], readonly number[]];
}

/** A decision threshold that keeps the false-accept rate at a target, measured on many cross-identity pairs. */
export interface FarThresholdSpec {
  /** The {@link ThresholdSpec.metric} the value is in. */
  readonly metric: string;
  /** The target false-accept rate, e.g. 0.001. */
  readonly far: number;
  /** The threshold in the metric's units. */
  readonly value: number;
  /** The share of same-person pairs it accepted on the calibration data (0–1). */
  readonly tar: number;
}

/**
 * The face detectors a pipeline can be built with: `rfb320` (the built-in Ultra-Light RFB-320 with 68-point
 * landmarks, from the npm registry) and `mtcnn` (facenet-pytorch's MTCNN, `@pv/mtcnn`, after `pv models
 * fetch mtcnn` or `pv models import mtcnn`).
 */
export const PIPELINE_DETECTORS = ['rfb320', 'mtcnn'] as const;

/** One of {@link PIPELINE_DETECTORS}. */
export type PipelineDetector = (typeof PIPELINE_DETECTORS)[number];

/** A face embedder. */
export interface EmbedderModelEntry extends ModelEntryBase {
  readonly task: 'embedder';
  /**
   * The detector whose boxes and landmarks this model was trained on, used when the user names no detector:
   * `facenet-*` → `mtcnn` (its 160x160 box crop needs MTCNN's boxes); the built-ins name none. Absent: no
   * preference: pv's default detector (`rfb320`). A detector the user names explicitly always wins; pv's settings
   * (`@pv/settings`) pick this one otherwise.
   */
  readonly detector?: PipelineDetector;
  /** Length of the embedding. */
  readonly dimension: number;
  /** The alignment the network was trained with. */
  readonly alignment: AlignmentSpec;
  /** The metric id to compare embeddings with (a `Metric.id`, e.g. `cosine`). */
  readonly recommendedMetric: string;
  /** Decision thresholds, one per supported metric; the first is in {@link EmbedderModelEntry.recommendedMetric}. */
  readonly thresholds: readonly ThresholdSpec[];
  readonly thresholdStatus: ThresholdStatus;
  /** Thresholds at target false-accept rates (1e-2, 1e-3, 1e-4), per metric, when measured. */
  readonly farThresholds?: readonly FarThresholdSpec[];
  /**
   * The pairs a `calibrated` threshold was chosen on: an accuracy measured on those same pairs at that
   * threshold is not a held-out figure.
   */
  readonly calibratedOn?: ThresholdCalibration;
}

/** Which face analysis an analysis model performs (the `quality` analysis needs no model). */
export type AnalysisModelKind = 'liveness' | 'pose' | 'eyes' | 'age' | 'gender' | 'expression';

/**
 * How the region an analysis model sees is cut from the photo, given the detection box (x, y, w, h):
 * - `centred-scale`: a box `scale` times the detection box around its centre, the scale lowered until it
 *   fits the photo, then shifted inside the photo;
 * - `expand`: the detection box grown by `margin` times its width/height on every side, clipped to the photo;
 * - `anchored`: the detection box's top-left corner kept, width and height times `scale`, clipped to the photo;
 * - `eyes`: one square per eye from the 68-point landmarks: centred on the mean of the eyelid points, side
 *   = `padding` times the eye-corner distance.
 * The region is then resized to the input size (bilinear).
 */
export type AnalysisCrop =
  | { readonly kind: 'centred-scale'; readonly scale: number }
  | { readonly kind: 'expand'; readonly margin: number }
  | { readonly kind: 'anchored'; readonly scale: number }
  | { readonly kind: 'eyes'; readonly padding: number };

/** A face analysis model (liveness, pose, eyes, age, gender, expression). */
export interface AnalysisModelEntry extends ModelEntryBase {
  readonly task: 'analysis';
  readonly analysis: AnalysisModelKind;
  readonly crop: AnalysisCrop;
  /** What the outputs mean and how pv turns them into a result, in words (checked against the graph). */
  readonly postprocessing: string;
  /**
   * The decision threshold on the model's score, where it makes a yes/no decision (liveness: probability of
   * "live" at or above which a face is live), with how it was chosen.
   */
  readonly decision?: { readonly threshold: number; readonly chosen: string };
}

/** One catalog entry. */
export type ModelEntry = DetectorModelEntry | LandmarksModelEntry | EmbedderModelEntry | AnalysisModelEntry;
