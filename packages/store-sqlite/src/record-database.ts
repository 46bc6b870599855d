import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import {
  DimensionMismatchError,
  InvalidArgumentError,
  ModelMismatchError,
  StoreClosedError,
  StoreCorruptError,
  StoreKeyError,
  checkBatch,
  materialise,
  type Binding,
  type EmbeddingRecord,
  type LabelCount,
  type NewRecord,
} from '@pv/core';
import { cipherFor, type StoreCipher, type StoreEncryption } from '@pv/store-crypto';
import { checkOnOpen, createPrivately, type OpenCheck } from './integrity.js';
import { CHECKED_COLUMNS, checksumMatches, recordChecksum } from './record-checksum.js';
import { checkSchema, migrate } from './schema.js';
import { toStoreError } from './sqlite-errors.js';
import { decodeVector, encodeVector } from './vector-blob.js';
import { KEY_CHECK_KEY, openRecord, sealRecord } from './sealed-record.js';

/** How a {@link RecordDatabase} opens its file. */
export interface RecordDatabaseOptions {
  /**
   * How long a call waits for another connection's write lock before failing with `E_STORE_LOCKED`.
   * Writers from several processes are serialised within this time. Default 5000 ms.
   */
  readonly busyTimeoutMs?: number;
  /**
   * SQLite `synchronous` level. `full` (default) makes each committed batch survive a power cut;
   * `normal` survives a crash of the process (not of the machine) and commits faster.
   */
  readonly synchronous?: 'full' | 'normal';
  /** Bytes of the database read through memory mapping (faster scans). Default 256 MiB; 0 turns it off. */
  readonly mmapSizeBytes?: number;
  /**
   * The integrity check run on open, before anything is written (a failure is `E_STORE_CORRUPT` and the
   * file is left untouched): `bounded` (default: SQLite's `quick_check` up to 64 MiB of database, beyond
   * that the indexes, the counts and 256 records spread over the table), `full` (`integrity_check` and
   * every record's checksum: reads the whole file) or `none`. See BENCHMARKS.md for their cost.
   */
  readonly openCheck?: OpenCheck;
  /**
   * Open through a read-only SQLite connection that never writes anything (no schema upgrade, no WAL
   * checkpoint; writes are refused with `E_INVALID_ARGUMENT`): for `checkStore` and `salvageStore`. The
   * file must exist.
   */
  readonly inspectOnly?: boolean;
  /**
   * Encryption at rest (`@pv/store-crypto`: `{ keyEnv }`, `{ keyFile }` or `{ key }`), chosen when the store
   * is created. Each record's id, label, source and vector are sealed with AES-256-GCM in its `vector`
   * column; the `id` and `label` columns hold keyed HMAC-SHA-256 tags, so lookups by id and label still use
   * the indexes. Opening an encrypted store without its key or with another key, or a plain store with a
   * key, is `E_STORE_KEY` and leaves the file untouched. Change keys with `rekeySqliteStore`.
   */
  readonly encryption?: StoreEncryption;
}

/** A stored record and its insertion sequence number. */
export interface SequencedRecord {
  /** Insertion order: larger is later; never reused, even after deletion. */
  readonly seq: number;
  readonly record: EmbeddingRecord;
}

/** A deleted record, as logged in `pv_deletions`. */
export interface DeletionEntry {
  /** Position in the deletion log: larger is later. */
  readonly position: number;
  /** The deleted record's sequence number. */
  readonly seq: number;
}

/** How far the table and its deletion log have ever grown: the largest `seq` and deletion position issued. */
export interface ChangeCursor {
  readonly seq: number;
  readonly deletion: number;
}

interface RecordRow {
  seq: number;
  id: string;
  label: string;
  model_id: string;
  created_at: number;
  source_file: string | null;
  box_x: number | null;
  box_y: number | null;
  box_width: number | null;
  box_height: number | null;
  vector: Uint8Array;
  checksum: number | null;
}

const SQLITE_HEADER = 'SQLite format 3\0';
const RECORD_COLUMNS = 'seq, id, label, model_id, created_at, source_file, box_x, box_y, box_width, box_height, vector, checksum';
/** {@link RECORD_COLUMNS} for a database of schema version 1, which has no checksums. */
const RECORD_COLUMNS_V1 = 'seq, id, label, model_id, created_at, source_file, box_x, box_y, box_width, box_height, vector, NULL AS checksum';

/**
 * The SQLite database behind `SqliteStore` and `HnswStore`: schema and migrations, WAL mode, typed
 * errors, and the queries both stores share. Every query must run inside {@link read} or {@link write},
 * which translate SQLite errors (`E_STORE_LOCKED`, `E_STORE_CORRUPT`) and refuse calls after
 * {@link close} (`E_STORE_CLOSED`).
 */
export class RecordDatabase {
  /** The database file. */
  readonly file: string;
  readonly #db: Database.Database;
  readonly #statements = new Map<string, Database.Statement>();
  #binding: Binding | null = null;
  #writing = false;
  #closed = false;
  #erasePending = false;
  readonly #readOnly: boolean;
  /** Whether the schema has the `checksum` column (version 2 on); only a read-only connection may lack it. */
  readonly #checksums: boolean;
  readonly #recordColumns: string;
  /** The integrity failure this connection has seen: from then on every write is refused. */
  #failure: StoreCorruptError | null = null;
  #cipher: StoreCipher | null;

  private constructor(db: Database.Database, file: string, readOnly: boolean, cipher: StoreCipher | null) {
    this.#db = db;
    this.file = file;
    this.#readOnly = readOnly;
    this.#cipher = cipher;
    this.#checksums = (db.pragma('user_version', { simple: true }) as number) >= 2;
    this.#recordColumns = this.#checksums ? RECORD_COLUMNS : RECORD_COLUMNS_V1;
  }

  /**
   * Opens (creating when absent, with mode 0600, as are its WAL and shared-memory files) the database at
   * `file`, checks its integrity (`openCheck`) and upgrades its schema. Refuses, leaving it untouched, a file
   * that is not a pv store or fails the check (`E_STORE_CORRUPT`); a database held by another writer past
   * the busy timeout is `E_STORE_LOCKED`.
   */
  static open(file: string, options: RecordDatabaseOptions = {}): RecordDatabase {
    const busyTimeoutMs = nonNegativeInteger(options.busyTimeoutMs ?? 5000, 'busyTimeoutMs');
    const mmapSizeBytes = nonNegativeInteger(options.mmapSizeBytes ?? 256 * 2 ** 20, 'mmapSizeBytes');
    const synchronous = options.synchronous ?? 'full';
    if (synchronous !== 'full' && synchronous !== 'normal') {
      throw new InvalidArgumentError(`synchronous must be "full" or "normal", not "${String(synchronous)}"`);
    }
    const openCheck = options.openCheck ?? 'bounded';
    if (openCheck !== 'bounded' && openCheck !== 'full' && openCheck !== 'none') {
      throw new InvalidArgumentError(`openCheck must be "bounded", "full" or "none", not "${String(openCheck)}"`);
    }
    const readOnly = options.inspectOnly ?? false;
    const cipher = cipherFor(options.encryption);
    refuseForeignFile(file);
    checkKeyOnOpen(file, cipher, busyTimeoutMs, readOnly);
    checkOnOpen(file, openCheck, busyTimeoutMs);
    if (!readOnly) createPrivately(file);
    let db: Database.Database;
    try {
      db = new Database(file, { timeout: busyTimeoutMs, readonly: readOnly, fileMustExist: readOnly });
    } catch (error) {
      throw toStoreError(error, file, { untouched: true });
    }
    let writing = false;
    try {
      db.pragma(`mmap_size = ${mmapSizeBytes}`);
      // Deleted rows, index entries and freed pages are overwritten with zeros: deletion is erasure.
      if (!readOnly) db.pragma('secure_delete = ON');
      checkSchema(db, file);
      if (!readOnly) {
        writing = true;
        db.pragma('journal_mode = WAL');
        db.pragma(`synchronous = ${synchronous}`);
        migrate(db, file, (created) => {
          if (cipher) created.prepare('INSERT INTO pv_meta (key, value) VALUES (?, ?)').run(KEY_CHECK_KEY, cipher.keyCheck);
        });
        // Again on the writable connection: another process may have created the store meanwhile.
        assertKey(db, file, cipher);
      } else if ((db.pragma('user_version', { simple: true }) as number) === 0) {
        throw new StoreCorruptError(`${file} is an empty database, not a pv store; it was left untouched`, { file });
      }
    } catch (error) {
      db.close();
      throw toStoreError(error, file, { untouched: !writing });
    }
    return new RecordDatabase(db, file, readOnly, cipher);
  }

  /** The cipher of an encrypted store, or `null`. */
  get cipher(): StoreCipher | null {
    return this.#cipher;
  }

  /** Whether the store is encrypted at rest. */
  get encrypted(): boolean {
    return this.#cipher !== null;
  }

  /**
   * What the `label` column holds for `label`: the label itself, or in an encrypted store its keyed tag.
   * The labels of {@link labelledVectorRowsAfter} and {@link labelRowsUpTo} are such keys.
   */
  labelKey(label: string): string {
    return this.#cipher ? this.#cipher.tag(`label:${label}`) : label;
  }

  /** What the `id` column holds for `id`: the id itself, or in an encrypted store its keyed tag. */
  idKey(id: string): string {
    return this.#cipher ? this.#cipher.tag(`id:${id}`) : id;
  }

  /**
   * Re-encrypts every record under `target` (a cipher, or `null` for a plain store) in one write
   * transaction, with `alsoInTransaction` run in it too, then rewrites the file (`VACUUM`) and truncates
   * the WAL so that no value under the old key (or in plain form) survives. Use `rekeySqliteStore`.
   */
  rekey(target: StoreCipher | null, alsoInTransaction?: () => void): void {
    this.write(() => {
      const update = this.#statement(
        'UPDATE pv_records SET id = ?, label = ?, source_file = ?, box_x = ?, box_y = ?, box_width = ?, box_height = ?, vector = ?, checksum = ? WHERE seq = ?',
      );
      const pending: SequencedRecord[] = [];
      for (let after = 0; ; ) {
        const page = this.page(after, 512);
        pending.push(...page);
        const last = page[page.length - 1];
        if (!last || page.length < 512) break;
        after = last.seq;
      }
      const source = this.#cipher;
      this.#cipher = target;
      try {
        for (const { seq, record } of pending) {
          const row = this.#encodeRow(record);
          update.run(...row.slice(0, 2), ...row.slice(4), seq);
        }
        if (target) this.setMeta(KEY_CHECK_KEY, target.keyCheck);
        else this.#statement('DELETE FROM pv_meta WHERE key = ?').run(KEY_CHECK_KEY);
        alsoInTransaction?.();
      } catch (error) {
        this.#cipher = source;
        throw error;
      }
    });
    this.#run(() => this.#db.exec('VACUUM'));
    this.eraseDeleted();
  }

  /** Runs `fn` in a read transaction (one consistent snapshot), translating SQLite errors. */
  read<T>(fn: () => T): T {
    return this.#run(() => this.#db.transaction(fn).deferred(), true);
  }

  /**
   * Runs `fn` in a write transaction, taking the write lock first; a throw rolls everything back. Refused
   * with `E_STORE_CORRUPT` once this connection has seen the store fail an integrity check (a damaged page,
   * a record whose checksum does not match), and with `E_INVALID_ARGUMENT` on a read-only connection.
   */
  write<T>(fn: () => T): T {
    if (this.#closed) throw new StoreClosedError();
    if (this.#readOnly) throw new InvalidArgumentError(`${this.file} was opened read-only; writes are refused`, { file: this.file });
    if (this.#failure) {
      throw new StoreCorruptError(
        `${this.file} failed an integrity check (${this.#failure.message}); every write is refused and the file was left untouched. Salvage its readable records with salvageStore (pv store export --salvage).`,
        { file: this.file },
        { cause: this.#failure },
      );
    }
    const result = this.#run(() =>
      this.#db
        .transaction(() => {
          this.#writing = true;
          try {
            return fn();
          } finally {
            this.#writing = false;
          }
        })
        .immediate(),
    );
    // A committed deletion: drop the older page versions from the WAL now unless another connection is reading.
    if (this.#erasePending) this.eraseDeleted(0);
    return result;
  }

  /** The model id and dimension the store is bound to. */
  binding(): Binding {
    if (this.#binding) return { ...this.#binding };
    const modelId = this.meta('model_id') ?? null;
    const dimensionText = this.meta('dimension');
    const dimension = dimensionText === undefined ? null : Number(dimensionText);
    if (dimension !== null && !(Number.isInteger(dimension) && dimension > 0)) {
      throw new StoreCorruptError(`${this.file}: stored dimension "${dimensionText}" is invalid`, { file: this.file });
    }
    const binding = { modelId, dimension };
    // A binding never changes once complete; cache it only once committed (outside a write transaction).
    if (modelId !== null && dimension !== null && !this.#writing) this.#binding = binding;
    return { ...binding };
  }

  /**
   * Binds the store to the model id and dimension given (call inside {@link write}); refuses ones that
   * differ from the stored binding with `E_MODEL_MISMATCH` or `E_DIM_MISMATCH`.
   */
  bindTo(wanted: { readonly modelId?: string; readonly dimension?: number }): void {
    const current = this.binding();
    if (wanted.modelId !== undefined && current.modelId !== null && wanted.modelId !== current.modelId) {
      throw new ModelMismatchError(current.modelId, wanted.modelId, { file: this.file });
    }
    if (wanted.dimension !== undefined && current.dimension !== null && wanted.dimension !== current.dimension) {
      throw new DimensionMismatchError(current.dimension, wanted.dimension, { file: this.file });
    }
    if (wanted.dimension !== undefined && !(Number.isInteger(wanted.dimension) && wanted.dimension > 0)) {
      throw new InvalidArgumentError(`dimension must be a positive integer, not ${wanted.dimension}`);
    }
    this.#saveBinding({ modelId: current.modelId ?? wanted.modelId ?? null, dimension: current.dimension ?? wanted.dimension ?? null });
  }

  /** A value of the `pv_meta` table. */
  meta(key: string): string | undefined {
    return this.#statement('SELECT value FROM pv_meta WHERE key = ?').pluck().get(key) as string | undefined;
  }

  /** Sets a value of the `pv_meta` table (call inside {@link write}). */
  setMeta(key: string, value: string): void {
    this.#statement('INSERT INTO pv_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(
      key,
      value,
    );
  }

  /**
   * Validates and inserts a batch (call inside {@link write}): checks it against the binding, fills in ids
   * and creation times, refuses duplicate ids, binds an unbound store. Returns the stored records with
   * their sequence numbers, in input order.
   */
  insert(records: readonly NewRecord[]): SequencedRecord[] {
    const binding = checkBatch(this.binding(), records);
    const exists = this.#statement('SELECT 1 FROM pv_records WHERE id = ?').pluck();
    const stored = materialise(records, (id) => exists.get(this.idKey(id)) !== undefined);
    if (stored.length === 0) return [];
    this.#saveBinding(binding);
    const insert = this.#statement(
      'INSERT INTO pv_records (id, label, model_id, created_at, source_file, box_x, box_y, box_width, box_height, vector, checksum) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    return stored.map((record) => {
      const result = insert.run(...this.#encodeRow(record));
      return { seq: Number(result.lastInsertRowid), record };
    });
  }

  /**
   * The stored columns of `record` (id, label, model_id, created_at, source_file, box ×4, vector, checksum):
   * in clear, or sealed and tagged under the store's cipher. The checksum covers the stored values, so the
   * integrity checks need no key.
   */
  #encodeRow(record: EmbeddingRecord): [string, string, string, number, string | null, number | null, number | null, number | null, number | null, Uint8Array, number] {
    const cipher = this.#cipher;
    let columns: [string, string, string, number, string | null, number | null, number | null, number | null, number | null, Uint8Array];
    if (cipher) {
      const idTag = this.idKey(record.id);
      columns = [idTag, this.labelKey(record.label), record.modelId, record.createdAt, null, null, null, null, null, sealRecord(cipher, idTag, record)];
    } else {
      const box = record.source?.box;
      columns = [
        record.id,
        record.label,
        record.modelId,
        record.createdAt,
        record.source?.file ?? null,
        box?.x ?? null,
        box?.y ?? null,
        box?.width ?? null,
        box?.height ?? null,
        encodeVector(record.vector),
      ];
    }
    return [...columns, recordChecksum(...columns)];
  }

  /** The record with this id. */
  get(id: string): EmbeddingRecord | undefined {
    const row = this.#statement(`SELECT ${this.#recordColumns} FROM pv_records WHERE id = ?`).get(this.idKey(id)) as RecordRow | undefined;
    return row && this.#toRecord(row);
  }

  /** The record with this sequence number. */
  getBySeq(seq: number): EmbeddingRecord | undefined {
    const row = this.#statement(`SELECT ${this.#recordColumns} FROM pv_records WHERE seq = ?`).get(seq) as RecordRow | undefined;
    return row && this.#toRecord(row);
  }

  /**
   * Deletes the record with this id (call inside {@link write}); true when there was one. With
   * `secure_delete` on, its bytes are overwritten in the pages; {@link eraseDeleted} (run after the
   * transaction commits) removes the older page versions from the write-ahead log.
   */
  deleteId(id: string): boolean {
    const deleted = this.#statement('DELETE FROM pv_records WHERE id = ?').run(this.idKey(id)).changes > 0;
    if (deleted) this.#erasePending = true;
    return deleted;
  }

  /** Deletes every record of `label` (call inside {@link write}); returns how many. See {@link deleteId}. */
  deleteLabel(label: string): number {
    const count = this.#statement('DELETE FROM pv_records WHERE label = ?').run(this.labelKey(label)).changes;
    if (count > 0) this.#erasePending = true;
    return count;
  }

  /**
   * Makes every committed deletion an erasure in the files: checkpoints the write-ahead log into the
   * database file and truncates it (`wal_checkpoint(TRUNCATE)`), so that no page version from before a
   * deletion survives in the `-wal` file (the database pages themselves were zeroed by `secure_delete`).
   * Returns false when another connection's open read transaction kept the checkpoint from completing
   * (the WAL is then truncated by a later call, or when the last connection closes); `waitMs` bounds the
   * wait for it (default: the busy timeout). Call outside a transaction.
   */
  eraseDeleted(waitMs?: number): boolean {
    if (this.#readOnly || this.file === ':memory:' || this.file === '') return true;
    return this.#run(() => {
      const previous = this.#db.pragma('busy_timeout', { simple: true }) as number;
      if (waitMs !== undefined) this.#db.pragma(`busy_timeout = ${Math.max(0, Math.floor(waitMs))}`);
      try {
        const [row] = this.#db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number; log: number; checkpointed: number }[];
        const complete = row !== undefined && row.busy === 0 && row.log <= 0;
        if (complete) this.#erasePending = false;
        return complete;
      } catch {
        return false;
      } finally {
        if (waitMs !== undefined) this.#db.pragma(`busy_timeout = ${previous}`);
      }
    });
  }

  /** Whether a deletion committed by this connection has not been through a complete {@link eraseDeleted} yet. */
  get erasePending(): boolean {
    return this.#erasePending;
  }

  /** Labels and their counts, sorted by label in UTF-16 code-unit order (as `Store.labels` requires). */
  labelCounts(): LabelCount[] {
    let rows: LabelCount[];
    if (this.#cipher) {
      // Labels are tags: each label is read from the first record that carries its tag.
      const tagged = this.#statement('SELECT count(*) AS count, min(seq) AS first FROM pv_records GROUP BY label').all() as { count: number; first: number }[];
      rows = tagged.map(({ count, first }) => ({ label: (this.getBySeq(first) as EmbeddingRecord).label, count }));
    } else {
      rows = this.#statement('SELECT label, count(*) AS count FROM pv_records GROUP BY label').all() as LabelCount[];
    }
    return rows.sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
  }

  /** How many records there are. */
  count(): number {
    return this.#statement('SELECT count(*) FROM pv_records').pluck().get() as number;
  }

  /** How many records carry `label`. */
  countLabel(label: string): number {
    return this.#statement('SELECT count(*) FROM pv_records WHERE label = ?').pluck().get(this.labelKey(label)) as number;
  }

  /** Up to `limit` records with a sequence number above `afterSeq`, in insertion order. */
  page(afterSeq: number, limit: number): SequencedRecord[] {
    const rows = this.#statement(`SELECT ${this.#recordColumns} FROM pv_records WHERE seq > ? ORDER BY seq LIMIT ?`).all(afterSeq, limit) as RecordRow[];
    return rows.map((row) => ({ seq: row.seq, record: this.#toRecord(row) }));
  }

  /**
   * Streams `[seq, vector BLOB]` for every record (or every record of `label`) in insertion order. The
   * connection runs no other query until the iteration ends.
   */
  *vectorRows(label?: string): IterableIterator<[number, Uint8Array]> {
    const rows =
      label === undefined
        ? this.#statement(`SELECT seq, ${this.#checkedColumns} FROM pv_records ORDER BY seq`).raw(true).iterate()
        : this.#statement(`SELECT seq, ${this.#checkedColumns} FROM pv_records WHERE label = ? ORDER BY seq`).raw(true).iterate(this.labelKey(label));
    for (const row of rows as IterableIterator<unknown[]>) {
      this.#verify(row, 1);
      yield [row[0] as number, this.#vectorBytes(row)];
    }
  }

  /**
   * Streams `[seq, label key, vector BLOB]` for records with a sequence number above `afterSeq`, in order
   * (the label key is the label, or its tag in an encrypted store: see {@link labelKey}).
   */
  *labelledVectorRowsAfter(afterSeq: number): IterableIterator<[number, string, Uint8Array]> {
    const rows = this.#statement(`SELECT seq, ${this.#checkedColumns} FROM pv_records WHERE seq > ? ORDER BY seq`).raw(true).iterate(afterSeq);
    for (const row of rows as IterableIterator<unknown[]>) {
      this.#verify(row, 1);
      yield [row[0] as number, row[2] as string, this.#vectorBytes(row)];
    }
  }

  /** The vector bytes of a `seq, CHECKED_COLUMNS` row: the BLOB, or the opened sealed value. */
  #vectorBytes(row: readonly unknown[]): Uint8Array {
    const blob = row[10] as Uint8Array;
    return this.#cipher ? openRecord(this.#cipher, row[1] as string, blob, this.file).vector : blob;
  }

  /**
   * Streams `[seq, label key]` for records with a sequence number up to `maxSeq` (reads the label index
   * only; see {@link labelKey}).
   */
  labelRowsUpTo(maxSeq: number): IterableIterator<[number, string]> {
    return this.#statement('SELECT seq, label FROM pv_records INDEXED BY pv_records_label WHERE seq <= ?')
      .raw(true)
      .iterate(maxSeq) as IterableIterator<[number, string]>;
  }

  /** Deletion-log entries after `position`, oldest first. */
  deletionsAfter(position: number): DeletionEntry[] {
    return this.#statement('SELECT position, seq FROM pv_deletions WHERE position > ? ORDER BY position').all(position) as DeletionEntry[];
  }

  /** The largest sequence number and deletion position ever issued (0 when none). */
  cursor(): ChangeCursor {
    const rows = this.#statement("SELECT name, seq FROM sqlite_sequence WHERE name IN ('pv_records', 'pv_deletions')").all() as {
      name: string;
      seq: number;
    }[];
    return {
      seq: rows.find((r) => r.name === 'pv_records')?.seq ?? 0,
      deletion: rows.find((r) => r.name === 'pv_deletions')?.seq ?? 0,
    };
  }

  /** SQLite's `data_version`: changes whenever another connection commits. */
  dataVersion(): number {
    return this.#run(() => this.#db.pragma('data_version', { simple: true }) as number);
  }

  /** Streams every record in insertion order, one page of `pageSize` per read transaction. */
  async *records(pageSize = 512): AsyncGenerator<EmbeddingRecord> {
    let after = 0;
    for (;;) {
      const page = this.read(() => this.page(after, pageSize));
      for (const { record } of page) yield record;
      const last = page[page.length - 1];
      if (!last || page.length < pageSize) return;
      after = last.seq;
    }
  }

  /** Whether {@link close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** The integrity failure this connection has seen (then every write is refused), or `null`. */
  get failure(): StoreCorruptError | null {
    return this.#failure;
  }

  /**
   * SQLite's `PRAGMA integrity_check`: up to `limit` problems found in the file's pages and indexes (none
   * when it is sound). Reads the whole file.
   */
  integrityProblems(limit = 100): string[] {
    return this.#run(() => {
      const rows = this.#db.pragma(`integrity_check(${Math.max(1, Math.floor(limit))})`, { simple: false }) as { integrity_check: string }[];
      return rows.map((r) => r.integrity_check).filter((m) => m !== 'ok');
    }, true);
  }

  /**
   * Closes the connection; later calls fail with `E_STORE_CLOSED`. A writable connection to a sound store
   * first checkpoints the WAL into the database file (when no other connection is reading), so that the
   * `.db` file alone is a complete copy.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#statements.clear();
    if (!this.#readOnly && this.#failure === null && this.file !== ':memory:' && this.file !== '') {
      try {
        this.#db.pragma('busy_timeout = 0');
        this.#db.pragma('wal_checkpoint(TRUNCATE)');
      } catch {
        // Another connection is busy: the WAL stays until the last connection closes, which checkpoints it.
      }
    }
    this.#db.close();
  }

  #run<T>(fn: () => T, reading = false): T {
    if (this.#closed) throw new StoreClosedError();
    try {
      return fn();
    } catch (error) {
      const translated = toStoreError(error, this.file, { untouched: reading });
      if (translated instanceof StoreCorruptError) this.#failure ??= translated;
      throw translated;
    }
  }

  get #checkedColumns(): string {
    return this.#checksums ? CHECKED_COLUMNS : CHECKED_COLUMNS.replace('checksum', 'NULL AS checksum');
  }

  /** Throws `E_STORE_CORRUPT` when the {@link CHECKED_COLUMNS} of `row` (from `offset` on) fail their checksum. */
  #verify(row: readonly unknown[], offset: number): void {
    if (!this.#checksums || checksumMatches(row, offset)) return;
    const seq = offset > 0 ? row[0] : undefined;
    throw new StoreCorruptError(
      `${this.file}: record ${JSON.stringify(String(row[offset]))}${seq === undefined ? '' : ` (seq ${String(seq)})`} does not match its checksum: it was damaged on disk; the file was left untouched`,
      { file: this.file, ...(seq === undefined ? {} : { seq: seq as number }), reason: 'checksum' },
    );
  }

  #statement(sql: string): Database.Statement {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  #saveBinding(binding: Binding): void {
    const current = this.binding();
    if (binding.modelId !== null && current.modelId === null) this.setMeta('model_id', binding.modelId);
    if (binding.dimension !== null && current.dimension === null) this.setMeta('dimension', String(binding.dimension));
    this.#binding = null;
  }

  #toRecord(row: RecordRow): EmbeddingRecord {
    if (this.#checksums) {
      this.#verify([row.seq, row.id, row.label, row.model_id, row.created_at, row.source_file, row.box_x, row.box_y, row.box_width, row.box_height, row.vector, row.checksum], 1);
    }
    const dimension = this.binding().dimension;
    if (dimension === null) throw new StoreCorruptError(`${this.file}: records exist but no dimension is stored`, { file: this.file });
    if (this.#cipher) {
      const { fields, vector } = openRecord(this.#cipher, row.id, row.vector, this.file);
      return {
        id: fields.i,
        label: fields.l,
        vector: decodeVector(vector, dimension, this.file),
        modelId: row.model_id,
        createdAt: row.created_at,
        ...(fields.s ? { source: fields.s } : {}),
      };
    }
    const hasBox = row.box_x !== null && row.box_y !== null && row.box_width !== null && row.box_height !== null;
    const source =
      row.source_file !== null || hasBox
        ? {
            ...(row.source_file !== null ? { file: row.source_file } : {}),
            ...(hasBox ? { box: { x: row.box_x as number, y: row.box_y as number, width: row.box_width as number, height: row.box_height as number } } : {}),
          }
        : undefined;
    return {
      id: row.id,
      label: row.label,
      vector: decodeVector(row.vector, dimension, this.file),
      modelId: row.model_id,
      createdAt: row.created_at,
      ...(source ? { source } : {}),
    };
  }
}

/**
 * Refuses with `E_STORE_KEY`, through a read-only connection (nothing is written), an existing store opened
 * without its key, with another key, or a plain store opened with a key.
 */
function checkKeyOnOpen(file: string, cipher: StoreCipher | null, busyTimeoutMs: number, inspectOnly: boolean): void {
  if (file === ':memory:' || file === '') return;
  try {
    if (statSync(file).size === 0) return;
  } catch {
    return;
  }
  // A read-only connection to a WAL database leaves behind the -wal and -shm files it had to create; when
  // there are none, a read-write connection that only reads is used instead: closing it removes them again
  // (its WAL is empty, so nothing is checkpointed into the file). An inspect-only open stays read-only.
  let db: Database.Database;
  try {
    const readonly = inspectOnly || existsSync(`${file}-wal`);
    try {
      db = new Database(file, { readonly, fileMustExist: true, timeout: busyTimeoutMs });
    } catch (error) {
      if (readonly) throw error;
      db = new Database(file, { readonly: true, fileMustExist: true, timeout: busyTimeoutMs });
    }
  } catch (error) {
    throw toStoreError(error, file, { untouched: true });
  }
  try {
    checkSchema(db, file);
    assertKey(db, file, cipher);
  } catch (error) {
    throw toStoreError(error, file, { untouched: true });
  } finally {
    db.close();
  }
}

/** Throws `E_STORE_KEY` unless `cipher` fits the store in `db` (an empty database fits any). */
function assertKey(db: Database.Database, file: string, cipher: StoreCipher | null): void {
  if ((db.pragma('user_version', { simple: true }) as number) === 0) return;
  const stored = db.prepare('SELECT value FROM pv_meta WHERE key = ?').pluck().get(KEY_CHECK_KEY) as string | undefined;
  if (stored === undefined) {
    if (cipher) throw new StoreKeyError(`${file} is not encrypted, but a key was given (encrypt it with rekeySqliteStore or pv store rekey); it was left untouched`, { file });
    return;
  }
  if (!cipher) throw new StoreKeyError(`${file} is encrypted: its key is needed (encryption option, PV_STORE_KEY or PV_STORE_KEY_FILE); it was left untouched`, { file });
  cipher.assertKey(stored, file);
}

/** Refuses, by its first bytes and without opening it, a non-empty file that is not an SQLite database. */
function refuseForeignFile(file: string): void {
  if (file === ':memory:' || file === '') return;
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return;
    throw error;
  }
  try {
    const header = new Uint8Array(SQLITE_HEADER.length);
    const read = readSync(fd, header, 0, header.length, 0);
    if (read === 0) return;
    if (new TextDecoder().decode(header.subarray(0, read)) !== SQLITE_HEADER) {
      throw new StoreCorruptError(`${file} is not an SQLite database (unknown header); it was left untouched`, { file });
    }
  } finally {
    closeSync(fd);
  }
}

function nonNegativeInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 0) throw new InvalidArgumentError(`${name} must be a non-negative integer, not ${value}`);
  return value;
}
