import { cipherFor, type StoreEncryption } from '@pv/store-crypto';
import { RecordDatabase } from './record-database.js';

/**
 * Re-encrypts the SQLite store in `file` from one key to another: `from` is its current key (`undefined`
 * for a plain store), `to` the new one (`undefined` writes it back in plain form). Every record is
 * re-sealed in one transaction, then the file is rewritten (`VACUUM`) and its WAL truncated, so nothing
 * sealed under the old key, or stored in clear, is left in it. A wrong or missing `from` key is
 * `E_STORE_KEY` and leaves the file untouched. Close the store everywhere first.
 *
 * @example
 * ```ts
 * await rekeySqliteStore('faces.db', { keyFile: 'old.key' }, { keyFile: 'new.key' });
 * ```
 */
export async function rekeySqliteStore(file: string, from: StoreEncryption | undefined, to: StoreEncryption | undefined): Promise<void> {
  const target = cipherFor(to);
  const db = RecordDatabase.open(file, from === undefined ? {} : { encryption: from });
  try {
    db.rekey(target);
  } finally {
    db.close();
  }
}
