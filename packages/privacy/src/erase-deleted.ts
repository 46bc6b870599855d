import type { Store } from '@pv/core';

/** A store with an explicit erasure step (`@pv/store-sqlite`, `@pv/store-hnsw`, `@pv/store-pgvector`). */
export interface ErasingStore extends Store {
  /** Makes every deletion so far an erasure in the files or tables the store owns. */
  eraseDeleted(): Promise<unknown>;
}

/** Whether `store` has an explicit erasure step. */
export function isErasingStore(store: Store): store is ErasingStore {
  return typeof (store as Partial<ErasingStore>).eraseDeleted === 'function';
}

/**
 * Runs the store's erasure step when it has one. Stores without one either erase as they delete (the
 * file store rewrites its file) or keep nothing on disk (the in-memory store).
 */
export async function eraseDeleted(store: Store): Promise<void> {
  if (isErasingStore(store)) await store.eraseDeleted();
}
