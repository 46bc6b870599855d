import type { EncodedFace, FacePolicy, FileFailure } from '@pv/core';
import type { ImageLoaderOptions } from './image-loader.js';
import type { Landmarks68Options } from './landmarks68.js';
import type { OnnxEmbedderOptions } from './onnx-embedder.js';
import type { Rfb320DetectorOptions } from './rfb320-detector.js';

/** Detector options a pool worker can take: plain data (no catalog objects or callbacks). */
export type PoolDetectorOptions = Omit<Rfb320DetectorOptions, 'models' | 'landmarks'> & {
  readonly landmarks?: Omit<Landmarks68Options, 'models'>;
};

/** Embedder options a pool worker can take: plain data (no catalog objects or callbacks). */
export type PoolEmbedderOptions = Omit<OnnxEmbedderOptions, 'models'>;

/** What every pool worker is started with: plain data only (it crosses a thread boundary). */
export interface PoolWorkerSettings {
  readonly detector: PoolDetectorOptions;
  readonly embedder: PoolEmbedderOptions;
  readonly images: ImageLoaderOptions;
  readonly facePolicy: FacePolicy;
  /** The verified models cache (files are fetched once by the main thread before workers start). */
  readonly cacheDir: string | undefined;
}

/** The outcome for one file. */
export type FileEmbeddings =
  | { readonly file: string; readonly ok: true; readonly faces: EncodedFace[] }
  | { readonly file: string; readonly ok: false; readonly failure: FileFailure };

/** Main thread → worker. */
export type PoolRequest = { readonly type: 'job'; readonly id: number; readonly file: string } | { readonly type: 'close' };

/** Worker → main thread. */
export type PoolReply =
  | { readonly type: 'ready' }
  | { readonly type: 'init-error'; readonly failure: FileFailure }
  | { readonly type: 'result'; readonly id: number; readonly result: FileEmbeddings }
  | { readonly type: 'closed' };
