import type BetterSqlite3 from 'better-sqlite3';
import { StoreCorruptError } from '@pv/core';
import { recordChecksum } from './record-checksum.js';

/** The value of `pv_meta.format` that marks a database as a pv store. */
export const STORE_FORMAT = 'pv-store-sqlite';

/**
 * Schema migrations, in order. `PRAGMA user_version` holds how many have been applied; each runs in the
 * same transaction as the version bump, so a database is always at exactly one version.
 *
 * Version 1:
 * - `pv_meta`: key/value facts (format marker, model id and dimension binding, index settings).
 * - `pv_records`: one row per embedding. `seq` (never reused) is the insertion order; `vector` is the
 *   embedding as little-endian float32 values.
 * - `pv_deletions`: a log of deleted `seq`s, filled by a trigger, so that caches built from the table (the
 *   HNSW index of `@pv/store-hnsw`) can catch up with deletions made by any connection.
 *
 * Version 2:
 * - `pv_records.checksum`: the CRC-32 of the record's other columns (`recordChecksum`), verified on every
 *   read. Records stored before are checksummed as they are during the upgrade.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE pv_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
  CREATE TABLE pv_records (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    label TEXT NOT NULL,
    model_id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    source_file TEXT,
    box_x REAL,
    box_y REAL,
    box_width REAL,
    box_height REAL,
    vector BLOB NOT NULL
  );
  CREATE INDEX pv_records_label ON pv_records (label);
  CREATE TABLE pv_deletions (position INTEGER PRIMARY KEY AUTOINCREMENT, seq INTEGER NOT NULL);
  CREATE TRIGGER pv_records_deleted AFTER DELETE ON pv_records
  BEGIN
    INSERT INTO pv_deletions (seq) VALUES (old.seq);
  END;
  INSERT INTO pv_meta (key, value) VALUES ('format', '${STORE_FORMAT}');
  `,
  `
  ALTER TABLE pv_records ADD COLUMN checksum INTEGER;
  UPDATE pv_records SET checksum = pv_record_checksum(id, label, model_id, created_at, source_file, box_x, box_y, box_width, box_height, vector);
  `,
];

/**
 * Refuses, without writing anything, a database that is not a pv store of a schema version this code
 * knows: another application's database, or one written by a newer release. An empty database passes.
 */
export function checkSchema(db: BetterSqlite3.Database, file: string): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > MIGRATIONS.length) {
    throw new StoreCorruptError(
      `${file} has schema version ${version}, newer than this @pv/store-sqlite understands (${MIGRATIONS.length}); it was left untouched`,
      { file, version, supported: MIGRATIONS.length },
    );
  }
  if (version === 0) {
    const tables = db.prepare('SELECT count(*) FROM sqlite_schema').pluck().get() as number;
    if (tables > 0) {
      throw new StoreCorruptError(`${file} is an SQLite database of another application, not a pv store; it was left untouched`, {
        file,
      });
    }
    return;
  }
  const hasMeta = db.prepare("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'pv_meta'").pluck().get() as number;
  const format = hasMeta > 0 ? (db.prepare("SELECT value FROM pv_meta WHERE key = 'format'").pluck().get() as string | undefined) : undefined;
  if (format !== STORE_FORMAT) {
    throw new StoreCorruptError(`${file} is not a pv store (no "${STORE_FORMAT}" marker); it was left untouched`, { file });
  }
}

/**
 * Applies the migrations `db` lacks, in one immediate (write-locked) transaction; `onCreate` runs in that
 * transaction when the database was empty (a new store).
 */
export function migrate(db: BetterSqlite3.Database, file: string, onCreate?: (db: BetterSqlite3.Database) => void): void {
  db.function('pv_record_checksum', { deterministic: true }, recordChecksum);
  const apply = db.transaction(() => {
    checkSchema(db, file);
    const version = db.pragma('user_version', { simple: true }) as number;
    for (let v = version; v < MIGRATIONS.length; v++) {
      db.exec(MIGRATIONS[v] as string);
      db.pragma(`user_version = ${v + 1}`);
    }
    if (version === 0) onCreate?.(db);
  });
  if ((db.pragma('user_version', { simple: true }) as number) < MIGRATIONS.length) apply.immediate();
}
