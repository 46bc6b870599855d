import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Store } from '@pv/core';
import { HnswStore } from '@pv/store-hnsw';
import type { OpenStoreOptions } from './store-uri.js';

/** The database file of an `hnsw:DIR` store; the graph files are written beside it. */
export const HNSW_DATABASE_FILE = 'gallery.db';

/** Opens (creating when missing) the HNSW store kept in `directory`, in the metric space of `options.metric`. */
export async function openHnswStoreFromUri(directory: string, options: OpenStoreOptions): Promise<Store> {
  await mkdir(directory, { recursive: true });
  return HnswStore.open(path.join(directory, HNSW_DATABASE_FILE), { space: options.metric ?? 'cosine' });
}
