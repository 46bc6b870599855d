import { StoreClosedError } from './errors.js';
import { checkBatch, checkQuery, copyRecord, materialise, type Binding } from './store-binding.js';
import type { EmbeddingRecord, LabelCount, NewRecord, SearchHit, SearchOptions, Store, StoreInfo } from './store.js';
import { selectTopK } from './top-k.js';

/** Options of {@link MemoryStore}. */
export interface MemoryStoreOptions {
  /** Bind the store to a model id up front. */
  readonly modelId?: string;
  /** Bind the store to a dimension up front. */
  readonly dimension?: number;
}

/**
 * The reference {@link Store}: everything in memory, exact search. Nothing survives the process.
 *
 * @example
 * ```ts
 * const store = new MemoryStore();
 * await store.add([{ label: 'alice', vector, modelId: 'mobilefacenet' }]);
 * const [best] = await store.search(query, { k: 1, metric: cosine });
 * ```
 */
export class MemoryStore implements Store {
  readonly #records = new Map<string, EmbeddingRecord>();
  #binding: Binding;
  #flat: { vectors: Float32Array; rows: EmbeddingRecord[] } | null = null;
  #closed = false;

  constructor(options: MemoryStoreOptions = {}) {
    this.#binding = { modelId: options.modelId ?? null, dimension: options.dimension ?? null };
  }

  async info(): Promise<StoreInfo> {
    this.#open();
    return { ...this.#binding, count: this.#records.size };
  }

  async add(records: readonly NewRecord[]): Promise<EmbeddingRecord[]> {
    this.#open();
    const binding = checkBatch(this.#binding, records);
    const stored = materialise(records, (id) => this.#records.has(id));
    this.#binding = binding;
    for (const r of stored) this.#records.set(r.id, r);
    this.#flat = null;
    return stored.map(copyRecord);
  }

  async get(id: string): Promise<EmbeddingRecord | undefined> {
    this.#open();
    const r = this.#records.get(id);
    return r ? copyRecord(r) : undefined;
  }

  async delete(id: string): Promise<boolean> {
    this.#open();
    const removed = this.#records.delete(id);
    if (removed) this.#flat = null;
    return removed;
  }

  async deleteLabel(label: string): Promise<number> {
    this.#open();
    let removed = 0;
    for (const [id, r] of this.#records) {
      if (r.label === label) {
        this.#records.delete(id);
        removed++;
      }
    }
    if (removed > 0) this.#flat = null;
    return removed;
  }

  async labels(): Promise<LabelCount[]> {
    this.#open();
    return countLabels(this.#records.values());
  }

  async count(): Promise<number> {
    this.#open();
    return this.#records.size;
  }

  async search(query: Float32Array, options: SearchOptions): Promise<SearchHit[]> {
    this.#open();
    checkQuery(this.#binding, query);
    const { vectors, rows } = this.#flatten();
    if (rows.length === 0 || options.k <= 0) return [];
    const distances = new Float32Array(rows.length);
    options.metric.distances(query, vectors, distances);
    const label = options.label;
    const accept = label === undefined ? undefined : (i: number) => (rows[i] as EmbeddingRecord).label === label;
    return selectTopK(distances, options.k, options.metric.closer, accept).map((i) => ({
      record: copyRecord(rows[i] as EmbeddingRecord),
      distance: distances[i] as number,
    }));
  }

  async *records(): AsyncIterable<EmbeddingRecord> {
    this.#open();
    for (const r of [...this.#records.values()]) yield copyRecord(r);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#records.clear();
    this.#flat = null;
  }

  #open(): void {
    if (this.#closed) throw new StoreClosedError();
  }

  #flatten(): { vectors: Float32Array; rows: EmbeddingRecord[] } {
    if (this.#flat) return this.#flat;
    const rows = [...this.#records.values()];
    const dim = this.#binding.dimension ?? 0;
    const vectors = new Float32Array(rows.length * dim);
    rows.forEach((r, i) => vectors.set(r.vector, i * dim));
    this.#flat = { vectors, rows };
    return this.#flat;
  }
}

/** Label counts sorted by label (code-unit order). Shared by stores that count in memory. */
export function countLabels(records: Iterable<Pick<EmbeddingRecord, 'label'>>): LabelCount[] {
  const counts = new Map<string, number>();
  for (const r of records) counts.set(r.label, (counts.get(r.label) ?? 0) + 1);
  return [...counts.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([label, count]) => ({ label, count }));
}
