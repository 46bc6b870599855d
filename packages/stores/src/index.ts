import { MemoryStore, StoreRegistry, type Store, type StoreDriver, type StoreOpenOptions } from '@pv/core';
import { int8ScanAccelerator } from '@pv/exact-scan';

/**
 * `memory:` — nothing is kept after the process ends (tests, demos, throwaway servers). Exact search goes
 * through `@pv/exact-scan`'s int8 pre-scan (same hits as scoring every row), as `file:` stores' does.
 */
export const memoryStoreDriver: StoreDriver = {
  schemes: ['memory'],
  usage: 'memory:',
  open: async (_uri, options) =>
    new MemoryStore({
      accelerator: int8ScanAccelerator,
      ...(options.modelId !== undefined ? { modelId: options.modelId } : {}),
      ...(options.dimension !== undefined ? { dimension: options.dimension } : {}),
    }),
};

/**
 * The registry every pv app opens stores through. Built in: `file:PATH` (and `*.pv`), `sqlite:PATH` (and
 * `*.db`, `*.sqlite`, `*.sqlite3`), `hnsw:DIR`, `postgres://…` / `postgresql://…` and `memory:`. Each store
 * package exports its own driver (URI parsing and opening live there); this table only names them, and
 * loads a package the first time its scheme is used. Plugins add theirs with `stores.register(driver)`.
 */
export const stores: StoreRegistry = new StoreRegistry()
  .register(async () => (await import('@pv/store-file')).fileStoreDriver, { schemes: ['file'], usage: 'file:PATH', extensions: ['.pv'] })
  .register(async () => (await import('@pv/store-sqlite')).sqliteStoreDriver, {
    schemes: ['sqlite'],
    usage: 'sqlite:PATH',
    extensions: ['.db', '.sqlite', '.sqlite3'],
  })
  .register(async () => (await import('@pv/store-hnsw')).hnswStoreDriver, { schemes: ['hnsw'], usage: 'hnsw:DIR' })
  .register(async () => (await import('@pv/store-pgvector')).pgvectorStoreDriver, {
    schemes: ['postgres', 'postgresql'],
    usage: 'postgres://USER:PASS@HOST/DB[?table=NAME]',
  })
  .register(memoryStoreDriver);

/**
 * Opens the store a URI names through {@link stores}.
 *
 * @example
 * ```ts
 * const store = await openStore('sqlite:faces.db', { metric: 'cosine', modelId: 'mobilefacenet', dimension: 512 });
 * console.log(await store.count());
 * await store.close();
 * ```
 */
export function openStore(uri: string, options: StoreOpenOptions = {}): Promise<Store> {
  return stores.open(uri, options);
}
