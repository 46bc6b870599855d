export { HnswStore, type HnswStoreOptions } from './hnsw-store.js';
export type { HnswSpace } from './gallery-index.js';
export { hnswStoreDriver, HNSW_DATABASE_FILE } from './driver.js';
export { rekeyHnswStore } from './rekey.js';
