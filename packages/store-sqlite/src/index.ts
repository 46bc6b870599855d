export { SqliteStore, type SqliteStoreOptions } from './sqlite-store.js';
export {
  RecordDatabase,
  type ChangeCursor,
  type DeletionEntry,
  type RecordDatabaseOptions,
  type SequencedRecord,
} from './record-database.js';
export { searchExact, type ExactSearchParams, type ScoredSeq } from './exact-search.js';
export { toStoreError } from './sqlite-errors.js';
export { decodeVector, encodeVector } from './vector-blob.js';
export { sqliteStoreDriver } from './driver.js';
export { checkStore, salvageStore, type CheckStoreOptions } from './store-check.js';
export { rekeySqliteStore } from './rekey.js';
export { KEY_CHECK_KEY } from './sealed-record.js';
export {
  checkDatabase,
  salvageDatabase,
  FULL_CHECK_MAX_BYTES,
  SAMPLED_RECORDS,
  type DamagedRecord,
  type OpenCheck,
  type SalvageOptions,
  type SalvageReport,
  type StoreCheckReport,
} from './integrity.js';
export { recordChecksum } from './record-checksum.js';
