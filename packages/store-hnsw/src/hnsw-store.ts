import { existsSync, writeFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  InvalidArgumentError,
  MetricUnsupportedError,
  StoreClosedError,
  StoreCorruptError,
  checkQuery,
  type EmbeddingRecord,
  type LabelCount,
  type NewRecord,
  type SearchHit,
  type SearchOptions,
  type Store,
  type StoreInfo,
} from '@pv/core';
import {
  RecordDatabase,
  decodeVector,
  searchExact,
  type DeletionEntry,
  type RecordDatabaseOptions,
  type SequencedRecord,
} from '@pv/store-sqlite';
import { GalleryIndex, type HnswParams, type HnswSpace } from './gallery-index.js';
import { stagingRoot, withStagingFile } from './graph-staging.js';
import { resolveSettings, type HnswSettings } from './hnsw-settings.js';
import { indexFilePath, listIndexFiles, publishIndexFile, removeStaleIndexFiles, type IndexFile } from './index-files.js';
import { fileSha256, recordChecksum, recordedChecksums, verifyIndexFile } from './index-integrity.js';

/** Options of {@link HnswStore.open}. */
export interface HnswStoreOptions extends RecordDatabaseOptions {
  /** Bind the store to a model id up front (refused with `E_MODEL_MISMATCH` if it holds another). */
  readonly modelId?: string;
  /** Bind the store to a dimension up front (refused with `E_DIM_MISMATCH` if it holds another). */
  readonly dimension?: number;
  /**
   * The metric space, fixed when the store is created: `cosine` (searched with `@pv/metric-cosine`) or
   * `l2` (with `@pv/metric-l2`). Default `cosine`. Reopening with another space is `E_METRIC_UNSUPPORTED`.
   */
  readonly space?: HnswSpace;
  /** Links per graph node (hnswlib `M`), fixed at creation. Default 16. */
  readonly m?: number;
  /** Candidate list size while inserting (hnswlib `efConstruction`), fixed at creation. Default 200. */
  readonly efConstruction?: number;
  /** Candidate list size while searching (hnswlib `ef`; `k` is used when larger). Default 200: recall@1 1.000 on 100k synthetic 512-d vectors, against 0.985 at 100 (BENCHMARKS.md). */
  readonly ef?: number;
  /** Records the graph has room for before it first grows. Default 1024. */
  readonly initialCapacity?: number;
  /** Changes (inserts and deletions) after which the index file is rewritten. Default 50,000. */
  readonly saveEvery?: number;
  /** A label search over at most this many records scores them exactly instead of filtering the graph. Default 2000. */
  readonly exactLabelLimit?: number;
  /**
   * What to do when this store's index files all fail verification (checksum recorded in the database,
   * header and element ranges): `rebuild` (default) the graph from the database, with a warning, or
   * `refuse` to open with `E_STORE_CORRUPT`. A damaged file never reaches hnswlib's reader either way.
   */
  readonly damagedIndex?: 'rebuild' | 'refuse';
  /** Receives warnings (an index file set aside and the graph rebuilt). Default: `process.emitWarning`. */
  readonly onWarning?: (message: string) => void;
}

const EXACT_CHUNK_ROWS = 4096;

/**
 * A persistent {@link Store} with approximate nearest-neighbour search (hnswlib's HNSW graph), for large
 * galleries.
 *
 * The records live in an SQLite database (the same schema as `@pv/store-sqlite`), which is the source of
 * truth; the graph is a cache kept in memory and written beside it as
 * `<file>.<store id>.s<seq>.d<deletion>.hnsw`, named after the database state it reflects. On open, the
 * newest usable file is read and brought up to date from the database (new records, logged deletions);
 * without one the graph is rebuilt. A crash at any point therefore loses no committed record.
 *
 * The store is bound to one metric space at creation; searching with another metric is
 * `E_METRIC_UNSUPPORTED`. Hits carry `metric.distance(query, vector)` computed on the stored vectors.
 * Ties are not ordered by insertion and recall is approximate (tune `ef`, `m`, `efConstruction`).
 *
 * @example
 * ```ts
 * const store = await HnswStore.open('gallery.db', { space: 'cosine' });
 * await store.add(records);
 * const hits = await store.search(query, { k: 10, metric: cosine });
 * await store.close(); // writes the index file
 * ```
 */
export class HnswStore implements Store {
  readonly #db: RecordDatabase;
  readonly #settings: HnswSettings;
  #params: HnswParams;
  readonly #initialCapacity: number;
  readonly #saveEvery: number;
  readonly #exactLabelLimit: number;
  readonly #damagedIndex: 'rebuild' | 'refuse';
  readonly #warn: (message: string) => void;
  #index: GalleryIndex | null = null;
  #seenDataVersion = -1;
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;

  private constructor(db: RecordDatabase, settings: HnswSettings, options: HnswStoreOptions) {
    this.#db = db;
    this.#settings = settings;
    this.#params = { space: settings.space, m: settings.m, efConstruction: settings.efConstruction, ef: options.ef ?? 200 };
    this.#initialCapacity = options.initialCapacity ?? 1024;
    this.#saveEvery = options.saveEvery ?? 50_000;
    this.#exactLabelLimit = options.exactLabelLimit ?? 2000;
    this.#damagedIndex = options.damagedIndex ?? 'rebuild';
    this.#warn = options.onWarning ?? ((message) => process.emitWarning(message, { code: 'PV_HNSW_INDEX_REBUILT' }));
  }

  /** Opens the store in `file` (creating it when absent), reading or rebuilding its index. */
  static async open(file: string, options: HnswStoreOptions = {}): Promise<HnswStore> {
    checkOptions(options);
    const db = RecordDatabase.open(file, options);
    try {
      const settings = db.write(() => {
        if (options.modelId !== undefined || options.dimension !== undefined) db.bindTo(options);
        return resolveSettings(db, options);
      });
      const store = new HnswStore(db, settings, options);
      await store.#exclusive(async () => {
        await store.#refresh();
        await store.#saveIfDue();
      });
      return store;
    } catch (error) {
      db.close();
      throw error;
    }
  }

  /** The database file. */
  get file(): string {
    return this.#db.file;
  }

  /** The metric space the index is built in. */
  get space(): HnswSpace {
    return this.#settings.space;
  }

  /** The search-time candidate list size (hnswlib `ef`): larger is slower and finds more true neighbours. */
  get ef(): number {
    return this.#params.ef;
  }

  set ef(ef: number) {
    if (!(Number.isInteger(ef) && ef > 0)) throw new InvalidArgumentError(`ef must be a positive integer, not ${ef}`);
    this.#params = { ...this.#params, ef };
    this.#index?.setEf(ef);
  }

  async info(): Promise<StoreInfo> {
    return this.#db.read(() => ({ ...this.#db.binding(), count: this.#db.count() }));
  }

  async add(records: readonly NewRecord[]): Promise<EmbeddingRecord[]> {
    return this.#exclusive(async () => {
      this.#checkOpen();
      const stored = this.#db.write(() => {
        this.#catchUp();
        return this.#db.insert(records);
      });
      this.#applyInserts(stored);
      await this.#saveIfDue();
      return stored.map((s) => s.record);
    });
  }

  async get(id: string): Promise<EmbeddingRecord | undefined> {
    return this.#db.read(() => this.#db.get(id));
  }

  async delete(id: string): Promise<boolean> {
    return (await this.#deleteWhere((db) => (db.deleteId(id) ? 1 : 0))) > 0;
  }

  async deleteLabel(label: string): Promise<number> {
    return this.#deleteWhere((db) => db.deleteLabel(label));
  }

  async labels(): Promise<LabelCount[]> {
    return this.#db.read(() => this.#db.labelCounts());
  }

  async count(): Promise<number> {
    return this.#db.read(() => this.#db.count());
  }

  /**
   * Approximate search in the HNSW graph. With `label`, a label holding at most `exactLabelLimit` records is
   * searched exactly; a larger one through the graph with a label filter.
   */
  async search(query: Float32Array, options: SearchOptions): Promise<SearchHit[]> {
    return this.#exclusive(async () => {
      this.#checkOpen();
      await this.#refresh();
      const { dimension } = this.#db.read(() => this.#db.binding());
      checkQuery({ modelId: null, dimension }, query);
      const { metric, k, label } = options;
      if (metric.id !== this.#settings.space) {
        throw new MetricUnsupportedError(metric.id, [this.#settings.space], { file: this.#db.file });
      }
      const index = this.#index;
      if (k <= 0 || dimension === null || index === null) return [];
      return this.#db.read(() => {
        if (label !== undefined && this.#db.countLabel(label) <= this.#exactLabelLimit) {
          const best = searchExact(this.#db.vectorRows(label), { query, dimension, k, metric, chunkRows: EXACT_CHUNK_ROWS, file: this.#db.file });
          return best.map(({ seq, distance }) => ({ record: this.#db.getBySeq(seq) as EmbeddingRecord, distance }));
        }
        const hits: (SearchHit & { seq: number })[] = [];
        for (const seq of index.search(query, k, label === undefined ? undefined : this.#db.labelKey(label))) {
          const record = this.#db.getBySeq(seq);
          const distance = record ? Math.fround(metric.distance(query, record.vector)) : Number.NaN;
          // The graph only proposes candidates: each is re-ranked by its exact distance to the vector stored
          // in the database. A record deleted by another connection since the graph caught up is skipped, as
          // is one of another label and a NaN distance (a query holding NaN), which exact stores skip too.
          if (record && !Number.isNaN(distance) && (label === undefined || record.label === label)) hits.push({ record, distance, seq });
        }
        hits.sort((a, b) => a.distance - b.distance || a.seq - b.seq);
        return hits.map(({ record, distance }) => ({ record, distance }));
      });
    });
  }

  records(): AsyncIterable<EmbeddingRecord> {
    return this.#db.records();
  }

  /**
   * Makes every deletion so far an erasure in the store's files: writes a new index file (in which the
   * deleted records' vectors were overwritten before they were marked deleted) and removes the older ones
   * — or, when no index file can be written, removes every index file (the graph is rebuilt on open) —
   * then truncates the database's write-ahead log (see `SqliteStore.eraseDeleted`). `close()` does the
   * same. Resolves to false when another connection's reader kept the WAL from being truncated.
   */
  async eraseDeleted(): Promise<boolean> {
    return this.#exclusive(async () => {
      this.#checkOpen();
      await this.#saveOrDropIndexFiles();
      return this.#db.eraseDeleted();
    });
  }

  /** Writes the index file if anything changed since it was last written (see {@link eraseDeleted}), then closes the database. */
  async close(): Promise<void> {
    await this.#exclusive(async () => {
      if (this.#closed) return;
      this.#closed = true;
      try {
        await this.#saveOrDropIndexFiles();
      } finally {
        this.#index = null;
        this.#db.close();
      }
    });
  }

  #checkOpen(): void {
    if (this.#closed) throw new StoreClosedError();
  }

  /** Runs `fn` after every earlier index operation: the graph is never changed while it is being written. */
  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(fn);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  async #deleteWhere(remove: (db: RecordDatabase) => number): Promise<number> {
    return this.#exclusive(async () => {
      this.#checkOpen();
      const { removed, deletions } = this.#db.write(() => {
        this.#catchUp();
        const count = remove(this.#db);
        return { removed: count, deletions: count > 0 ? this.#db.deletionsAfter(this.#index?.cursor.deletion ?? 0) : [] };
      });
      this.#applyDeletions(deletions);
      await this.#saveIfDue();
      return removed;
    });
  }

  /** Brings the graph up to date when another connection has committed since the last look. */
  async #refresh(): Promise<void> {
    const version = this.#db.dataVersion();
    if (version === this.#seenDataVersion) return;
    const files = this.#index === null ? await listIndexFiles(this.#db.file) : [];
    this.#db.read(() => {
      if (this.#index === null) this.#index = this.#readNewestIndexFile(files);
      this.#catchUp();
    });
    this.#seenDataVersion = version;
  }

  /**
   * Applies to the graph what other connections committed after its cursor (call inside a transaction).
   * Creates the graph once the store is bound to a dimension.
   */
  #catchUp(): void {
    if (this.#index === null) {
      const { dimension } = this.#db.binding();
      if (dimension === null) return;
      this.#index = GalleryIndex.create(this.#params, dimension, this.#initialCapacity);
    }
    const index = this.#index;
    const target = this.#db.cursor();
    if (target.seq === index.cursor.seq && target.deletion === index.cursor.deletion) return;
    for (const { seq } of this.#db.deletionsAfter(index.cursor.deletion)) index.remove(seq);
    const dimension = this.#db.binding().dimension as number;
    // Labels as the database keys them (tags in an encrypted store): the graph only compares them.
    for (const [seq, label, blob] of this.#db.labelledVectorRowsAfter(index.cursor.seq)) {
      index.add(seq, label, decodeVector(blob, dimension, this.#db.file));
    }
    index.cursor = target;
  }

  /**
   * Reads this store's newest index file that the database can bring up to date (call inside a
   * transaction), restoring labels and the deletions made since it was written. Each file is verified
   * first (its SHA-256 against the one recorded in the database, then its header and elements); damaged,
   * unreadable or unusable files are skipped with a warning (or refused, with `damagedIndex: 'refuse'`);
   * `null` when none is usable (the graph is then rebuilt).
   */
  #readNewestIndexFile(files: readonly IndexFile[]): GalleryIndex | null {
    const { dimension } = this.#db.binding();
    if (dimension === null) return null;
    const now = this.#db.cursor();
    const checksums = recordedChecksums(this.#db);
    const problems: string[] = [];
    for (const file of files) {
      if (file.storeId !== this.#settings.storeId || file.cursor.seq > now.seq || file.cursor.deletion > now.deletion) continue;
      try {
        const cipher = this.#db.cipher;
        const expected = { dimension, m: this.#settings.m, efConstruction: this.#settings.efConstruction, maxSeq: file.cursor.seq };
        let index: GalleryIndex;
        if (cipher === null) {
          verifyIndexFile(file.path, checksums[path.basename(file.path)], expected);
          index = GalleryIndex.read(file.path, this.#params, dimension);
        } else {
          // Sealed at rest: verified as stored, opened in memory, handed to hnswlib through a memory file.
          const graph = verifyIndexFile(file.path, checksums[path.basename(file.path)], expected, (sealed, name) => cipher.open(sealed, name, file.path));
          const staged = withStagingFile((plain) => {
            writeFileSync(plain, graph, { mode: 0o600 });
            return GalleryIndex.read(plain, this.#params, dimension);
          });
          graph.fill(0);
          if (staged === null) throw new Error(`${path.basename(file.path)}: no memory file system to open the encrypted graph in`);
          index = staged;
        }
        for (const [seq, label] of this.#db.labelRowsUpTo(file.cursor.seq)) index.track(seq, label);
        let deletion = file.cursor.deletion;
        for (const entry of this.#db.deletionsAfter(file.cursor.deletion)) {
          if (entry.seq <= file.cursor.seq) index.markDeletedInGraph(entry.seq);
          deletion = entry.position;
        }
        index.cursor = { seq: file.cursor.seq, deletion };
        index.unsaved = now.deletion - file.cursor.deletion;
        if (problems.length > 0) this.#warn(`${this.#db.file}: index files set aside (${problems.join('; ')}); an older one was used`);
        return index;
      } catch (error) {
        // Damaged, unreadable or inconsistent with the database: try an older file, else rebuild.
        problems.push((error as Error).message);
      }
    }
    if (problems.length > 0) {
      if (this.#damagedIndex === 'refuse') {
        throw new StoreCorruptError(`${this.#db.file}: its index files fail verification (${problems.join('; ')}); refused (damagedIndex: 'refuse'), nothing was written`, {
          file: this.#db.file,
          problems,
        });
      }
      this.#warn(`${this.#db.file}: index files set aside (${problems.join('; ')}); the graph is rebuilt from the database`);
    }
    return null;
  }

  /** Adds this connection's just-committed records to the graph. */
  #applyInserts(stored: readonly SequencedRecord[]): void {
    const last = stored[stored.length - 1];
    if (!last) return;
    if (this.#index === null) {
      this.#index = GalleryIndex.create(this.#params, last.record.vector.length, this.#initialCapacity);
    }
    const index = this.#index;
    index.reserve(stored.length);
    for (const { seq, record } of stored) index.add(seq, this.#db.labelKey(record.label), record.vector);
    index.cursor = { seq: last.seq, deletion: index.cursor.deletion };
  }

  /** Marks this connection's just-committed deletions in the graph. */
  #applyDeletions(deletions: readonly DeletionEntry[]): void {
    const index = this.#index;
    const last = deletions[deletions.length - 1];
    if (index === null || !last) return;
    for (const { seq } of deletions) index.remove(seq);
    index.cursor = { seq: index.cursor.seq, deletion: last.position };
  }

  /** {@link #save}; when the graph could not be written, removes every index file (they may hold deleted vectors). */
  async #saveOrDropIndexFiles(): Promise<void> {
    await this.#save();
    if (this.#index === null || this.#index.unsaved === 0 || this.#db.file === ':memory:' || this.#db.file === '') return;
    for (const file of await listIndexFiles(this.#db.file)) await unlink(file.path).catch(() => undefined);
  }

  async #saveIfDue(): Promise<void> {
    if (this.#index !== null && this.#index.unsaved >= this.#saveEvery) await this.#save();
  }

  /**
   * Writes the graph to a new index file named after its cursor and removes superseded files. A failure
   * (read-only directory, full disk) is not an error: the index is a cache, rebuilt or caught up on open.
   */
  async #save(): Promise<void> {
    const index = this.#index;
    if (index === null || index.unsaved === 0 || this.#db.file === ':memory:' || this.#db.file === '') return;
    const cursor = index.cursor;
    const target = indexFilePath(this.#db.file, this.#settings.storeId, cursor);
    try {
      const cipher = this.#db.cipher;
      await publishIndexFile(target, async (temp) => {
        if (cipher === null) await index.write(temp, this.#params);
        else await writeSealedGraph(index, this.#params, temp, (plain) => cipher.seal(plain, path.basename(target)));
        // The digest goes into the database (the source of truth) before the file is published.
        const digest = fileSha256(temp);
        const dir = path.dirname(target);
        this.#db.write(() => recordChecksum(this.#db, target, digest, (name) => existsSync(path.join(dir, name))));
      });
      index.unsaved = 0;
      await removeStaleIndexFiles(this.#db.file, { path: target, storeId: this.#settings.storeId, cursor });
    } catch {
      // Kept unsaved: the next save tries again.
    }
  }
}

/**
 * Writes the graph sealed to `file`: hnswlib writes it to a memory file ({@link withStagingFile}), which is
 * read, sealed, and removed; without a memory file system nothing is written (an error: the save is
 * skipped and the graph is rebuilt on open).
 */
async function writeSealedGraph(index: GalleryIndex, params: HnswParams, file: string, seal: (plain: Uint8Array) => Uint8Array): Promise<void> {
  const root = stagingRoot();
  if (root === null) throw new Error('no memory file system to stage the encrypted graph in');
  const dir = await mkdtemp(path.join(root, 'pv-hnsw-'));
  try {
    const plainFile = path.join(dir, 'graph.hnsw');
    await index.write(plainFile, params);
    const plain = await readFile(plainFile);
    await rm(dir, { recursive: true, force: true });
    const sealed = seal(plain);
    plain.fill(0);
    await writeFile(file, sealed, { mode: 0o600 });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function checkOptions(options: HnswStoreOptions): void {
  if (options.space !== undefined && options.space !== 'cosine' && options.space !== 'l2') {
    throw new InvalidArgumentError(`space must be "cosine" or "l2", not "${String(options.space)}"`);
  }
  const positive: [keyof HnswStoreOptions, number | undefined][] = [
    ['m', options.m],
    ['efConstruction', options.efConstruction],
    ['ef', options.ef],
    ['initialCapacity', options.initialCapacity],
    ['saveEvery', options.saveEvery],
  ];
  for (const [name, value] of positive) {
    if (value !== undefined && !(Number.isInteger(value) && value > 0)) {
      throw new InvalidArgumentError(`${name} must be a positive integer, not ${value}`);
    }
  }
  if (options.exactLabelLimit !== undefined && !(Number.isInteger(options.exactLabelLimit) && options.exactLabelLimit >= 0)) {
    throw new InvalidArgumentError(`exactLabelLimit must be a non-negative integer, not ${options.exactLabelLimit}`);
  }
}
