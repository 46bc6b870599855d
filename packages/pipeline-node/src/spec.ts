import type { AnalysisKind, FacePolicy } from '@pv/core';
import type { ImageLoaderOptions, OnnxSessionOptions } from '@pv/embedder-onnx-node';

/**
 * A detector that is not built in: `module` (an absolute path, a `file:` URL, or a package name that
 * `@pv/pipeline-node` can import) exports, under `export`, a {@link DetectorFactory}. It is imported in every
 * thread that runs the encoder, so the factory must be importable there too.
 *
 * @example
 * ```ts
 * { module: '/opt/my-detector/index.js', export: 'openMyDetector', options: { minFace: 40 } }
 * ```
 */
export interface PluginDetectorSpec {
  readonly module: string;
  readonly export: string;
  /** Handed to the factory as `options`; plain data (it is copied into worker threads). */
  readonly options?: Readonly<Record<string, unknown>>;
  /** Catalog ids of the models the detector opens, fetched and verified once before any worker starts. */
  readonly models?: readonly string[];
}

/** Which detector: a built-in id (`rfb320`, `mtcnn`; see {@link DETECTORS}) or a plugin. */
export type DetectorSpec = string | PluginDetectorSpec;

/**
 * Everything {@link openFaceEncoder} needs, as plain data (it is copied into each worker thread): which
 * detector, which embedder, how many threads, and the face policy, image decoding, session and cache settings.
 */
export interface FaceEncoderSpec {
  /** Default `rfb320` (RFB-320 boxes + 68-point landmarks reduced to five). */
  readonly detector?: DetectorSpec;
  /**
   * Embedder model id: any embedder of the built-in catalog (`mobilefacenet`, `dlib-resnet`, …) or one
   * imported into the cache's `local-models.json` (`pv models import`, e.g. FaceNet). Default `mobilefacenet`.
   */
  readonly model?: string;
  /** 1 (default): the encoder runs in this thread. N > 1: one pool of N worker threads. */
  readonly threads?: number;
  /** Default face policy of `encode`/`encodeMany` (default `largest`). */
  readonly facePolicy?: FacePolicy;
  /** Image decoding (sharp) options: pixel limit, background, strictness. */
  readonly images?: ImageLoaderOptions;
  /** onnxruntime session options of every model (default: one intra-op thread, no spinning). */
  readonly session?: OnnxSessionOptions;
  /** The models cache (default: `@pv/model-fetch`'s, i.e. `PV_MODELS_DIR` or `~/.cache/pv/models`). */
  readonly cacheDir?: string;
  /**
   * Face analyses the encoder can run on request (`encode(…, { analyses })`): liveness, pose, eyes, age, gender,
   * expression, quality. Their models are fetched with the others and opened in every thread. Default none.
   */
  readonly analyses?: readonly AnalysisKind[];
  /** Flip test-time augmentation of the embedder (mean of the face and its mirror image); default false. */
  readonly flipAugment?: boolean;
}
