import { closeSync, existsSync, openSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { AbortedError, StoreCorruptError, type EmbeddingRecord, type NewRecord, type Store } from '@pv/core';
import { CHECKED_COLUMNS, checksumMatches } from './record-checksum.js';
import type { RecordDatabase } from './record-database.js';
import { checkSchema } from './schema.js';
import { toStoreError } from './sqlite-errors.js';

/**
 * The integrity check `RecordDatabase.open` runs before it writes anything:
 * - `bounded` (default): on a database of at most {@link FULL_CHECK_MAX_BYTES}, SQLite's `quick_check`
 *   and every record's checksum; on a larger one, a check whose cost does not grow with the vectors: the
 *   file is as long as its header says, both indexes are walked and agree on the record count, and
 *   {@link SAMPLED_RECORDS} records spread over the table match their checksums. Damage it misses is still
 *   caught when the damaged record or page is read (then every write is refused).
 * - `full`: `integrity_check` and every record's checksum (reads the whole file).
 * - `none`: nothing.
 */
export type OpenCheck = 'bounded' | 'full' | 'none';

/** Databases up to this size get the complete check even when `bounded` is asked for: 64 MiB. */
export const FULL_CHECK_MAX_BYTES = 64 * 2 ** 20;

/** Records whose checksums a `bounded` check of a larger database verifies. */
export const SAMPLED_RECORDS = 256;

/**
 * Runs the `level` check on `file` through a read-only connection (so nothing, not even a WAL checkpoint,
 * is written) and throws `E_STORE_CORRUPT`, saying the file was left untouched, when it fails. A missing or
 * empty file passes (it is a new store).
 */
export function checkOnOpen(file: string, level: OpenCheck, busyTimeoutMs: number, fullCheckMaxBytes = FULL_CHECK_MAX_BYTES): void {
  if (level === 'none' || file === ':memory:' || file === '') return;
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    return;
  }
  if (size === 0) return;
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true, timeout: busyTimeoutMs });
  } catch (error) {
    throw toStoreError(error, file, { untouched: true });
  }
  try {
    checkSchema(db, file);
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version === 0) return;
    const complete = level === 'full' || size <= fullCheckMaxBytes;
    const problems = complete ? completeCheck(db, level === 'full' ? 'integrity_check' : 'quick_check', version) : boundedCheck(db, file, size, version);
    if (problems.length > 0) {
      throw new StoreCorruptError(
        `${file} failed its integrity check on open (${problems.slice(0, 3).join('; ')}${problems.length > 3 ? '; …' : ''}); it was left untouched and is refused. Salvage its readable records with salvageStore (pv store export --salvage).`,
        { file, problems: problems.slice(0, 20), check: complete ? 'complete' : 'bounded' },
      );
    }
  } catch (error) {
    throw toStoreError(error, file, { untouched: true });
  } finally {
    db.close();
  }
}

/**
 * Creates `file` empty with mode 0600 (owner only: embeddings are biometric data) when it does not exist,
 * so that SQLite, which gives its WAL and shared-memory files the database file's mode, creates those 0600
 * too. An existing file keeps its mode; a missing directory is left for SQLite to report.
 */
export function createPrivately(file: string): void {
  if (file === ':memory:' || file === '') return;
  try {
    closeSync(openSync(file, 'wx', 0o600));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EEXIST' && code !== 'ENOENT') throw error;
  }
}

function completeCheck(db: Database.Database, pragma: 'quick_check' | 'integrity_check', version: number): string[] {
  const rows = db.pragma(`${pragma}(20)`) as Record<string, string>[];
  const problems = rows.map((r) => Object.values(r)[0] as string).filter((m) => m !== 'ok');
  if (problems.length > 0 || version < 2) return problems;
  for (const row of db.prepare(`SELECT seq, ${CHECKED_COLUMNS} FROM pv_records`).raw(true).iterate() as IterableIterator<unknown[]>) {
    if (!checksumMatches(row, 1)) problems.push(`record ${JSON.stringify(row[1])} (seq ${String(row[0])}) does not match its checksum`);
    if (problems.length >= 20) break;
  }
  return problems;
}

function boundedCheck(db: Database.Database, file: string, size: number, version: number): string[] {
  const problems: string[] = [];
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  const pageCount = db.pragma('page_count', { simple: true }) as number;
  // With a non-empty WAL the newest pages may live only there; without one the file holds every page.
  const walBytes = existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0;
  if (walBytes === 0 && size < pageCount * pageSize) problems.push(`the file is truncated: ${size} bytes, ${pageCount} pages of ${pageSize} expected`);
  const byLabel = db.prepare('SELECT count(*) FROM pv_records INDEXED BY pv_records_label').pluck().get() as number;
  const byId = db.prepare('SELECT count(id) FROM pv_records INDEXED BY sqlite_autoindex_pv_records_1').pluck().get() as number;
  if (byLabel !== byId) problems.push(`the label index holds ${byLabel} records and the id index ${byId}`);
  if (version < 2 || byId === 0) return problems;
  const range = db.prepare('SELECT min(seq) AS low, max(seq) AS high FROM pv_records').get() as { low: number; high: number };
  const sample = db.prepare(`SELECT seq, ${CHECKED_COLUMNS} FROM pv_records WHERE seq >= ? ORDER BY seq LIMIT 1`).raw(true);
  for (let i = 0; i < SAMPLED_RECORDS; i++) {
    const row = sample.get(Math.floor(range.low + ((range.high - range.low) * i) / (SAMPLED_RECORDS - 1))) as unknown[] | undefined;
    if (row && !checksumMatches(row, 1)) problems.push(`record ${JSON.stringify(row[1])} (seq ${String(row[0])}) does not match its checksum`);
  }
  return problems;
}

/** A record that could not be read back intact. */
export interface DamagedRecord {
  /** Its sequence number (insertion order). */
  readonly seq: number;
  /** Its id, when that much could be read. */
  readonly id?: string;
  /** What was wrong: SQLite's error or the checksum mismatch. */
  readonly reason: string;
}

/** What {@link checkStore} found. */
export interface StoreCheckReport {
  readonly file: string;
  /** True when SQLite found no problem and every record was read back intact. */
  readonly ok: boolean;
  /** SQLite's `integrity_check` findings (pages, indexes), at most 100; empty when sound. */
  readonly problems: readonly string[];
  /** Records read back intact. */
  readonly records: number;
  /** Records that could not be (damaged pages, checksum mismatches, wrong vector sizes). */
  readonly damaged: readonly DamagedRecord[];
}

/**
 * Checks a database completely without writing to it: SQLite's `integrity_check` and every record read
 * back and verified against its checksum. `db` is opened read-only without the open check (see
 * `checkStore`, which does that).
 */
export function checkDatabase(db: RecordDatabase): StoreCheckReport {
  let problems: string[];
  try {
    problems = db.integrityProblems(100);
  } catch (error) {
    problems = [(error as Error).message];
  }
  const damaged: DamagedRecord[] = [];
  let records = 0;
  for (const item of walkRecords(db)) {
    if ('damaged' in item) damaged.push(item.damaged);
    else records++;
  }
  return { file: db.file, ok: problems.length === 0 && damaged.length === 0, problems, records, damaged };
}

/** Options of {@link salvageDatabase}. */
export interface SalvageOptions {
  /** Records per `add` into the target. Default 500. */
  readonly batchSize?: number;
  /** Stops after the current batch (`E_ABORTED`). */
  readonly signal?: AbortSignal;
  /** Called after each batch with the records copied so far. */
  readonly onProgress?: (copied: number) => void;
}

/** What {@link salvageDatabase} copied and what it could not. */
export interface SalvageReport {
  readonly copied: number;
  readonly damaged: readonly DamagedRecord[];
}

/**
 * Copies every record of `db` that reads back intact into `target` (another store: the damaged one is
 * never written), keeping ids, labels, models, creation times and sources; records on damaged pages or
 * failing their checksum are skipped and listed. `db` is opened read-only without the open check (see
 * `salvageStore`, which does that).
 */
export async function salvageDatabase(db: RecordDatabase, target: Pick<Store, 'add'>, options: SalvageOptions = {}): Promise<SalvageReport> {
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? 500));
  const damaged: DamagedRecord[] = [];
  let batch: NewRecord[] = [];
  let copied = 0;
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    if (options.signal?.aborted) throw new AbortedError(`Salvage of ${db.file} stopped after ${copied} records`);
    await target.add(batch);
    copied += batch.length;
    batch = [];
    options.onProgress?.(copied);
  };
  for (const item of walkRecords(db)) {
    if ('damaged' in item) {
      damaged.push(item.damaged);
      continue;
    }
    batch.push(item.record);
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  return { copied, damaged };
}

const PAGE = 256;

/**
 * Visits every record that reads back intact, in insertion order, and reports every one that does not,
 * going around damaged pages: when a page of rows fails, its sequence numbers are tried one by one.
 */
function* walkRecords(db: RecordDatabase): Generator<{ record: EmbeddingRecord } | { damaged: DamagedRecord }> {
  const maxSeq = lastSeq(db);
  let after = 0;
  for (;;) {
    let page: { seq: number; record: EmbeddingRecord }[];
    try {
      page = db.read(() => db.page(after, PAGE));
    } catch {
      const end = Math.min(after + PAGE, maxSeq);
      for (let seq = after + 1; seq <= end; seq++) {
        try {
          const record = db.read(() => db.getBySeq(seq));
          if (record) yield { record };
        } catch (error) {
          yield { damaged: damage(seq, error) };
        }
      }
      after = end;
      if (after >= maxSeq) return;
      continue;
    }
    for (const { record } of page) yield { record };
    const last = page[page.length - 1];
    if (!last || page.length < PAGE) return;
    after = last.seq;
  }
}

/** The largest sequence number issued, read from wherever it still can be. */
function lastSeq(db: RecordDatabase): number {
  const attempts = [
    () => db.read(() => db.cursor().seq),
    () => db.read(() => {
      let max = 0;
      for (const [seq] of db.labelRowsUpTo(Number.MAX_SAFE_INTEGER)) max = Math.max(max, seq);
      return max;
    }),
  ];
  let best = 0;
  for (const attempt of attempts) {
    try {
      best = Math.max(best, attempt());
    } catch {
      // Damaged: try the next source.
    }
  }
  return best;
}

function damage(seq: number, error: unknown): DamagedRecord {
  const message = (error as Error).message;
  const id = /record "((?:[^"\\]|\\.)*)"/u.exec(message)?.[1];
  return { seq, ...(id === undefined ? {} : { id: JSON.parse(`"${id}"`) as string }), reason: message };
}
