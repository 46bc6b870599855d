import { StoreClosedError } from './errors.js';
import { ExactScanner, type ExactSearchAccelerator } from './exact-search.js';
import { checkBatch, checkQuery, copyRecord, materialise, type Binding } from './store-binding.js';
import type { EmbeddingRecord, LabelCount, NewRecord, SearchHit, SearchOptions, Store, StoreInfo } from './store.js';

/** Options of {@link MemoryStore}. */
export interface MemoryStoreOptions {
  /** Bind the store to a model id up front. */
  readonly modelId?: string;
  /** Bind the store to a dimension up front. */
  readonly dimension?: number;
  /**
   * Speeds up exact search without changing its results, e.g. `@pv/exact-scan`'s `int8ScanAccelerator`
   * (the `@pv/stores` registry's `memory:` stores get that one). Costs the accelerator's copy of the rows
   * (int8: about 0.55 KiB per 512-d row beside the 2 KiB float32 row), built on the first search.
   * Without one, every row is scored.
   */
  readonly accelerator?: ExactSearchAccelerator;
}

/**
 * The reference {@link Store}: everything in memory, exact search. Nothing survives the process.
 *
 * Search scores every row, or, with an {@link ExactSearchAccelerator} (`options.accelerator`), only the
 * rows its pre-scan cannot rule out: the hits are the same either way (same records, same float32
 * distances, same order, ties in insertion order). Adds extend the pre-scan; deletions drop it and the
 * next search rebuilds it.
 *
 * @example
 * ```ts
 * const store = new MemoryStore(); // or new MemoryStore({ accelerator: int8ScanAccelerator }) from @pv/exact-scan
 * await store.add([{ label: 'alice', vector, modelId: 'mobilefacenet' }]);
 * const [best] = await store.search(query, { k: 1, metric: cosine });
 * ```
 */
export class MemoryStore implements Store {
  readonly #records = new Map<string, EmbeddingRecord>();
  #binding: Binding;
  /** The records in insertion order and their vectors, row-major (spare capacity past the rows); null after a deletion. */
  #flat: { vectors: Float32Array; rows: EmbeddingRecord[] } | null = null;
  readonly #scanner: ExactScanner;
  #closed = false;

  constructor(options: MemoryStoreOptions = {}) {
    this.#binding = { modelId: options.modelId ?? null, dimension: options.dimension ?? null };
    this.#scanner = new ExactScanner(options.accelerator);
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
    this.#appendFlat(stored);
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
    if (removed) this.#dropFlat();
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
    if (removed > 0) this.#dropFlat();
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
    const label = options.label;
    const accept = label === undefined ? undefined : (i: number) => (rows[i] as EmbeddingRecord).label === label;
    const used = vectors.subarray(0, rows.length * query.length);
    return this.#scanner.search(query, used, options.k, options.metric, accept).map(({ row, distance }) => ({
      record: copyRecord(rows[row] as EmbeddingRecord),
      distance,
    }));
  }

  async *records(): AsyncIterable<EmbeddingRecord> {
    this.#open();
    for (const r of [...this.#records.values()]) yield copyRecord(r);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#records.clear();
    this.#dropFlat();
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

  /** Extends the flat copy (if built) with records just added at the end of the map. */
  #appendFlat(stored: readonly EmbeddingRecord[]): void {
    const flat = this.#flat;
    if (flat === null || stored.length === 0) return;
    const dim = this.#binding.dimension ?? 0;
    const start = flat.rows.length;
    let vectors = flat.vectors;
    if (vectors.length < (start + stored.length) * dim) {
      vectors = new Float32Array(Math.max(start + stored.length, Math.ceil(start * 1.5)) * dim);
      vectors.set(flat.vectors.subarray(0, start * dim));
    }
    stored.forEach((r, i) => vectors.set(r.vector, (start + i) * dim));
    // Searches read the rows synchronously, so extending the array in place is safe.
    for (const r of stored) flat.rows.push(r);
    this.#flat = { vectors, rows: flat.rows };
  }

  /** Rows were removed: the flat copy and the pre-scans are rebuilt on the next search. */
  #dropFlat(): void {
    this.#flat = null;
    this.#scanner.reset();
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
