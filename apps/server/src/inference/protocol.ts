import type { EncodedFace, PvErrorCode } from '@pv/core';
import type { PoolDetectorOptions, PoolEmbedderOptions } from '@pv/embedder-onnx-node';

/** What every inference worker starts with: plain data only (it crosses a thread boundary). */
export interface InferenceWorkerSettings {
  readonly detector: PoolDetectorOptions;
  readonly embedder: PoolEmbedderOptions;
  /** Images with more pixels are refused before decoding (the main thread checks first; this is the backstop). */
  readonly limitInputPixels: number;
  /** The verified models cache (the main thread fetches the files before workers start). */
  readonly cacheDir: string | undefined;
}

/** Which faces of a photo to embed: the main one (`largest`) or every face (`all`). */
export type FaceChoice = 'largest' | 'all';

/** Main thread → worker. */
export type InferenceTask =
  /** Opens the models (if not yet) and answers `ready`: used at start-up so readiness means loaded models. */
  | { readonly kind: 'warm-up' }
  /** Decodes encoded image bytes, finds faces and embeds the chosen ones. */
  | { readonly kind: 'embed'; readonly bytes: Uint8Array; readonly faces: FaceChoice };

/** The faces of one image. */
export interface ImageFaces {
  /** Size of the decoded image (after its EXIF orientation was applied). */
  readonly width: number;
  readonly height: number;
  /** Most confident first; empty when the photo shows no face. */
  readonly faces: EncodedFace[];
}

/** A failure the worker knew how to describe (a `PvError` thrown there). */
export interface InferenceFailure {
  readonly code: PvErrorCode;
  readonly message: string;
  readonly details: Readonly<Record<string, unknown>>;
}

/** Worker → main thread. Errors that are not `PvError`s reject the task instead. */
export type InferenceReply =
  | { readonly kind: 'ready' }
  | { readonly kind: 'faces'; readonly result: ImageFaces }
  | { readonly kind: 'failure'; readonly failure: InferenceFailure };
