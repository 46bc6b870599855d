import {
  InvalidArgumentError,
  MetricUnsupportedError,
  StoreClosedError,
  checkBatch,
  checkQuery,
  materialise,
  selectTopK,
  type Binding,
  type EmbeddingRecord,
  type LabelCount,
  type NewRecord,
  type SearchHit,
  type SearchOptions,
  type Store,
  type StoreInfo,
} from '@pv/core';
import pg, { type Pool, type PoolClient } from 'pg';
import { bindStore, bindingWithOptions } from './bind-store.js';
import {
  MAX_EF_SEARCH,
  checkEfSearch,
  checkIndexableDimension,
  createHnswIndexSql,
  hnswBuildParameters,
  type HnswBuildOptions,
  type HnswBuildParameters,
} from './hnsw-index.js';
import { indexMetricOf, isIndexMetric, type IndexMetric } from './index-metric.js';
import { RECORD_COLUMNS, insertColumns, insertSql, recordFromRow, type RecordRow } from './record-rows.js';
import { hasIterativeScan, migrate, readExisting, readMeta, vectorExtensionVersion } from './schema.js';
import { searchStatement, type SearchMode, type SearchStatement } from './search-query.js';
import { tableNames, type TableNames } from './table-names.js';
import { checkStorable, isStorableText } from './text-fields.js';
import { inTransaction } from './transaction.js';

/** Where the store connects: a connection string (the store owns its pool) or a `pg` pool you own. */
export type PgvectorConnection = { readonly connectionString: string; readonly pool?: never } | { readonly pool: Pool; readonly connectionString?: never };

/** Options of {@link PgvectorStore.open}. */
export interface PgvectorStoreSettings {
  /** The records table (lower-case letters, digits, `_`); `<table>_meta` holds binding and schema version. */
  readonly table: string;
  /**
   * The metric the HNSW index is built for. Defaults to the existing store's metric, or `cosine` for a new
   * store. Opening an existing store with another metric is `E_METRIC_UNSUPPORTED`.
   */
  readonly metric?: IndexMetric;
  /** Bind a new store to this model id up front (an existing store must match: `E_MODEL_MISMATCH`). */
  readonly modelId?: string;
  /** Bind a new store to this dimension up front, 1-2000 (an existing store must match: `E_DIM_MISMATCH`). */
  readonly dimension?: number;
  /** HNSW build parameters, used when this handle creates the index. */
  readonly hnsw?: HnswBuildOptions;
  /** Do not create the HNSW index when the store is bound; call {@link PgvectorStore.buildIndex} after bulk loading. */
  readonly deferIndex?: boolean;
  /** Default `hnsw.ef_search` (1-1000, default 40): candidates examined per indexed query. Raised to k when k is larger. */
  readonly efSearch?: number;
  /** Answer every search exactly (index bypassed) unless a search says otherwise. Default `false`. */
  readonly exact?: boolean;
  /** Rows per INSERT statement inside an `add` transaction (1-10000, default 500). */
  readonly insertBatchSize?: number;
  /**
   * Open an existing store without writing anything, e.g. on a streaming replica: no migration, no
   * binding, and writes (`add`, `delete`, `deleteLabel`, `buildIndex`) fail with `E_INVALID_ARGUMENT`.
   * A missing store is `E_NOT_FOUND`.
   */
  readonly readOnly?: boolean;
}

/** Options of {@link PgvectorStore.open}: a connection plus {@link PgvectorStoreSettings}. */
export type PgvectorStoreOptions = PgvectorConnection & PgvectorStoreSettings;

/** Search options of {@link PgvectorStore.search}: the Store contract's plus per-query index settings. */
export interface PgvectorSearchOptions extends SearchOptions {
  /** Bypass the index and rank every candidate (defaults to the store's `exact` setting). */
  readonly exact?: boolean;
  /** `hnsw.ef_search` for this query (1-1000). */
  readonly efSearch?: number;
}

/** Options of {@link PgvectorStore.buildIndex}. */
export interface BuildIndexOptions {
  /** `maintenance_work_mem` for the build, e.g. `'1GB'`: the build is much faster when the graph fits. */
  readonly maintenanceWorkMem?: string;
}

const RECORDS_PAGE_SIZE = 1000;
const UNIQUE_VIOLATION = '23505';
const MEMORY_SETTING = /^[1-9][0-9]*(kB|MB|GB)$/;

function checkPositiveInteger(name: string, value: number, max: number): number {
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new InvalidArgumentError(`${name} must be an integer from 1 to ${max}, got ${value}`, { [name]: value });
  }
  return value;
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === UNIQUE_VIOLATION;
}

function checkSettings(options: PgvectorStoreOptions): void {
  const hasConnectionString = typeof options.connectionString === 'string';
  if (hasConnectionString === (options.pool !== undefined)) {
    throw new InvalidArgumentError('Give exactly one of connectionString and pool');
  }
  if (options.metric !== undefined && !isIndexMetric(options.metric)) {
    throw new InvalidArgumentError(`metric must be "cosine" or "l2", got "${String(options.metric)}"`);
  }
  if (options.modelId !== undefined && (typeof options.modelId !== 'string' || options.modelId.length === 0)) {
    throw new InvalidArgumentError('modelId must be a non-empty string');
  }
  if (options.dimension !== undefined) checkIndexableDimension(options.dimension);
  if (options.efSearch !== undefined) checkEfSearch(options.efSearch);
  if (options.insertBatchSize !== undefined) checkPositiveInteger('insertBatchSize', options.insertBatchSize, 10_000);
}

/**
 * A {@link Store} in PostgreSQL with the pgvector extension: one table per store, an HNSW index built for
 * the store's metric, label filters in SQL, every `add` one transaction.
 *
 * Searches go through the HNSW index by default (approximate: recall depends on `efSearch`); pass
 * `exact: true` (per search or per store) for exact results with ties broken by insertion order. Ranking by
 * the other pgvector metric (L2 on a cosine store, or the reverse) is answered exactly by a sequential scan;
 * any other metric is `E_METRIC_UNSUPPORTED`. Returned distances are `metric.distance(query, vector)`,
 * computed by the given metric on the stored vectors.
 *
 * @example
 * ```ts
 * const store = await PgvectorStore.open({ connectionString: process.env.DATABASE_URL!, table: 'faces', metric: 'cosine' });
 * await store.add([{ label: 'alice', vector, modelId: 'mobilefacenet' }]);
 * const [best] = await store.search(query, { k: 1, metric: cosine });
 * await store.close();
 * ```
 */
export class PgvectorStore implements Store {
  readonly #pool: Pool;
  readonly #ownsPool: boolean;
  readonly #names: TableNames;
  readonly #metric: IndexMetric;
  readonly #index: HnswBuildParameters;
  readonly #deferIndex: boolean;
  readonly #efSearch: number;
  readonly #exact: boolean;
  readonly #insertBatchSize: number;
  readonly #iterativeScan: boolean;
  #binding: Binding;
  /** Whether this handle was opened with `readOnly` (it then refuses every write). */
  readonly readOnly: boolean;
  #closed = false;

  private constructor(
    pool: Pool,
    ownsPool: boolean,
    names: TableNames,
    opened: { readonly metric: IndexMetric; readonly binding: Binding; readonly iterativeScan: boolean; readonly readOnly: boolean },
    options: PgvectorStoreSettings,
  ) {
    this.#pool = pool;
    this.#ownsPool = ownsPool;
    this.#names = names;
    this.#metric = opened.metric;
    this.#binding = opened.binding;
    this.#iterativeScan = opened.iterativeScan;
    this.readOnly = opened.readOnly;
    this.#index = hnswBuildParameters(options.hnsw);
    this.#deferIndex = options.deferIndex ?? false;
    this.#efSearch = options.efSearch ?? 40;
    this.#exact = options.exact ?? false;
    this.#insertBatchSize = options.insertBatchSize ?? 500;
  }

  /**
   * Connects, creates the store's tables (and the `vector` extension when missing and permitted) or
   * upgrades them, and applies the binding options (a `readOnly` handle only checks them). Refuses a
   * table that is not a pv store, a schema newer than this code, or a metric other than the store's.
   */
  static async open(options: PgvectorStoreOptions): Promise<PgvectorStore> {
    const names = tableNames(options.table);
    checkSettings(options);
    const index = hnswBuildParameters(options.hnsw);
    const ownsPool = options.pool === undefined;
    const pool = options.pool ?? new pg.Pool({ connectionString: options.connectionString });
    // An idle pooled connection that dies emits 'error' on the pool; the pool drops it and reconnects on demand.
    if (ownsPool) pool.on('error', () => undefined);
    try {
      const readOnly = options.readOnly === true;
      const opened = await inTransaction(
        pool,
        async (client) => {
          const meta = readOnly ? await readExisting(client, names) : await migrate(client, names, options.metric ?? 'cosine');
          if (options.metric !== undefined && meta.metric !== options.metric) {
            throw new MetricUnsupportedError(options.metric, [meta.metric], { table: names.table });
          }
          let binding: Binding;
          if (readOnly) {
            // The options are checked against the stored binding, not written: a reader knows only what the database holds.
            bindingWithOptions(meta, options);
            binding = { modelId: meta.modelId, dimension: meta.dimension };
          } else {
            const locked = await readMeta(client, names, true);
            binding = bindingWithOptions(locked, options);
            await bindStore(client, names, locked, binding, options.deferIndex === true ? null : index);
          }
          const version = (await vectorExtensionVersion(client)) ?? '0';
          return { metric: meta.metric, binding, iterativeScan: hasIterativeScan(version), readOnly };
        },
        readOnly ? 'BEGIN READ ONLY' : 'BEGIN',
      );
      return new PgvectorStore(pool, ownsPool, names, opened, options);
    } catch (error) {
      if (ownsPool) await pool.end();
      throw error;
    }
  }

  /** The table this store lives in. */
  get table(): string {
    return this.#names.table;
  }

  /** The metric the store's HNSW index is built for. */
  get metric(): IndexMetric {
    return this.#metric;
  }

  async info(): Promise<StoreInfo> {
    this.#open();
    const { rows } = await this.#pool.query<{ model_id: string | null; dimension: number | null; count: string }>(
      `SELECT model_id, dimension, (SELECT count(*) FROM ${this.#names.records}) AS count FROM ${this.#names.meta}`,
    );
    const row = rows[0];
    return { modelId: row?.model_id ?? null, dimension: row?.dimension ?? null, count: Number(row?.count ?? 0) };
  }

  /** Adds the batch in one transaction: all records or none, also when other writers add at the same time. */
  async add(records: readonly NewRecord[]): Promise<EmbeddingRecord[]> {
    this.#writable();
    if (records.length === 0) return [];
    checkStorable(records);
    const names = this.#names;
    try {
      const { stored, binding } = await inTransaction(this.#pool, async (client) => {
        let meta = await readMeta(client, names);
        // The binding only ever changes from unbound to bound: lock the row only while it may still change.
        if (meta.modelId === null || meta.dimension === null) meta = await readMeta(client, names, true);
        const binding = checkBatch(meta, records);
        const existing = await this.#existingIds(client, records);
        const stored = materialise(records, (id) => existing.has(id));
        await bindStore(client, names, meta, binding, this.#deferIndex ? null : this.#index);
        for (let start = 0; start < stored.length; start += this.#insertBatchSize) {
          await client.query(insertSql(names.records), insertColumns(stored.slice(start, start + this.#insertBatchSize)));
        }
        return { stored, binding };
      });
      this.#binding = binding;
      return stored;
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new InvalidArgumentError('Duplicate record id (added concurrently by another writer)', { table: names.table });
      }
      throw error;
    }
  }

  async get(id: string): Promise<EmbeddingRecord | undefined> {
    this.#open();
    if (!isStorableText(id)) return undefined;
    const { rows } = await this.#pool.query<RecordRow>(`SELECT ${RECORD_COLUMNS} FROM ${this.#names.records} WHERE id = $1`, [id]);
    return rows[0] ? recordFromRow(rows[0]) : undefined;
  }

  async delete(id: string): Promise<boolean> {
    this.#writable();
    if (!isStorableText(id)) return false;
    const result = await this.#pool.query(`DELETE FROM ${this.#names.records} WHERE id = $1`, [id]);
    return (result.rowCount ?? 0) > 0;
  }

  async deleteLabel(label: string): Promise<number> {
    this.#writable();
    if (!isStorableText(label)) return 0;
    const result = await this.#pool.query(`DELETE FROM ${this.#names.records} WHERE label = $1`, [label]);
    return result.rowCount ?? 0;
  }

  async labels(): Promise<LabelCount[]> {
    this.#open();
    const { rows } = await this.#pool.query<{ label: string; count: string }>(
      `SELECT label, count(*) AS count FROM ${this.#names.records} GROUP BY label`,
    );
    // Sorted here, not in SQL: collations (even "C", which orders by code point) differ from code-unit order.
    return rows
      .map((row) => ({ label: row.label, count: Number(row.count) }))
      .sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
  }

  async count(): Promise<number> {
    this.#open();
    const { rows } = await this.#pool.query<{ count: string }>(`SELECT count(*) AS count FROM ${this.#names.records}`);
    return Number(rows[0]?.count ?? 0);
  }

  async search(query: Float32Array, options: PgvectorSearchOptions): Promise<SearchHit[]> {
    const plan = await this.#plan(query, options);
    if (plan === null) return [];
    const { rows } = await inTransaction(this.#pool, (client) => client.query<RecordRow>(plan.text, plan.values), plan.begin);
    // Rank by the caller's metric on the stored vectors, ties by insertion order (rows sorted by seq first).
    const ranked = rows.map((row) => ({ seq: BigInt(row.seq), record: recordFromRow(row) })).sort((a, b) => (a.seq < b.seq ? -1 : 1));
    const distances = ranked.map(({ record }) => options.metric.distance(query, record.vector));
    return selectTopK(distances, options.k, options.metric.closer).map((i) => ({
      record: (ranked[i] as { record: EmbeddingRecord }).record,
      distance: distances[i] as number,
    }));
  }

  /**
   * PostgreSQL's plan (`EXPLAIN` lines) for the query {@link search} would run with these options: shows
   * whether the HNSW index is used. An empty list when the search would not reach the database.
   */
  async explainSearch(query: Float32Array, options: PgvectorSearchOptions): Promise<string[]> {
    const plan = await this.#plan(query, options);
    if (plan === null) return [];
    const { rows } = await inTransaction(
      this.#pool,
      (client) => client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${plan.text}`, plan.values),
      plan.begin,
    );
    return rows.map((row) => row['QUERY PLAN']);
  }

  async *records(): AsyncIterable<EmbeddingRecord> {
    let after = '0';
    for (;;) {
      this.#open();
      const { rows } = await this.#pool.query<RecordRow>(
        `SELECT ${RECORD_COLUMNS} FROM ${this.#names.records} WHERE seq > $1 ORDER BY seq LIMIT ${RECORDS_PAGE_SIZE}`,
        [after],
      );
      for (const row of rows) yield recordFromRow(row);
      const last = rows[rows.length - 1];
      if (last === undefined || rows.length < RECORDS_PAGE_SIZE) return;
      after = last.seq;
    }
  }

  /**
   * Builds the HNSW index if it does not exist yet (after bulk loading with `deferIndex`), then refreshes
   * the planner's statistics (`ANALYZE`) so that it knows the table's new size. Building on loaded data is
   * faster than inserting into an existing index. Needs a bound store.
   */
  async buildIndex(options: BuildIndexOptions = {}): Promise<void> {
    this.#writable();
    const { maintenanceWorkMem } = options;
    if (maintenanceWorkMem !== undefined && !MEMORY_SETTING.test(maintenanceWorkMem)) {
      throw new InvalidArgumentError(`maintenanceWorkMem must look like 512MB or 2GB, got "${maintenanceWorkMem}"`);
    }
    if ((await this.#currentBinding()).dimension === null) {
      throw new InvalidArgumentError('The store has no dimension yet: add records (or open with `dimension`) before building the index');
    }
    const begin = maintenanceWorkMem === undefined ? 'BEGIN' : `BEGIN; SET LOCAL maintenance_work_mem = '${maintenanceWorkMem}'`;
    await inTransaction(this.#pool, (client) => client.query(createHnswIndexSql(this.#names, this.#metric, this.#index)), begin);
    await this.#pool.query(`ANALYZE ${this.#names.records}`);
  }

  /**
   * Makes the deletions so far an erasure in the table's files: `VACUUM (FULL)` rewrites the table, its
   * TOAST table and every index (the HNSW graph included) into new files without the deleted rows, and the
   * old files are removed when it commits. A plain `DELETE` only marks rows dead, and a plain `VACUUM` only
   * marks their space reusable: their bytes stay in the table and index pages until overwritten.
   * `VACUUM (FULL)` locks the table against reads and writes while it runs (time grows with the table).
   * What it cannot reach: PostgreSQL's write-ahead log (`pg_wal`, recycled after checkpoints), WAL
   * archives, replicas' files and backups; see docs/privacy.md.
   */
  async eraseDeleted(): Promise<void> {
    this.#writable();
    await this.#pool.query(`VACUUM (FULL) ${this.#names.records}`);
  }

  /** Closes the store; ends the pool when the store created it (a pool you passed in stays open). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#ownsPool) await this.#pool.end();
  }

  #open(): void {
    if (this.#closed) throw new StoreClosedError();
  }

  #writable(): void {
    this.#open();
    if (this.readOnly) throw new InvalidArgumentError(`Store "${this.#names.table}" was opened read-only`, { table: this.#names.table });
  }

  /** The binding, re-read while it may still change (another writer may have bound the store). */
  async #currentBinding(): Promise<Binding> {
    if (this.#binding.modelId !== null && this.#binding.dimension !== null) return this.#binding;
    const { rows } = await this.#pool.query<{ model_id: string | null; dimension: number | null }>(
      `SELECT model_id, dimension FROM ${this.#names.meta}`,
    );
    this.#binding = { modelId: rows[0]?.model_id ?? null, dimension: rows[0]?.dimension ?? null };
    return this.#binding;
  }

  async #existingIds(client: PoolClient, records: readonly NewRecord[]): Promise<Set<string>> {
    const ids = records.flatMap((r) => (r.id === undefined ? [] : [r.id]));
    if (ids.length === 0) return new Set();
    const { rows } = await client.query<{ id: string }>(`SELECT id FROM ${this.#names.records} WHERE id = ANY($1::text[])`, [ids]);
    return new Set(rows.map((row) => row.id));
  }

  /** Validates a search and turns it into SQL; `null` when the answer is empty without asking the database. */
  async #plan(query: Float32Array, options: PgvectorSearchOptions): Promise<SearchStatement | null> {
    this.#open();
    const rankBy = indexMetricOf(options.metric);
    const binding = await this.#currentBinding();
    checkQuery(binding, query);
    if (!query.every(Number.isFinite)) throw new InvalidArgumentError('The query vector holds a non-finite value');
    if (options.efSearch !== undefined) checkEfSearch(options.efSearch);
    // Like selectTopK, a fractional k counts its whole part.
    const limit = Number.isFinite(options.k) ? Math.floor(options.k) : null;
    if (!(options.k >= 1) || binding.dimension === null) return null;
    if (options.label !== undefined && !isStorableText(options.label)) return null;
    // An index scan returns at most ef_search rows, so ef_search must cover k; beyond pgvector's maximum, go exact.
    const efSearch = Math.max(options.efSearch ?? this.#efSearch, limit ?? Number.POSITIVE_INFINITY);
    const exact = (options.exact ?? this.#exact) || rankBy !== this.#metric || efSearch > MAX_EF_SEARCH;
    const mode: SearchMode = exact ? { exact: true } : { exact: false, efSearch, iterativeScan: this.#iterativeScan };
    return searchStatement(this.#names, rankBy, query, limit, options.label, mode);
  }
}
