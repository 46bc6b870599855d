export { PgvectorStore } from './pgvector-store.js';
export type {
  BuildIndexOptions,
  PgvectorConnection,
  PgvectorSearchOptions,
  PgvectorStoreOptions,
  PgvectorStoreSettings,
} from './pgvector-store.js';
export type { IndexMetric } from './index-metric.js';
export type { HnswBuildOptions } from './hnsw-index.js';
export { MAX_EF_SEARCH, MAX_INDEXED_DIMENSION } from './hnsw-index.js';
export { MAX_TABLE_NAME_LENGTH } from './table-names.js';
export { SCHEMA_VERSION } from './schema.js';
export { pgvectorStoreDriver, DEFAULT_POSTGRES_TABLE } from './driver.js';
