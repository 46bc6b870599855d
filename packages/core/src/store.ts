import type { Box } from './image.js';
import type { Metric } from './metric.js';

/** Where an embedding came from. */
export interface RecordSource {
  /** The image file (as given by the caller), when there was one. */
  readonly file?: string;
  /** The face box in that image. */
  readonly box?: Box;
}

/** A stored, labelled embedding. */
export interface EmbeddingRecord {
  /** Unique id within the store. */
  readonly id: string;
  /** The person (or any subject) the embedding belongs to. */
  readonly label: string;
  /** The embedding. */
  readonly vector: Float32Array;
  /** The id of the model that produced it. */
  readonly modelId: string;
  /** Creation time, milliseconds since the Unix epoch. */
  readonly createdAt: number;
  readonly source?: RecordSource;
}

/** A record to add; `id` and `createdAt` are filled in by the store when absent. */
export interface NewRecord {
  readonly id?: string;
  readonly label: string;
  readonly vector: Float32Array;
  readonly modelId: string;
  readonly createdAt?: number;
  readonly source?: RecordSource;
}

/** A label and how many records carry it. */
export interface LabelCount {
  readonly label: string;
  readonly count: number;
}

/** One search result. */
export interface SearchHit {
  readonly record: EmbeddingRecord;
  /** `metric.distance(query, record.vector)`. */
  readonly distance: number;
}

/** Options of {@link Store.search}. */
export interface SearchOptions {
  /** How many hits at most. */
  readonly k: number;
  /** The metric to rank by. A store bound to one metric (e.g. an ANN index) refuses others with `E_METRIC_UNSUPPORTED`. */
  readonly metric: Metric;
  /** Only records with this label. */
  readonly label?: string;
}

/** What a store holds. */
export interface StoreInfo {
  /** Model id of the stored embeddings; `null` while the store is empty and unbound. */
  readonly modelId: string | null;
  /** Embedding dimension; `null` while the store is empty and unbound. */
  readonly dimension: number | null;
  readonly count: number;
}

/**
 * A persistent (or in-memory) collection of labelled embeddings.
 *
 * Contract (checked by `describeStore` in `@pv/testkit`):
 * - **Binding.** A store remembers the model id and dimension of what it holds (from its options or its
 *   first record) and refuses others: `E_MODEL_MISMATCH`, `E_DIM_MISMATCH`; a query of the wrong length
 *   is `E_DIM_MISMATCH`. Binding survives deleting every record.
 * - **add** is all-or-nothing: a batch with one bad record adds nothing. It returns the stored records
 *   (ids and `createdAt` filled in), in input order. A duplicate id is `E_INVALID_ARGUMENT`.
 * - **search** returns at most `k` hits ordered from most to least similar; exact stores break ties by
 *   insertion order (earlier first). `label` restricts the candidates. k ≤ 0 returns nothing.
 * - **get** of an unknown id returns `undefined`; **delete** returns whether a record was removed;
 *   **deleteLabel** returns how many were removed.
 * - **labels** is sorted by label (code-unit order). **records()** yields every record once, in insertion order.
 * - Vectors handed in or out are copies: mutating them never changes the store.
 * - Persistent stores keep everything across `close()` and reopen. After `close()` calls fail with `E_STORE_CLOSED`.
 */
export interface Store {
  info(): Promise<StoreInfo>;
  add(records: readonly NewRecord[]): Promise<EmbeddingRecord[]>;
  get(id: string): Promise<EmbeddingRecord | undefined>;
  delete(id: string): Promise<boolean>;
  deleteLabel(label: string): Promise<number>;
  labels(): Promise<LabelCount[]>;
  count(): Promise<number>;
  search(query: Float32Array, options: SearchOptions): Promise<SearchHit[]>;
  records(): AsyncIterable<EmbeddingRecord>;
  close(): Promise<void>;
}
