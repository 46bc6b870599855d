import {
  InvalidArgumentError,
  checkQuery,
  type EmbeddingRecord,
  type LabelCount,
  type NewRecord,
  type SearchHit,
  type SearchOptions,
  type Store,
  type StoreInfo,
} from '@pv/core';
import { searchExact } from './exact-search.js';
import { RecordDatabase, type RecordDatabaseOptions } from './record-database.js';
import { cacheBytesPerRow, SearchCache } from './search-cache.js';

/** Options of {@link SqliteStore.open}. */
export interface SqliteStoreOptions extends RecordDatabaseOptions {
  /** Bind the store to a model id up front (refused with `E_MODEL_MISMATCH` if it holds another). */
  readonly modelId?: string;
  /** Bind the store to a dimension up front (refused with `E_DIM_MISMATCH` if it holds another). */
  readonly dimension?: number;
  /** Rows scored at a time by `search`; bounds its memory to `searchChunkRows × dimension` floats. Default 4096. */
  readonly searchChunkRows?: number;
  /**
   * Most bytes the in-memory search cache may hold (default 2 GiB; 0 turns it off). While the store's
   * vectors fit (about 2.6 KiB per 512-d record: float32 rows plus an int8 pre-scan), searches without a
   * label run on the cache at memory speed after the first; a larger store is streamed from SQLite in
   * chunks as before.
   */
  readonly searchCacheBytes?: number;
}

/**
 * A persistent {@link Store} in one SQLite file (better-sqlite3), with exact search streamed in chunks.
 *
 * Every `add` is one transaction: a batch is stored whole or not at all, even if the process is killed.
 * The database runs in WAL mode, so any number of processes may read while one writes; writers are
 * serialised (each waits up to `busyTimeoutMs`, then fails with `E_STORE_LOCKED`). A file that is not a
 * pv store, or is damaged, is refused with `E_STORE_CORRUPT` and never overwritten: opening runs a bounded
 * integrity check (`openCheck`), every read verifies each record's checksum, and once a connection has met
 * damage every write is refused (see `checkStore` and `salvageStore`).
 *
 * @example
 * ```ts
 * const store = await SqliteStore.open('gallery.db');
 * await store.add([{ label: 'alice', vector, modelId: 'mobilefacenet' }]);
 * const [best] = await store.search(query, { k: 1, metric: cosine });
 * await store.close();
 * ```
 */
export class SqliteStore implements Store {
  readonly #db: RecordDatabase;
  readonly #searchChunkRows: number;
  readonly #searchCacheBytes: number;
  #cache: SearchCache | null = null;

  private constructor(db: RecordDatabase, searchChunkRows: number, searchCacheBytes: number) {
    this.#db = db;
    this.#searchChunkRows = searchChunkRows;
    this.#searchCacheBytes = searchCacheBytes;
  }

  /** Opens the store in `file`, creating it when absent. */
  static async open(file: string, options: SqliteStoreOptions = {}): Promise<SqliteStore> {
    const searchChunkRows = options.searchChunkRows ?? 4096;
    if (!Number.isInteger(searchChunkRows) || searchChunkRows < 1) {
      throw new InvalidArgumentError(`searchChunkRows must be a positive integer, not ${searchChunkRows}`);
    }
    const searchCacheBytes = options.searchCacheBytes ?? 2 * 2 ** 30;
    if (!(searchCacheBytes >= 0)) throw new InvalidArgumentError(`searchCacheBytes must be 0 or more, not ${searchCacheBytes}`);
    const db = RecordDatabase.open(file, options);
    try {
      if (options.modelId !== undefined || options.dimension !== undefined) db.write(() => db.bindTo(options));
    } catch (error) {
      db.close();
      throw error;
    }
    return new SqliteStore(db, searchChunkRows, searchCacheBytes);
  }

  /** The database file. */
  get file(): string {
    return this.#db.file;
  }

  async info(): Promise<StoreInfo> {
    return this.#db.read(() => ({ ...this.#db.binding(), count: this.#db.count() }));
  }

  async add(records: readonly NewRecord[]): Promise<EmbeddingRecord[]> {
    return this.#db.write(() => this.#db.insert(records)).map((r) => r.record);
  }

  async get(id: string): Promise<EmbeddingRecord | undefined> {
    return this.#db.read(() => this.#db.get(id));
  }

  async delete(id: string): Promise<boolean> {
    return this.#db.write(() => this.#db.deleteId(id));
  }

  async deleteLabel(label: string): Promise<number> {
    return this.#db.write(() => this.#db.deleteLabel(label));
  }

  async labels(): Promise<LabelCount[]> {
    return this.#db.read(() => this.#db.labelCounts());
  }

  async count(): Promise<number> {
    return this.#db.read(() => this.#db.count());
  }

  /**
   * Exact search. Without a label, on the in-memory search cache while the store fits `searchCacheBytes`
   * (loaded by the first search, then kept in step with every connection's commits); otherwise every
   * vector (of `options.label`, when given) is streamed and scored, `searchChunkRows` at a time. Both give
   * the same answer.
   */
  async search(query: Float32Array, options: SearchOptions): Promise<SearchHit[]> {
    return this.#db.read(() => {
      const { dimension } = this.#db.binding();
      checkQuery({ modelId: null, dimension }, query);
      if (dimension === null || options.k <= 0) return [];
      const cache = options.label === undefined ? this.#syncedCache(dimension) : null;
      const best = cache
        ? cache.search(query, options.k, options.metric)
        : searchExact(this.#db.vectorRows(options.label), {
        query,
        dimension,
        k: options.k,
        metric: options.metric,
        chunkRows: this.#searchChunkRows,
        file: this.#db.file,
      });
      return best.map(({ seq, distance }) => ({ record: this.#db.getBySeq(seq) as EmbeddingRecord, distance }));
    });
  }

  /** The search cache at this read transaction's snapshot, or null when the store does not fit its bound. */
  #syncedCache(dimension: number): SearchCache | null {
    // The largest sequence number issued bounds the row count without counting rows.
    if (this.#db.cursor().seq * cacheBytesPerRow(dimension) > this.#searchCacheBytes) {
      this.#cache = null;
      return null;
    }
    if (this.#cache !== null && !this.#cache.sync(this.#db)) this.#cache = null;
    if (this.#cache === null) {
      this.#cache = new SearchCache(dimension);
      this.#cache.sync(this.#db);
    }
    return this.#cache;
  }

  /**
   * Makes every deletion so far an erasure in the store's files. Deletions already overwrite the deleted
   * rows with zeros (`secure_delete`) and truncate the write-ahead log when no other connection is reading;
   * this waits (up to the busy timeout) for readers to finish and truncates it. Resolves to false when a
   * reader still held an older snapshot: the WAL is then truncated at the latest when the last connection
   * closes.
   */
  async eraseDeleted(): Promise<boolean> {
    return this.#db.eraseDeleted();
  }

  records(): AsyncIterable<EmbeddingRecord> {
    return this.#db.records();
  }

  async close(): Promise<void> {
    this.#cache = null;
    this.#db.close();
  }
}
