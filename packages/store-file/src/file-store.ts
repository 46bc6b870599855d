import path from 'node:path';
import {
  checkBatch,
  checkQuery,
  copyRecord,
  countLabels,
  DimensionMismatchError,
  InvalidArgumentError,
  materialise,
  ModelMismatchError,
  NotFoundError,
  StoreClosedError,
  ExactScanner,
  type Binding,
  type ExactSearchAccelerator,
  type EmbeddingRecord,
  type LabelCount,
  type NewRecord,
  type SearchHit,
  type SearchOptions,
  type Store,
  type StoreInfo,
} from '@pv/core';
import { int8ScanAccelerator } from '@pv/exact-scan';
import { cipherFor, type StoreCipher, type StoreEncryption } from '@pv/store-crypto';
import { checkKeyFits, encodeEncryptedStore, readEncryptedStoreFile, storeFileKind } from './encrypted-file.js';
import { encodeStore, type RecordMeta, type StoreContents } from './format.js';
import { readStoreFile, removeStaleTempFiles, writeStoreFileAtomically, type StoreFileRead } from './store-file-io.js';
import { acquireWriterLock, type WriterLock } from './writer-lock.js';

/** Options of {@link FileStore.open}. */
export interface FileStoreOptions {
  /**
   * Open for reading only: takes no lock (so it works while a writer is active), needs the file to
   * exist (`E_NOT_FOUND` otherwise), sees the file as it was when opened, and refuses mutating calls
   * with `E_INVALID_ARGUMENT`.
   */
  readonly readOnly?: boolean;
  /** Bind a new store to this model id; opening a file bound to another model is `E_MODEL_MISMATCH`. */
  readonly modelId?: string;
  /** Bind a new store to this dimension; opening a file of another dimension is `E_DIM_MISMATCH`. */
  readonly dimension?: number;
  /**
   * Encrypt the store at rest (AES-256-GCM of the whole file: vectors, labels, ids, sources) with the key
   * this names (`{ keyEnv }`, `{ keyFile }` or `{ key }`, see `@pv/store-crypto`). An encrypted file opened
   * without its key, with another key, or a plain file opened with a key is `E_STORE_KEY`, file untouched.
   */
  readonly encryption?: StoreEncryption;
  /**
   * What speeds up exact search without changing its results (see `ExactSearchAccelerator` in `@pv/core`):
   * by default `@pv/exact-scan`'s `int8ScanAccelerator`, an int8 WebAssembly SIMD pre-scan (about
   * 0.55 KiB of memory per 512-d row beside the 2 KiB float32 row, built on the first search); `null`
   * scores every row.
   */
  readonly accelerator?: ExactSearchAccelerator | null;
}

/** Permission bits of a newly created store file: embeddings are biometric data, so owner-only. */
const NEW_FILE_MODE = 0o600;
/** How much the vector block grows beyond what an add needs, so a run of small adds copies rarely. */
const GROWTH_FACTOR = 1.5;
/** Matches a UTF-16 surrogate that is not part of a pair (such a string cannot round-trip through UTF-8). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * A {@link Store} kept in one file: a versioned, checksummed binary format (see the package README),
 * loaded whole into memory, searched exactly over one contiguous Float32Array: through an int8 pre-scan
 * and an exact re-rank of the rows it cannot rule out (`@pv/exact-scan`, same hits as scoring every row)
 * for `@pv/metric-cosine`'s and `@pv/metric-l2`'s metrics, by scoring every row for others.
 *
 * Every mutating call rewrites the file atomically (temporary file, fsync, rename, directory fsync) and
 * is durable when its promise resolves. One writer at a time holds `<file>.lock`; read-only instances
 * need no lock.
 *
 * @example
 * ```ts
 * const store = await FileStore.open('faces.pvstore');
 * await store.add([{ label: 'alice', vector, modelId: 'mobilefacenet' }]);
 * const [best] = await store.search(query, { k: 1, metric: cosine });
 * await store.close();
 * ```
 */
export class FileStore implements Store {
  /** Absolute path of the store file. */
  readonly path: string;
  /** Whether this instance was opened with `readOnly`. */
  readonly readOnly: boolean;
  #binding: Binding;
  #rows: RecordMeta[];
  /** Row-major vectors of `#rows`; may be longer than needed (spare capacity for adds). */
  #vectors: Float32Array;
  #index: Map<string, number>;
  #lock: WriterLock | null;
  readonly #mode: number;
  readonly #encode: (contents: StoreContents) => Uint8Array[];
  #pending: Promise<unknown> = Promise.resolve();
  /** Exact search over `#vectors`; told to reset whenever rows are removed (adds only append). */
  readonly #scanner: ExactScanner;
  #closed = false;

  private constructor(
    file: string,
    binding: Binding,
    contents: StoreContents | undefined,
    lock: WriterLock | null,
    mode: number,
    cipher: StoreCipher | null,
    accelerator: ExactSearchAccelerator | null,
  ) {
    this.path = file;
    this.readOnly = lock === null;
    this.#binding = binding;
    this.#rows = contents ? [...contents.rows] : [];
    this.#vectors = contents?.vectors ?? new Float32Array(0);
    this.#index = indexById(this.#rows);
    this.#lock = lock;
    this.#mode = mode;
    this.#encode = cipher === null ? encodeStore : (c) => encodeEncryptedStore(c, cipher);
    this.#scanner = new ExactScanner(accelerator ?? undefined);
  }

  /**
   * Opens (for writing, by default) the store kept in `file`. A writer takes the lock first
   * (`E_STORE_LOCKED` if another live writer holds it) and creates the file on its first write; a file
   * that cannot be trusted is `E_STORE_CORRUPT` and is left as it is.
   */
  static async open(file: string, options: FileStoreOptions = {}): Promise<FileStore> {
    checkOptions(options);
    const resolved = path.resolve(file);
    const cipher = cipherFor(options.encryption);
    const accelerator = options.accelerator === undefined ? int8ScanAccelerator : options.accelerator;
    if (options.readOnly === true) {
      const read = await readAnyStoreFile(resolved, cipher);
      if (read === null) throw new NotFoundError(`Store file ${resolved} does not exist`, { file: resolved });
      return new FileStore(resolved, bindingOf(resolved, options, read.contents), read.contents, null, read.mode, cipher, accelerator);
    }
    const lock = await acquireWriterLock(resolved);
    try {
      await removeStaleTempFiles(resolved);
      const read = await readAnyStoreFile(resolved, cipher);
      return new FileStore(resolved, bindingOf(resolved, options, read?.contents), read?.contents, lock, read?.mode ?? NEW_FILE_MODE, cipher, accelerator);
    } catch (error) {
      await lock.release();
      throw error;
    }
  }

  async info(): Promise<StoreInfo> {
    this.#assertOpen();
    return { ...this.#binding, count: this.#rows.length };
  }

  async add(records: readonly NewRecord[]): Promise<EmbeddingRecord[]> {
    this.#assertWritable();
    return this.#serialise(async () => {
      const binding = checkBatch(this.#binding, records);
      const stored = materialise(records, (id) => this.#index.has(id));
      stored.forEach(checkEncodable);
      if (stored.length === 0) return [];
      const dimension = binding.dimension as number;
      const start = this.#rows.length;
      const vectors = this.#reserve((start + stored.length) * dimension);
      stored.forEach((record, i) => vectors.set(record.vector, (start + i) * dimension));
      const rows = [...this.#rows, ...stored.map(metaOf)];
      await writeStoreFileAtomically(this.path, { modelId: binding.modelId as string, dimension, rows, vectors }, this.#mode, this.#encode);
      this.#binding = binding;
      this.#rows = rows;
      stored.forEach((record, i) => this.#index.set(record.id, start + i));
      return stored;
    });
  }

  async get(id: string): Promise<EmbeddingRecord | undefined> {
    this.#assertOpen();
    const index = this.#index.get(id);
    return index === undefined ? undefined : this.#recordAt(this.#rows, this.#vectors, index);
  }

  async delete(id: string): Promise<boolean> {
    this.#assertWritable();
    return this.#serialise(async () => {
      const target = this.#index.get(id);
      return target !== undefined && (await this.#removeRows((_, index) => index === target)) > 0;
    });
  }

  async deleteLabel(label: string): Promise<number> {
    this.#assertWritable();
    return this.#serialise(() => this.#removeRows((row) => row.label === label));
  }

  async labels(): Promise<LabelCount[]> {
    this.#assertOpen();
    return countLabels(this.#rows);
  }

  async count(): Promise<number> {
    this.#assertOpen();
    return this.#rows.length;
  }

  async search(query: Float32Array, options: SearchOptions): Promise<SearchHit[]> {
    this.#assertOpen();
    checkQuery(this.#binding, query);
    const rows = this.#rows;
    const vectors = this.#vectors;
    if (rows.length === 0 || options.k <= 0) return [];
    const dimension = this.#binding.dimension as number;
    const label = options.label;
    const accept = label === undefined ? undefined : (i: number) => (rows[i] as RecordMeta).label === label;
    return this.#scanner
      .search(query, vectors.subarray(0, rows.length * dimension), options.k, options.metric, accept)
      .map(({ row, distance }) => ({ record: this.#recordAt(rows, vectors, row), distance }));
  }

  async *records(): AsyncIterable<EmbeddingRecord> {
    this.#assertOpen();
    // Mutations replace #rows rather than editing it, and only append to #vectors past the rows in use.
    const rows = this.#rows;
    const vectors = this.#vectors;
    for (let i = 0; i < rows.length; i++) yield this.#recordAt(rows, vectors, i);
  }

  /** Waits for pending writes, releases the lock and frees memory. Later calls fail with `E_STORE_CLOSED`. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#pending;
    await this.#lock?.release();
    this.#lock = null;
    this.#rows = [];
    this.#vectors = new Float32Array(0);
    this.#scanner.reset();
    this.#index.clear();
  }

  #assertOpen(): void {
    if (this.#closed) throw new StoreClosedError();
  }

  #assertWritable(): void {
    this.#assertOpen();
    if (this.readOnly) throw new InvalidArgumentError(`Store ${this.path} was opened read-only`, { file: this.path });
  }

  /** Runs mutations one after another, each seeing the state the previous one committed. */
  #serialise<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#pending.then(work);
    this.#pending = result.catch(() => undefined);
    return result;
  }

  /** The vector block with room for `length` values (existing rows kept). */
  #reserve(length: number): Float32Array {
    if (this.#vectors.length >= length) return this.#vectors;
    const grown = new Float32Array(Math.max(length, Math.ceil(this.#vectors.length * GROWTH_FACTOR)));
    grown.set(this.#vectors);
    this.#vectors = grown;
    return grown;
  }

  /** Writes the store without the rows `remove` picks, then commits; returns how many were removed. */
  async #removeRows(remove: (row: RecordMeta, index: number) => boolean): Promise<number> {
    const keep: number[] = [];
    this.#rows.forEach((row, index) => {
      if (!remove(row, index)) keep.push(index);
    });
    if (keep.length === this.#rows.length) return 0;
    const dimension = this.#binding.dimension as number;
    const vectors = new Float32Array(keep.length * dimension);
    keep.forEach((from, to) => vectors.set(this.#vectors.subarray(from * dimension, (from + 1) * dimension), to * dimension));
    const rows = keep.map((index) => this.#rows[index] as RecordMeta);
    await writeStoreFileAtomically(this.path, { modelId: this.#binding.modelId as string, dimension, rows, vectors }, this.#mode, this.#encode);
    const removed = this.#rows.length - rows.length;
    this.#rows = rows;
    this.#vectors = vectors;
    this.#index = indexById(rows);
    this.#scanner.reset();
    return removed;
  }

  #recordAt(rows: readonly RecordMeta[], vectors: Float32Array, index: number): EmbeddingRecord {
    const dimension = this.#binding.dimension as number;
    const row = rows[index] as RecordMeta;
    const vector = vectors.subarray(index * dimension, (index + 1) * dimension);
    return copyRecord({ ...row, vector, modelId: this.#binding.modelId as string });
  }
}

/**
 * Re-encrypts the store in `file` under another key, encrypts a plain store (`from` undefined) or
 * decrypts one (`to` undefined), atomically and under the writer lock. A `from` key that does not fit is
 * `E_STORE_KEY` and the file is left untouched. Returns how many records were rewritten.
 */
export async function rekeyFileStore(file: string, from: StoreEncryption | undefined, to: StoreEncryption | undefined): Promise<number> {
  const resolved = path.resolve(file);
  const fromCipher = cipherFor(from);
  const toCipher = cipherFor(to);
  const lock = await acquireWriterLock(resolved);
  try {
    const read = await readAnyStoreFile(resolved, fromCipher);
    if (read === null) throw new NotFoundError(`Store file ${resolved} does not exist`, { file: resolved });
    await writeStoreFileAtomically(resolved, read.contents, read.mode, toCipher === null ? encodeStore : (c) => encodeEncryptedStore(c, toCipher));
    return read.contents.rows.length;
  } finally {
    await lock.release();
  }
}

/** Reads a plain or encrypted store file, refusing (`E_STORE_KEY`) a key that does not fit it; `null` when absent. */
async function readAnyStoreFile(file: string, cipher: StoreCipher | null): Promise<StoreFileRead | null> {
  const kind = await storeFileKind(file);
  checkKeyFits(file, kind, cipher);
  if (kind === 'absent') return null;
  return kind === 'encrypted' ? readEncryptedStoreFile(file, cipher as StoreCipher) : readStoreFile(file);
}

function checkOptions(options: FileStoreOptions): void {
  if (options.modelId !== undefined && (typeof options.modelId !== 'string' || options.modelId.length === 0)) {
    throw new InvalidArgumentError('modelId must be a non-empty string');
  }
  if (options.dimension !== undefined && !(Number.isInteger(options.dimension) && options.dimension > 0)) {
    throw new InvalidArgumentError('dimension must be a positive integer', { dimension: options.dimension });
  }
}

/** The binding of an opened store: the file's (checked against the options) or, for a new file, the options'. */
function bindingOf(file: string, options: FileStoreOptions, contents: StoreContents | undefined): Binding {
  if (contents === undefined) return { modelId: options.modelId ?? null, dimension: options.dimension ?? null };
  if (options.modelId !== undefined && options.modelId !== contents.modelId) {
    throw new ModelMismatchError(contents.modelId, options.modelId, { file });
  }
  if (options.dimension !== undefined && options.dimension !== contents.dimension) {
    throw new DimensionMismatchError(contents.dimension, options.dimension, { file });
  }
  return { modelId: contents.modelId, dimension: contents.dimension };
}

/** Refuses strings that UTF-8 cannot carry unchanged (lone surrogates), before anything is written. */
function checkEncodable(record: EmbeddingRecord, index: number): void {
  for (const [field, value] of [['id', record.id], ['label', record.label], ['source.file', record.source?.file]] as const) {
    if (value !== undefined && LONE_SURROGATE.test(value)) {
      throw new InvalidArgumentError(`Record ${index}: ${field} holds an unpaired UTF-16 surrogate`, { index, field });
    }
  }
}

function metaOf(record: EmbeddingRecord): RecordMeta {
  return { id: record.id, label: record.label, createdAt: record.createdAt, ...(record.source ? { source: record.source } : {}) };
}

function indexById(rows: readonly RecordMeta[]): Map<string, number> {
  return new Map(rows.map((row, index) => [row.id, index]));
}
