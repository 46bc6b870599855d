import type { AnalysisKind, FaceAnalysis } from './analysis.js';
import type { AlignmentSpec, EmbedderModelInfo } from './embedder.js';
import type { FaceDetection } from './image.js';
import type { ImageInput } from './image-loader.js';

/**
 * What to do with an image that shows several faces:
 * `largest` uses the largest face among those scoring at least 90% of the best score (default), `strict`
 * fails with `E_MULTIPLE_FACES`, `all` uses every face.
 */
export type FacePolicy = 'largest' | 'strict' | 'all';

/** An input that could not be used, and why. Never silent: every skipped input is listed. */
export interface FileFailure {
  /** The file (or the name the caller gave the input; `<image>` when it had none). */
  readonly file: string;
  /** A {@link PvError} code, or `E_UNEXPECTED` for anything else. */
  readonly code: string;
  readonly message: string;
  /** The error's machine-readable details, when it had any. */
  readonly details?: Readonly<Record<string, unknown>>;
}

/** The aligned crop a face's embedding was computed from (its pixels are not kept). */
export interface CropInfo {
  readonly width: number;
  readonly height: number;
  /** How it was cut out: see {@link AlignmentSpec}. */
  readonly alignment: AlignmentSpec['kind'];
}

/** One face found in an image: where it is, its landmarks, the crop it was embedded from, and its embedding. */
export interface EncodedFace {
  /** Box, detector score and five landmarks, in the source image's pixels. */
  readonly detection: FaceDetection;
  /** L2-normalised embedding of length `model.dimension`. */
  readonly embedding: Float32Array;
  readonly crop: CropInfo;
  /** The analyses asked for with `analyses` (liveness, pose, quality, …); absent when none were. */
  readonly analysis?: FaceAnalysis;
}

/** An input of {@link FaceEncoder.encodeMany}: an image, or an image with the name reported for it. */
export type NamedImageInput = ImageInput | { readonly input: ImageInput; readonly name: string };

/** The outcome for one input of {@link FaceEncoder.encodeMany}. */
export type EncodeResult =
  | { readonly index: number; readonly name: string; readonly ok: true; readonly faces: EncodedFace[] }
  | { readonly index: number; readonly name: string; readonly ok: false; readonly failure: FileFailure };

/** Progress of {@link FaceEncoder.encodeMany}: one event per finished input, carrying its failure if any. */
export interface EncodeProgress {
  /** Inputs finished so far (this one included). */
  readonly done: number;
  /** All inputs, when known up front (an array was passed); `undefined` for streams. */
  readonly total: number | undefined;
  readonly name: string;
  readonly ok: boolean;
  /** Why the input failed, when it did. */
  readonly failure?: FileFailure;
}

/**
 * What pv reads of an `AbortSignal` (structurally, so `@pv/core` needs no DOM or Node types): pass a real
 * `AbortSignal`.
 */
export interface AbortSignalLike {
  readonly aborted: boolean;
}

/** Options of {@link FaceEncoder.encode}. */
export interface EncodeOptions {
  /** Which faces of the photo are returned (default: the encoder's, usually `largest`). */
  readonly facePolicy?: FacePolicy;
  /** An aborted signal refuses the call with `E_ABORTED`. */
  readonly signal?: AbortSignalLike;
  /**
   * Face analyses to run on every returned face (see {@link FaceAnalysis}); they must be among
   * `info.analyses`, else `E_INVALID_ARGUMENT`. Default none.
   */
  readonly analyses?: readonly AnalysisKind[];
}

/** Options of {@link FaceEncoder.encodeMany}. */
export interface EncodeManyOptions extends EncodeOptions {
  /** Called once per finished input, in completion order. */
  readonly onProgress?: (event: EncodeProgress) => void;
}

/** What an encoder runs: declared so operations can decide batching and parallelism. */
export interface FaceEncoderInfo {
  /** The detector's id (e.g. `rfb320`, `mtcnn`). */
  readonly detector: string;
  /** The embedder's model. */
  readonly model: EmbedderModelInfo;
  /** Inputs processed at the same time (1 in-thread; the worker count of a pool). */
  readonly concurrency: number;
  /** The analyses `encode` can run on request (empty without an analyzer). */
  readonly analyses: readonly AnalysisKind[];
}

/**
 * Images in, faces out: detection, landmarks, alignment and embedding behind one call. Version 1 of the contract.
 *
 * Contract (checked by `describeFaceEncoder` in `@pv/testkit`):
 * - `encode` returns the faces chosen by the face policy, most confident first for `all`. A photo without a
 *   face is `E_NO_FACE`, several faces under `strict` is `E_MULTIPLE_FACES`, an undecodable input is
 *   `E_BAD_IMAGE`, a missing file `E_NOT_FOUND` — always typed {@link PvError}s, in any implementation
 *   (an error crossing a thread is rebuilt from its code).
 * - `encodeMany` yields exactly one {@link EncodeResult} per input, in completion order, each with its input's
 *   `index`; a bad input is a result with `ok: false`, never an exception. Once `signal` is aborted no new
 *   input is started; results of inputs already started are still yielded, then the iteration ends.
 * - The same image gives the same faces and embeddings (within float tolerance) in every implementation.
 * - After `close()` resources are freed; further calls may throw.
 */
export interface FaceEncoder {
  readonly info: FaceEncoderInfo;
  encode(input: ImageInput, options?: EncodeOptions): Promise<EncodedFace[]>;
  encodeMany(
    inputs: Iterable<NamedImageInput> | AsyncIterable<NamedImageInput>,
    options?: EncodeManyOptions,
  ): AsyncIterable<EncodeResult>;
  close(): Promise<void>;
}

/** The input and the name reported for it (a path names itself; other inputs are `<image N>`). */
export function nameInput(item: NamedImageInput, index: number): { readonly input: ImageInput; readonly name: string } {
  if (typeof item === 'object' && item !== null && 'input' in item && 'name' in item) return item;
  return { input: item, name: typeof item === 'string' ? item : `<image ${index + 1}>` };
}
