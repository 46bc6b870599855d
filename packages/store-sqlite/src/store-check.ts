import type { Store } from '@pv/core';
import type { StoreEncryption } from '@pv/store-crypto';
import { checkDatabase, salvageDatabase, type SalvageOptions, type SalvageReport, type StoreCheckReport } from './integrity.js';
import { RecordDatabase } from './record-database.js';

/** Options of {@link checkStore} and {@link salvageStore}. */
export interface CheckStoreOptions {
  /** The key of an encrypted store (its records are read back and opened); without it such a store is `E_STORE_KEY`. */
  readonly encryption?: StoreEncryption;
}

/**
 * Checks the SQLite store (or `@pv/store-hnsw` database) in `file` completely, without writing to it:
 * SQLite's `integrity_check` over every page and index, and every record read back and verified against its
 * checksum. A damaged store is reported, not refused; a file that is not a pv store at all is
 * `E_STORE_CORRUPT`, a missing one `E_STORE_CORRUPT` too (nothing to check).
 *
 * @example
 * ```ts
 * const report = checkStore('gallery.db');
 * if (!report.ok) console.log(report.problems, report.damaged);
 * ```
 */
export function checkStore(file: string, options: CheckStoreOptions = {}): StoreCheckReport {
  const db = RecordDatabase.open(file, { inspectOnly: true, openCheck: 'none', ...(options.encryption ? { encryption: options.encryption } : {}) });
  try {
    return checkDatabase(db);
  } finally {
    db.close();
  }
}

/**
 * Copies every intact record of the (possibly damaged) store in `file` into `target`, a new or other store,
 * without writing to `file`: the salvage path for a store that fails its checks. Records on damaged pages or
 * failing their checksum are skipped and listed in the report.
 *
 * @example
 * ```ts
 * const target = await SqliteStore.open('recovered.db');
 * const { copied, damaged } = await salvageStore('damaged.db', target);
 * await target.close();
 * ```
 */
export async function salvageStore(file: string, target: Pick<Store, 'add'>, options: SalvageOptions & CheckStoreOptions = {}): Promise<SalvageReport> {
  const db = RecordDatabase.open(file, { inspectOnly: true, openCheck: 'none', ...(options.encryption ? { encryption: options.encryption } : {}) });
  try {
    return await salvageDatabase(db, target, options);
  } finally {
    db.close();
  }
}
