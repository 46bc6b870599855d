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
