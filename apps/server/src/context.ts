import type { ApiKeyRing } from './api-keys.js';
import type { ServerAudit } from './audit.js';
import type { ServerConfig } from './config.js';
import type { ServedModel } from './embedding-input.js';
import type { AnalysisKind, Gallery } from '@pv/core';
import type { FaceChoice, ImageFaces } from './inference/pool.js';

/** Runs detection and embedding somewhere other than the event loop (the worker pool). */
export interface ImageInference {
  /**
   * Embeds the main face (`largest`) or every face (`all`) of encoded image bytes, with the `analyses` asked for
   * on each face (their models are loaded on first use); no face gives an empty list.
   */
  embedImage(bytes: Uint8Array, faces: FaceChoice, analyses?: readonly AnalysisKind[]): Promise<ImageFaces>;
  /** Jobs running or waiting now. */
  readonly inFlight: number;
}

/** The model the server runs, and how its embeddings are compared. */
export interface ServedModelInfo extends ServedModel {
  /** The metric id (`cosine` or `l2`). */
  readonly metric: string;
  /** The decision threshold, in that metric's units. */
  readonly threshold: number;
}

/** Whether the server takes traffic: `starting` until the models are loaded, `draining` once shutdown began. */
export interface Lifecycle {
  phase: 'starting' | 'ready' | 'draining';
}

/** Everything the routes work with. */
export interface ServerContext {
  readonly config: ServerConfig;
  readonly model: ServedModelInfo;
  readonly gallery: Gallery;
  readonly inference: ImageInference;
  readonly keys: ApiKeyRing;
  readonly lifecycle: Lifecycle;
  /** Records every mutation and identity read in the audit trail. */
  readonly audit: ServerAudit;
  /** Files of the web page's private mode: the browser bundle folder and model files by id, when available. */
  readonly assets: PageAssets;
}

/** Where the page's static files come from. */
export interface PageAssets {
  /** The page itself (HTML, CSS, JS). */
  readonly publicDir: string;
  /** The prebuilt `@pv/embedder-onnx-web` browser bundle folder, when it is built. */
  readonly browserBundleDir: string | undefined;
  /** Verified model files the browser may download, by catalog id: `{ file: name, path }`. */
  readonly modelFiles: ReadonlyMap<string, { readonly file: string; readonly path: string }>;
}
