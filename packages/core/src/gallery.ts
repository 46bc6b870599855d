import { InvalidArgumentError, ModelMismatchError, PvError } from './errors.js';
import { checkLabel, UNKNOWN_LABEL } from './labels.js';
import { isCloser, withinThreshold, type Metric } from './metric.js';
import type { EmbeddingRecord, NewRecord, RecordSource, Store } from './store.js';
import { unknownLabelError } from './unknown-label.js';

/** A candidate identity of one face. */
export interface Candidate {
  readonly label: string;
  readonly distance: number;
}

/** Who a face is, as far as the gallery knows (1:N). */
export interface Identification {
  /** Distinct labels, most similar first, at most `k`. */
  readonly candidates: Candidate[];
  /** The best candidate's label when within the threshold, else {@link UNKNOWN_LABEL}. */
  readonly prediction: string;
  readonly threshold: number;
}

/** Does a face belong to a claimed label? (1:1 against the enrolled; the reference's `compare_embeddings()`.) */
export interface Verification {
  /** True when the label's nearest embedding is within the threshold. */
  readonly match: boolean;
  /** The nearest label overall, or {@link UNKNOWN_LABEL} when even that one is beyond the threshold. */
  readonly prediction: string;
  /** Distance to the claimed label's nearest embedding. */
  readonly distance: number;
  /** Distance to the nearest embedding overall. */
  readonly nearestDistance: number;
  readonly threshold: number;
}

/** Are two faces the same person? (1:1 of two faces, no store needed.) */
export interface Comparison {
  readonly match: boolean;
  readonly distance: number;
  readonly threshold: number;
}

/** A face to enroll. */
export interface FaceToEnroll {
  readonly label: string;
  readonly embedding: Float32Array;
  readonly source?: RecordSource;
  /** A record id; give a deterministic one (see {@link faceRecordId}) to make enrolling idempotent. */
  readonly id?: string;
}

/** The parts of a {@link Gallery}. */
export interface GalleryOptions {
  readonly store: Store;
  readonly metric: Metric;
  /** Decision threshold in `metric` units (see `@pv/settings` for the calibrated one and its checks). */
  readonly threshold: number;
  /** The embedder model id of every embedding that goes in or is looked up. */
  readonly modelId: string;
}

/**
 * Embeddings in, answers out: the one place where pv matches faces. Enroll (with the label rule and the
 * store's model binding), identify (1:N, distinct labels), verify (a face against a claimed label) and
 * compare (two faces). The CLI, the server and the library facade all answer through it.
 */
export class Gallery {
  readonly store: Store;
  readonly metric: Metric;
  readonly threshold: number;
  readonly modelId: string;
  #checked = false;

  constructor(options: GalleryOptions) {
    if (typeof options.threshold !== 'number' || !Number.isFinite(options.threshold)) {
      throw new InvalidArgumentError(`The threshold must be a finite number, got ${String(options.threshold)}`, {
        threshold: options.threshold,
      });
    }
    this.store = options.store;
    this.metric = options.metric;
    this.threshold = options.threshold;
    this.modelId = options.modelId;
  }

  /** Refuses (`E_MODEL_MISMATCH`) a store that holds another model's embeddings. Checked once, then remembered. */
  async checkModel(): Promise<void> {
    if (this.#checked) return;
    const info = await this.store.info();
    if (info.modelId !== null && info.modelId !== this.modelId) throw new ModelMismatchError(info.modelId, this.modelId);
    this.#checked = true;
  }

  /**
   * Adds faces under their labels (each checked and made canonical by `checkLabel`), all or nothing. Faces
   * whose `id` the store already holds are skipped, so enrolling the same file twice — or from two
   * processes at once — stores it once. Returns the records written now.
   */
  async enroll(faces: readonly FaceToEnroll[]): Promise<EmbeddingRecord[]> {
    await this.checkModel();
    const records: NewRecord[] = faces.map((face) => ({
      label: checkLabel(face.label),
      vector: face.embedding,
      modelId: this.modelId,
      ...(face.id !== undefined ? { id: face.id } : {}),
      ...(face.source !== undefined ? { source: face.source } : {}),
    }));
    for (let attempt = 0; ; attempt++) {
      const fresh = await this.#absent(records);
      if (fresh.length === 0) return [];
      try {
        return await this.store.add(fresh);
      } catch (error) {
        // Another writer may have added one of these ids between the check and the write: check again once.
        if (attempt > 0 || !isDuplicateId(error)) throw error;
      }
    }
  }

  /** The `k` nearest distinct labels of `embedding`, and the prediction. */
  async identify(embedding: Float32Array, options: { readonly k?: number } = {}): Promise<Identification> {
    await this.checkModel();
    const k = options.k ?? 5;
    const candidates = k > 0 ? await this.#distinctLabels(embedding, k) : [];
    const best = candidates[0];
    const prediction = best && withinThreshold(this.metric, best.distance, this.threshold) ? best.label : UNKNOWN_LABEL;
    return { candidates, prediction, threshold: this.threshold };
  }

  /** Does `embedding` belong to `label`? `E_NOT_FOUND` when nothing is enrolled under it. */
  async verify(embedding: Float32Array, label: string): Promise<Verification> {
    await this.checkModel();
    const [own] = await this.store.search(embedding, { k: 1, metric: this.metric, label });
    if (!own) throw await unknownLabelError(this.store, label);
    const [nearest] = await this.store.search(embedding, { k: 1, metric: this.metric });
    const best = nearest && isCloser(this.metric, nearest.distance, own.distance) ? nearest : own;
    return {
      match: withinThreshold(this.metric, own.distance, this.threshold),
      prediction: withinThreshold(this.metric, best.distance, this.threshold) ? best.record.label : UNKNOWN_LABEL,
      distance: own.distance,
      nearestDistance: best.distance,
      threshold: this.threshold,
    };
  }

  /** Are two faces the same person? Needs no store. */
  compare(a: Float32Array, b: Float32Array): Comparison {
    return compareEmbeddings(this.metric, this.threshold, a, b);
  }

  /** Over-fetches (people have several embeddings each) and fetches more while one person crowds the others out. */
  async #distinctLabels(embedding: Float32Array, k: number): Promise<Candidate[]> {
    for (let fetch = Math.max(k * 8, 32); ; fetch *= 2) {
      const hits = await this.store.search(embedding, { k: fetch, metric: this.metric });
      const candidates: Candidate[] = [];
      const seen = new Set<string>();
      for (const hit of hits) {
        if (candidates.length >= k) break;
        if (seen.has(hit.record.label)) continue;
        seen.add(hit.record.label);
        candidates.push({ label: hit.record.label, distance: hit.distance });
      }
      if (candidates.length >= k || hits.length < fetch) return candidates;
    }
  }

  async #absent(records: readonly NewRecord[]): Promise<NewRecord[]> {
    const fresh: NewRecord[] = [];
    const seen = new Set<string>();
    for (const record of records) {
      if (record.id !== undefined) {
        if (seen.has(record.id) || (await this.store.get(record.id)) !== undefined) continue;
        seen.add(record.id);
      }
      fresh.push(record);
    }
    return fresh;
  }
}

/** Are two embeddings the same person under `metric` and `threshold`? */
export function compareEmbeddings(metric: Metric, threshold: number, a: Float32Array, b: Float32Array): Comparison {
  const distance = metric.distance(a, b);
  return { match: withinThreshold(metric, distance, threshold), distance, threshold };
}

function isDuplicateId(error: unknown): boolean {
  return error instanceof PvError && error.code === 'E_INVALID_ARGUMENT' && typeof error.details['id'] === 'string';
}

/**
 * A deterministic record id for a face of a file: the same model, label, file and face box always give
 * the same id, so enrolling is idempotent. (FNV-1a over the parts, 128 bits, written as hex.)
 */
export function faceRecordId(parts: {
  readonly modelId: string;
  readonly label: string;
  readonly file: string;
  readonly box?: { readonly x: number; readonly y: number; readonly width: number; readonly height: number };
}): string {
  const box = parts.box ? [parts.box.x, parts.box.y, parts.box.width, parts.box.height].map((v) => v.toFixed(1)).join(',') : '';
  const text = [parts.modelId, parts.label, parts.file, box].join('\u0000');
  // Two independent 64-bit FNV-1a hashes (different offsets) give 128 bits.
  const hash = (offset: bigint): string => {
    let h = offset;
    for (let i = 0; i < text.length; i++) {
      const unit = text.charCodeAt(i);
      for (const byte of [unit & 0xff, unit >> 8]) {
        h ^= BigInt(byte);
        h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
      }
    }
    return h.toString(16).padStart(16, '0');
  };
  return `f${hash(0xcbf29ce484222325n)}${hash(0x84222325cbf29ce4n)}`;
}
