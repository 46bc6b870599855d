import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { InvalidArgumentError, storeUriPath, type StoreDriver } from '@pv/core';
import type { HnswSpace } from './gallery-index.js';
import { HnswStore } from './hnsw-store.js';
import { rekeyHnswStore } from './rekey.js';

/** The database file of an `hnsw:DIR` store; the graph files are written beside it. */
export const HNSW_DATABASE_FILE = 'gallery.db';

/** Opens `hnsw:DIR` stores (created when missing, in the metric space of `options.metric`) for a store registry. */
export const hnswStoreDriver: StoreDriver = {
  schemes: ['hnsw'],
  usage: 'hnsw:DIR',
  open: async (uri, options) => {
    const directory = storeUriPath(uri, 'hnsw:DIR');
    const space = options.metric ?? 'cosine';
    if (space !== 'cosine' && space !== 'l2') {
      throw new InvalidArgumentError(`An HNSW store is built for cosine or l2, not "${space}"`, { metric: space, uri });
    }
    await mkdir(directory, { recursive: true, mode: 0o700 });
    return HnswStore.open(path.join(directory, HNSW_DATABASE_FILE), {
      space: space satisfies HnswSpace,
      ...(options.modelId !== undefined ? { modelId: options.modelId } : {}),
      ...(options.dimension !== undefined ? { dimension: options.dimension } : {}),
      ...(options.encryption !== undefined ? { encryption: options.encryption } : {}),
    });
  },
  rekey: (uri, from, to) => rekeyHnswStore(path.join(storeUriPath(uri, 'hnsw:DIR'), HNSW_DATABASE_FILE), from, to),
};
