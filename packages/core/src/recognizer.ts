import type { FaceAligner, FaceDetector } from './detector.js';
import type { Embedder } from './embedder.js';
import {
  InvalidArgumentError,
  ModelMismatchError,
  NoFaceError,
  NotFoundError,
  PvError,
} from './errors.js';
import { isRgbImage, type FaceDetection, type RgbImage } from './image.js';
import type { FacePolicy, FileFailure } from './face-encoder.js';
import { chooseFaces } from './face-policy.js';
import { labelForEntry, type DirectoryLayout, type ImageInput, type ImageLoader } from './image-loader.js';
import { isCloser, withinThreshold, type Metric } from './metric.js';
import type { EmbeddingRecord, NewRecord, Store } from './store.js';

/** An embedding with its label (the reference's `{label, embedding}`), and where it came from. */
export interface LabelledEmbedding {
  readonly label: string;
  readonly embedding: Float32Array;
  /** The file it came from, when there was one. */
  readonly file?: string;
  /** The face it was computed from. */
  readonly detection?: FaceDetection;
}

/** Progress of a long operation. */
export interface ProgressEvent {
  readonly done: number;
  readonly total: number;
  readonly file: string;
  readonly ok: boolean;
}

/** Where {@link FaceRecognizer.generateEmbeddings} reads faces from. */
export type EmbeddingSource =
  | { readonly directory: string; readonly layout?: DirectoryLayout }
  | { readonly image: ImageInput; readonly label: string; readonly file?: string };

/** Options of {@link FaceRecognizer.generateEmbeddings}. */
export interface GenerateOptions {
  /** Add the embeddings to the recognizer's store (in batches, so an interruption loses at most one batch). */
  readonly save?: boolean;
  readonly facePolicy?: FacePolicy;
  readonly onProgress?: (event: ProgressEvent) => void;
  /** Stops between files; what was done so far is kept (and saved) and `aborted` is set. */
  readonly signal?: { readonly aborted: boolean };
  /** Files per store write when saving (default 32). */
  readonly saveBatchSize?: number;
}

/** Result of {@link FaceRecognizer.generateEmbeddings}. */
export interface GenerateResult {
  readonly embeddings: LabelledEmbedding[];
  readonly failures: FileFailure[];
  /** Records written to the store (empty unless `save`). */
  readonly saved: EmbeddingRecord[];
  readonly aborted: boolean;
}

/** Result of {@link FaceRecognizer.compare} (the reference's `(match, predicted_label, distance)`). */
export interface CompareResult {
  /** True when the claimed label's nearest embedding is within the threshold. */
  readonly match: boolean;
  /** The nearest label overall, or `"unknown"` when even the nearest is beyond the threshold. */
  readonly prediction: string;
  /** Distance to the claimed label's nearest embedding. */
  readonly distance: number;
  /** Distance to the nearest embedding overall. */
  readonly nearestDistance: number;
  readonly threshold: number;
  readonly detection: FaceDetection | undefined;
}

/** A candidate identity of one face. */
export interface Candidate {
  readonly label: string;
  readonly distance: number;
}

/** One face of {@link FaceRecognizer.identify}. */
export interface IdentifiedFace {
  readonly detection: FaceDetection;
  /** Distinct labels, most similar first. */
  readonly candidates: Candidate[];
  /** The best candidate's label if within the threshold, else `"unknown"`. */
  readonly prediction: string;
}

/** Result of {@link FaceRecognizer.verify}. */
export interface VerifyResult {
  readonly match: boolean;
  readonly distance: number;
  readonly threshold: number;
}

/** A face found in an image and its embedding. */
export interface FaceEmbedding {
  readonly detection: FaceDetection;
  readonly embedding: Float32Array;
}

/** The parts a {@link FaceRecognizer} is assembled from. */
export interface FaceRecognizerOptions {
  readonly detector: FaceDetector;
  readonly embedder: Embedder;
  /** Cuts faces out as the embedder requires; pass `alignFace` from `@pv/vision`. */
  readonly align: FaceAligner;
  readonly metric: Metric;
  /** Where enrolled embeddings live. Required by `compare`, `identify` and `save`. */
  readonly store?: Store;
  /** Reads paths and encoded bytes. Required for inputs other than decoded {@link RgbImage}s. */
  readonly images?: ImageLoader;
  /** Decision threshold in `metric` units; defaults to the embedder's calibrated threshold for `metric`. */
  readonly threshold?: number;
  /** Default face policy (default `largest`). */
  readonly facePolicy?: FacePolicy;
}

/** The label used for faces beyond the threshold. */
export const UNKNOWN_LABEL = 'unknown';

/**
 * The face-recognition workflow in one object: detection → alignment → embedding → store → answers.
 *
 * Mapping to the reference (PyVision `Facenet`): `generate_embeddings()` → {@link generateEmbeddings},
 * `compare_embeddings()` → {@link compare}; beyond it: {@link identify} (1:N), {@link verify} (1:1 of two
 * photos) and {@link embedFaces}.
 */
export class FaceRecognizer {
  readonly detector: FaceDetector;
  readonly embedder: Embedder;
  readonly metric: Metric;
  readonly store: Store | undefined;
  /** The decision threshold in use. */
  readonly threshold: number;
  readonly #align: FaceAligner;
  readonly #images: ImageLoader | undefined;
  readonly #facePolicy: FacePolicy;

  constructor(options: FaceRecognizerOptions) {
    this.detector = options.detector;
    this.embedder = options.embedder;
    this.metric = options.metric;
    this.store = options.store;
    this.#align = options.align;
    this.#images = options.images;
    this.#facePolicy = options.facePolicy ?? 'largest';
    const calibrated = options.embedder.model.thresholds.find((t) => t.metric === options.metric.id)?.value;
    const threshold = options.threshold ?? calibrated;
    if (threshold === undefined || !Number.isFinite(threshold)) {
      throw new InvalidArgumentError(
        `Model "${options.embedder.model.id}" has no calibrated threshold for metric "${options.metric.id}"; pass one`,
        { model: options.embedder.model.id, metric: options.metric.id },
      );
    }
    this.threshold = threshold;
  }

  /** Decodes an input into pixels. */
  async loadImage(input: ImageInput): Promise<RgbImage> {
    if (isRgbImage(input)) return input;
    if (!this.#images) throw new InvalidArgumentError('An image loader is needed to read paths or encoded bytes');
    return this.#images.load(input);
  }

  /** Every face in the image, most confident first. */
  async detect(input: ImageInput): Promise<FaceDetection[]> {
    return this.detector.detect(await this.loadImage(input));
  }

  /**
   * Embeddings of the faces in an image, chosen by `policy`. Throws `E_NO_FACE` when there is none and
   * `E_MULTIPLE_FACES` under `strict` when there are several.
   */
  async embedFaces(input: ImageInput, policy: FacePolicy = this.#facePolicy): Promise<FaceEmbedding[]> {
    const image = await this.loadImage(input);
    const detections = await this.detector.detect(image);
    return this.#embedDetections(image, chooseFaces(detections, policy, typeof input === 'string' ? input : undefined));
  }

  async #embedDetections(image: RgbImage, detections: readonly FaceDetection[]): Promise<FaceEmbedding[]> {
    const crops = detections.map((d) => this.#align(image, d, this.embedder.model.alignment));
    const embeddings = await this.embedder.embed(crops);
    return detections.map((detection, i) => ({ detection, embedding: embeddings[i] as Float32Array }));
  }

  /**
   * The reference's `generate_embeddings()`: embeds a directory (labels from file names or subfolders) or
   * one image with a label, optionally saving to the store. A bad file is reported in `failures` and
   * skipped; the rest go on.
   */
  async generateEmbeddings(source: EmbeddingSource, options: GenerateOptions = {}): Promise<GenerateResult> {
    if (options.save) {
      // Fail before any work when the store holds another model's embeddings.
      await this.#checkedStore();
    }
    const policy = options.facePolicy ?? this.#facePolicy;
    // Labels are computed per file, so a file without one is reported like any other bad file.
    let jobs: { input: ImageInput; label: () => string; file: string | undefined }[];
    if ('directory' in source) {
      if (!this.#images) throw new InvalidArgumentError('An image loader is needed to read a directory');
      const entries = await this.#images.listImageFiles(source.directory);
      const layout = source.layout ?? 'auto';
      jobs = entries.map((e) => ({ input: e.path, label: () => labelForEntry(e, layout), file: e.path }));
    } else {
      const { label } = source;
      if (typeof label !== 'string' || label.trim() === '') {
        throw new InvalidArgumentError('A label is required when embedding a single image');
      }
      const file = source.file ?? (typeof source.image === 'string' ? source.image : undefined);
      jobs = [{ input: source.image, label: () => label, file }];
    }
    const embeddings: LabelledEmbedding[] = [];
    const failures: FileFailure[] = [];
    const saved: EmbeddingRecord[] = [];
    const batchSize = Math.max(1, options.saveBatchSize ?? 32);
    let pending: NewRecord[] = [];
    const flush = async (): Promise<void> => {
      if (pending.length === 0 || !this.store) return;
      const batch = pending;
      pending = [];
      saved.push(...(await this.store.add(batch)));
    };
    let aborted = false;
    let done = 0;
    for (const job of jobs) {
      if (options.signal?.aborted) {
        aborted = true;
        break;
      }
      const name = job.file ?? '<image>';
      let ok = true;
      try {
        const label = job.label();
        const faces = await this.embedFaces(job.input, policy);
        for (const face of faces) {
          embeddings.push({
            label,
            embedding: face.embedding,
            detection: face.detection,
            ...(job.file !== undefined ? { file: job.file } : {}),
          });
          if (options.save) {
            pending.push({
              label,
              vector: face.embedding,
              modelId: this.embedder.model.id,
              source: { ...(job.file !== undefined ? { file: job.file } : {}), box: face.detection.box },
            });
          }
        }
      } catch (error) {
        if ('image' in source) throw error;
        ok = false;
        failures.push(describeFailure(name, error));
      }
      done++;
      options.onProgress?.({ done, total: jobs.length, file: name, ok });
      if (pending.length >= batchSize) await flush();
    }
    await flush();
    return { embeddings, failures, saved, aborted };
  }

  /**
   * The reference's `compare_embeddings()`: does the face in `input` belong to `label`? Compares with the
   * store, or with `against` when given.
   */
  async compare(input: ImageInput, label: string, against?: readonly LabelledEmbedding[]): Promise<CompareResult> {
    const [face] = await this.embedFaces(input, this.#facePolicy === 'all' ? 'largest' : this.#facePolicy);
    if (!face) throw new NoFaceError();
    let nearest: Candidate | undefined;
    let claimed: Candidate | undefined;
    if (against) {
      for (const e of against) {
        const distance = this.metric.distance(face.embedding, e.embedding);
        if (!nearest || isCloser(this.metric, distance, nearest.distance)) nearest = { label: e.label, distance };
        if (e.label === label && (!claimed || isCloser(this.metric, distance, claimed.distance))) claimed = { label, distance };
      }
    } else {
      const store = await this.#checkedStore();
      const [best] = await store.search(face.embedding, { k: 1, metric: this.metric });
      const [own] = await store.search(face.embedding, { k: 1, metric: this.metric, label });
      if (best) nearest = { label: best.record.label, distance: best.distance };
      if (own) claimed = { label, distance: own.distance };
    }
    if (!claimed || !nearest) throw new NotFoundError(`No embeddings are enrolled for label "${label}"`, { label });
    return {
      match: withinThreshold(this.metric, claimed.distance, this.threshold),
      prediction: withinThreshold(this.metric, nearest.distance, this.threshold) ? nearest.label : UNKNOWN_LABEL,
      distance: claimed.distance,
      nearestDistance: nearest.distance,
      threshold: this.threshold,
      detection: face.detection,
    };
  }

  /** 1:N identification of every face in `input`: the top `k` distinct labels of each. */
  async identify(input: ImageInput, options: { readonly k?: number } = {}): Promise<IdentifiedFace[]> {
    const k = options.k ?? 5;
    const store = await this.#checkedStore();
    const image = await this.loadImage(input);
    const faces = await this.#embedDetections(image, await this.detector.detect(image));
    const results: IdentifiedFace[] = [];
    for (const face of faces) {
      const candidates = await this.#distinctLabels(store, face.embedding, k);
      const best = candidates[0];
      results.push({
        detection: face.detection,
        candidates,
        prediction: best && withinThreshold(this.metric, best.distance, this.threshold) ? best.label : UNKNOWN_LABEL,
      });
    }
    return results;
  }

  /** 1:1 verification of two photos: is it the same person? */
  async verify(a: ImageInput, b: ImageInput): Promise<VerifyResult> {
    const policy = this.#facePolicy === 'all' ? 'largest' : this.#facePolicy;
    const [fa] = await this.embedFaces(a, policy);
    const [fb] = await this.embedFaces(b, policy);
    if (!fa || !fb) throw new NoFaceError();
    const distance = this.metric.distance(fa.embedding, fb.embedding);
    return { match: withinThreshold(this.metric, distance, this.threshold), distance, threshold: this.threshold };
  }

  /** Closes the detector, the embedder and the store. */
  async close(): Promise<void> {
    await Promise.all([this.detector.close(), this.embedder.close(), this.store?.close()]);
  }

  /**
   * The `k` nearest distinct labels. Over-fetches (people have several embeddings each) and fetches more
   * while one person's embeddings crowd the others out.
   */
  async #distinctLabels(store: Store, embedding: Float32Array, k: number): Promise<Candidate[]> {
    if (k <= 0) return [];
    for (let fetch = Math.max(k * 8, 32); ; fetch *= 2) {
      const hits = await store.search(embedding, { k: fetch, metric: this.metric });
      const candidates: Candidate[] = [];
      const seen = new Set<string>();
      for (const hit of hits) {
        if (candidates.length >= k) break;
        if (!seen.has(hit.record.label)) {
          seen.add(hit.record.label);
          candidates.push({ label: hit.record.label, distance: hit.distance });
        }
      }
      if (candidates.length >= k || hits.length < fetch) return candidates;
    }
  }

  async #checkedStore(): Promise<Store> {
    if (!this.store) throw new InvalidArgumentError('This operation needs a store');
    const info = await this.store.info();
    if (info.modelId !== null && info.modelId !== this.embedder.model.id) {
      throw new ModelMismatchError(info.modelId, this.embedder.model.id);
    }
    return this.store;
  }
}

function describeFailure(file: string, error: unknown): FileFailure {
  if (error instanceof PvError) return { file, code: error.code, message: error.message };
  return { file, code: 'E_UNEXPECTED', message: error instanceof Error ? error.message : String(error) };
}
