import type { FaceAligner, FaceDetector } from './detector.js';
import type { Embedder } from './embedder.js';
import type { AnalysisKind, FaceAnalysis, FaceAnalyzer } from './analysis.js';
import { errorFromData, errorToData, type ErrorData } from './error-data.js';
import { InvalidArgumentError, NoFaceError, NotFoundError } from './errors.js';
import type { AbortSignalLike, EncodedFace, FaceEncoder, FacePolicy, FileFailure } from './face-encoder.js';
import { enrollImages, type EnrollItem } from './enroll-images.js';
import { chooseFaces } from './face-policy.js';
import { Gallery, compareEmbeddings, type Candidate, type Comparison, type Verification } from './gallery.js';
import type { FaceDetection } from './image.js';
import { labelForEntry, type DirectoryLayout, type ImageInput, type ImageLoader } from './image-loader.js';
import { checkLabel, UNKNOWN_LABEL } from './labels.js';
import { LocalFaceEncoder } from './local-face-encoder.js';
import { isCloser, withinThreshold, type Metric } from './metric.js';
import { livenessRejection } from './review.js';
import type { EmbeddingRecord, Store } from './store.js';

/** An embedding with its label (the reference's `{label, embedding}`), and where it came from. */
export interface LabelledEmbedding {
  readonly label: string;
  readonly embedding: Float32Array;
  /** The file it came from, when there was one. */
  readonly file?: string;
  /** The face it was computed from. */
  readonly detection?: FaceDetection;
}

/** Progress of {@link FaceRecognizer.generateEmbeddings}: one event per finished file, with its failure if any. */
export interface ProgressEvent {
  readonly done: number;
  readonly total: number;
  readonly file: string;
  readonly ok: boolean;
  readonly failure?: FileFailure;
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
  readonly signal?: AbortSignalLike;
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

/** Per-call face analyses of {@link FaceRecognizer.verify} and {@link FaceRecognizer.identify}. */
export interface AnalysisCallOptions {
  /**
   * Refuse faces the single-frame liveness check does not call live (`E_FACE_REJECTED`, reason `not-live`, with
   * the measured score); the encoder must offer the `liveness` analysis. Default: the recognizer's `requireLive`.
   */
  readonly requireLive?: boolean;
  /** Analyses to run on each face and return as its `analysis` (the encoder must offer them). Default none. */
  readonly analyses?: readonly AnalysisKind[];
}

/** Options of {@link FaceRecognizer.verify}. */
export interface VerifyOptions extends AnalysisCallOptions {
  /** Compare with these embeddings instead of the store. */
  readonly against?: readonly LabelledEmbedding[];
}

/** Options of {@link FaceRecognizer.identify}. */
export interface IdentifyOptions extends AnalysisCallOptions {
  /** Distinct labels per face (default 5). */
  readonly k?: number;
}

/** Result of {@link FaceRecognizer.verify}: {@link Verification} plus the face that was used. */
export interface VerifyResult extends Verification {
  readonly detection: FaceDetection;
  /** How many faces the photo held (the face verified is the largest clear one, or the only one under `strict`). */
  readonly facesFound: number;
  /** The analyses asked for (`analyses`, and `liveness` under `requireLive`); absent when none were. */
  readonly analysis?: FaceAnalysis;
  /** Every face the photo held (the verified one, {@link VerifyResult.detection}, among them), for drawing. */
  readonly detections: readonly FaceDetection[];
}

/** Result of {@link FaceRecognizer.compare}: {@link Comparison} plus the two faces that were used. */
export interface CompareResult extends Comparison {
  readonly detections: readonly [FaceDetection, FaceDetection];
}

/** One face of {@link FaceRecognizer.identify}. */
export interface IdentifiedFace {
  readonly detection: FaceDetection;
  /** Distinct labels, most similar first. */
  readonly candidates: Candidate[];
  /** The best candidate's label if within the threshold, else `"unknown"`. */
  readonly prediction: string;
  /** The analyses asked for (`analyses`, and `liveness` under `requireLive`); absent when none were. */
  readonly analysis?: FaceAnalysis;
  /**
   * Set when `requireLive` refused the face (`E_FACE_REJECTED` with `details.reasons` and `details.liveness`):
   * it was not compared with the gallery (`candidates` empty, `prediction` `"unknown"`).
   */
  readonly rejected?: ErrorData;
}

/** The parts of a {@link FaceRecognizer}: an encoder (or the parts of an in-thread one), a metric, a store. */
export type FaceRecognizerOptions = (
  | {
      /** Images in, faces out: in-thread, a worker pool, or a browser encoder. The recognizer owns it. */
      readonly encoder: FaceEncoder;
      /** Reads directories for {@link FaceRecognizer.generateEmbeddings}. */
      readonly images?: ImageLoader;
    }
  | {
      readonly detector: FaceDetector;
      readonly embedder: Embedder;
      /** Cuts faces out as the embedder requires; pass `alignFace` from `@pv/vision`. */
      readonly align: FaceAligner;
      /** Reads paths and encoded bytes. Required for inputs other than decoded images. */
      readonly images?: ImageLoader;
      /** Runs the analyses `verify`/`identify` ask for (`analyses`, `requireLive`); owned, closed with the recognizer. */
      readonly analyzer?: FaceAnalyzer;
    }
) & {
  readonly metric: Metric;
  /** Where enrolled embeddings live. Required by `verify` (unless given a list), `identify` and `save`. */
  readonly store?: Store;
  /** Decision threshold in `metric` units; defaults to the embedder's calibrated threshold for `metric`. */
  readonly threshold?: number;
  /** Default face policy (default `largest`). */
  readonly facePolicy?: FacePolicy;
  /**
   * Default of `requireLive` for `verify` and `identify`: refuse faces the single-frame liveness check does not
   * call live (the encoder must offer the `liveness` analysis). Default false.
   */
  readonly requireLive?: boolean;
};

/**
 * The face-recognition workflow in one object — a thin composition of a {@link FaceEncoder} (images →
 * faces) and a {@link Gallery} (embeddings → answers).
 *
 * Mapping to the reference (PyVision `Facenet`): `generate_embeddings()` → {@link generateEmbeddings};
 * `compare_embeddings()` (one image against a label) → {@link verify}. Beyond it: {@link identify} (1:N),
 * {@link compare} (are two photos the same person?) and {@link embedFaces}. The words mean the same in the
 * CLI (`pv verify`, `pv compare`, `pv identify`) and the REST API.
 */
export class FaceRecognizer {
  readonly encoder: FaceEncoder;
  readonly metric: Metric;
  readonly store: Store | undefined;
  /** The decision threshold in use. */
  readonly threshold: number;
  readonly #gallery: Gallery | undefined;
  readonly #images: ImageLoader | undefined;
  readonly #facePolicy: FacePolicy;
  readonly #requireLive: boolean;

  constructor(options: FaceRecognizerOptions) {
    this.encoder = 'encoder' in options ? options.encoder : new LocalFaceEncoder(options);
    this.metric = options.metric;
    this.store = options.store;
    this.#images = options.images;
    this.#facePolicy = options.facePolicy ?? 'largest';
    this.#requireLive = options.requireLive === true;
    const model = this.encoder.info.model;
    const calibrated = model.thresholds.find((t) => t.metric === options.metric.id)?.value;
    const threshold = options.threshold ?? calibrated;
    if (threshold === undefined || !Number.isFinite(threshold)) {
      throw new InvalidArgumentError(`Model "${model.id}" has no calibrated threshold for metric "${options.metric.id}"; pass one`, {
        model: model.id,
        metric: options.metric.id,
      });
    }
    this.threshold = threshold;
    this.#gallery = options.store ? new Gallery({ store: options.store, metric: this.metric, threshold, modelId: model.id }) : undefined;
  }

  /** The gallery over the recognizer's store (`E_INVALID_ARGUMENT` without a store). */
  get gallery(): Gallery {
    if (!this.#gallery) throw new InvalidArgumentError('This operation needs a store');
    return this.#gallery;
  }

  /**
   * The faces in an image chosen by `policy`, with their embeddings. Throws `E_NO_FACE` when there is none
   * and `E_MULTIPLE_FACES` under `strict` when there are several.
   */
  embedFaces(input: ImageInput, policy: FacePolicy = this.#facePolicy): Promise<EncodedFace[]> {
    return this.encoder.encode(input, { facePolicy: policy });
  }

  /**
   * The reference's `generate_embeddings()`: embeds a directory (labels from file names or subfolders) or
   * one image with a label, optionally saving to the store. A bad file is reported in `failures` and
   * skipped; the rest go on.
   */
  async generateEmbeddings(source: EmbeddingSource, options: GenerateOptions = {}): Promise<GenerateResult> {
    const gallery = options.save ? this.gallery : undefined;
    // Fail before any work when the store holds another model's embeddings.
    await gallery?.checkModel();
    const policy = options.facePolicy ?? this.#facePolicy;
    if ('image' in source) return this.#generateOne(source, policy, gallery);
    if (!this.#images) throw new InvalidArgumentError('An image loader is needed to read a directory');
    const entries = await this.#images.listImageFiles(source.directory);
    const layout = source.layout ?? 'auto';
    const failures: FileFailure[] = [];
    const items: EnrollItem[] = [];
    for (const entry of entries) {
      try {
        items.push({ input: entry.path, name: entry.path, label: labelForEntry(entry, layout) });
      } catch (error) {
        failures.push({ file: entry.path, code: 'E_INVALID_ARGUMENT', message: error instanceof Error ? error.message : String(error) });
      }
    }
    const found: { index: number; embeddings: LabelledEmbedding[] }[] = [];
    const order = new Map(items.map((item, index) => [item.name, index]));
    let done = 0;
    const total = entries.length;
    const report = (file: string, failure?: FileFailure): void => {
      done++;
      options.onProgress?.({ done, total, file, ok: failure === undefined, ...(failure ? { failure } : {}) });
    };
    for (const failure of failures) report(failure.file, failure);
    const faceList = (file: string, label: string, faces: readonly EncodedFace[]): LabelledEmbedding[] =>
      faces.map((f) => ({ label, embedding: f.embedding, detection: f.detection, file }));
    const saved: EmbeddingRecord[] = [];
    let aborted = false;
    if (gallery) {
      const summary = await enrollImages(this.encoder, gallery, items, {
        skipEnrolled: false,
        facePolicy: policy,
        batchSize: options.saveBatchSize ?? 32,
        ...(options.signal ? { signal: options.signal } : {}),
        onEvent: (event) => {
          if (event.type === 'failed') report(event.failure.file, event.failure);
          else if (event.type === 'progress' && event.ok) report(event.file);
          else if (event.type === 'enrolled') {
            saved.push(...event.records);
            found.push({ index: order.get(event.file) ?? 0, embeddings: faceList(event.file, event.label, event.faces) });
          }
        },
      });
      if (summary.error) throw errorFromData(summary.error);
      failures.push(...summary.failures);
      aborted = summary.aborted;
    } else {
      const inputs = items.map((item) => ({ input: item.input, name: item.name }));
      const signal = options.signal;
      for await (const result of this.encoder.encodeMany(inputs, { facePolicy: policy, ...(signal ? { signal } : {}) })) {
        if (result.ok) {
          found.push({ index: result.index, embeddings: faceList(result.name, (items[result.index] as EnrollItem).label, result.faces) });
          report(result.name);
        } else {
          failures.push(result.failure);
          report(result.name, result.failure);
        }
      }
      aborted = signal?.aborted === true;
    }
    found.sort((a, b) => a.index - b.index);
    failures.sort((a, b) => (order.get(a.file) ?? -1) - (order.get(b.file) ?? -1));
    return { embeddings: found.flatMap((f) => f.embeddings), failures, saved, aborted };
  }

  async #generateOne(
    source: { readonly image: ImageInput; readonly label: string; readonly file?: string },
    policy: FacePolicy,
    gallery: Gallery | undefined,
  ): Promise<GenerateResult> {
    if (typeof source.label !== 'string' || source.label.trim() === '') {
      throw new InvalidArgumentError('A label is required when embedding a single image');
    }
    const label = checkLabel(source.label);
    const file = source.file ?? (typeof source.image === 'string' ? source.image : undefined);
    const faces = await this.encoder.encode(source.image, { facePolicy: policy });
    const embeddings = faces.map((f) => ({ label, embedding: f.embedding, detection: f.detection, ...(file !== undefined ? { file } : {}) }));
    const saved = gallery
      ? await gallery.enroll(faces.map((f) => ({ label, embedding: f.embedding, source: { ...(file !== undefined ? { file } : {}), box: f.detection.box } })))
      : [];
    return { embeddings, failures: [], saved, aborted: false };
  }

  /**
   * The reference's `compare_embeddings()`: does the face in `input` belong to `label`? Compares with the
   * store, or with `options.against` (or a list given in its place) when given. Under `requireLive` a face the
   * liveness check does not call live is refused with `E_FACE_REJECTED` (reason `not-live`, the measured
   * score in `details.liveness`) before any comparison.
   */
  async verify(input: ImageInput, label: string, options: VerifyOptions | readonly LabelledEmbedding[] = {}): Promise<VerifyResult> {
    const { against, ...call } = Array.isArray(options) ? { against: options as readonly LabelledEmbedding[] } : (options as VerifyOptions);
    const policy = this.#facePolicy === 'all' ? 'largest' : this.#facePolicy;
    const analyses = this.#analysesOf(call);
    // Every face is embedded under `largest`, so the result can say how many the photo held.
    const found = await this.encoder.encode(input, { facePolicy: policy === 'largest' ? 'all' : policy, ...(analyses.length > 0 ? { analyses } : {}) });
    const [chosen] = found.length > 0 ? chooseFaces(found.map((f) => f.detection), policy) : [];
    const face = found.find((f) => f.detection === chosen);
    if (!face) throw new NoFaceError();
    if (this.#requiresLive(call)) {
      const rejected = livenessRejection(face.analysis, nameOf(input));
      if (rejected) throw rejected;
    }
    const facesFound = found.length;
    const detections = found.map((f) => f.detection);
    const extra = { detection: face.detection, facesFound, detections, ...(face.analysis ? { analysis: face.analysis } : {}) };
    if (!against) return { ...(await this.gallery.verify(face.embedding, label)), ...extra };
    let nearest: Candidate | undefined;
    let claimed: Candidate | undefined;
    for (const e of against) {
      const distance = this.metric.distance(face.embedding, e.embedding);
      if (!nearest || isCloser(this.metric, distance, nearest.distance)) nearest = { label: e.label, distance };
      if (e.label === label && (!claimed || isCloser(this.metric, distance, claimed.distance))) claimed = { label, distance };
    }
    if (!claimed || !nearest) throw new NotFoundError(`No embeddings are enrolled for label "${label}"`, { label });
    return {
      match: withinThreshold(this.metric, claimed.distance, this.threshold),
      prediction: withinThreshold(this.metric, nearest.distance, this.threshold) ? nearest.label : UNKNOWN_LABEL,
      distance: claimed.distance,
      nearestDistance: nearest.distance,
      threshold: this.threshold,
      ...extra,
    };
  }

  /**
   * 1:N identification of every face in `input`: the top `k` distinct labels of each. No face gives `[]`.
   * Under `requireLive` a face the liveness check does not call live is reported with `rejected`
   * (`E_FACE_REJECTED`) and not compared; the other faces are identified as usual.
   */
  async identify(input: ImageInput, options: IdentifyOptions = {}): Promise<IdentifiedFace[]> {
    const gallery = this.gallery;
    await gallery.checkModel();
    const analyses = this.#analysesOf(options);
    let faces: EncodedFace[];
    try {
      faces = await this.encoder.encode(input, { facePolicy: 'all', ...(analyses.length > 0 ? { analyses } : {}) });
    } catch (error) {
      if (error instanceof NoFaceError) return [];
      throw error;
    }
    const requireLive = this.#requiresLive(options);
    const results: IdentifiedFace[] = [];
    for (const face of faces) {
      const analysis = face.analysis ? { analysis: face.analysis } : {};
      const rejected = requireLive ? livenessRejection(face.analysis, nameOf(input)) : undefined;
      if (rejected) {
        results.push({ detection: face.detection, candidates: [], prediction: UNKNOWN_LABEL, ...analysis, rejected: errorToData(rejected) });
        continue;
      }
      const { candidates, prediction } = await gallery.identify(face.embedding, options.k !== undefined ? { k: options.k } : {});
      results.push({ detection: face.detection, candidates, prediction, ...analysis });
    }
    return results;
  }

  #requiresLive(options: AnalysisCallOptions): boolean {
    return options.requireLive ?? this.#requireLive;
  }

  /** The analyses a call needs: those asked for, and `liveness` under `requireLive`. */
  #analysesOf(options: AnalysisCallOptions): AnalysisKind[] {
    const kinds = new Set<AnalysisKind>(options.analyses ?? []);
    if (this.#requiresLive(options)) kinds.add('liveness');
    return [...kinds];
  }

  /** 1:1 of two photos: are they the same person? Needs no store. */
  async compare(a: ImageInput, b: ImageInput): Promise<CompareResult> {
    const policy = this.#facePolicy === 'all' ? 'largest' : this.#facePolicy;
    const [fa] = await this.embedFaces(a, policy);
    const [fb] = await this.embedFaces(b, policy);
    if (!fa || !fb) throw new NoFaceError();
    return { ...compareEmbeddings(this.metric, this.threshold, fa.embedding, fb.embedding), detections: [fa.detection, fb.detection] };
  }

  /** Closes the encoder and the store. */
  async close(): Promise<void> {
    await Promise.all([this.encoder.close(), this.store?.close()]);
  }
}

/** The name an input is reported under in errors: its path, when it is one. */
function nameOf(input: ImageInput): string | undefined {
  return typeof input === 'string' ? input : undefined;
}
