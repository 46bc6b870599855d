import { storeUriPath, type StoreDriver } from '@pv/core';
import { rekeySqliteStore } from './rekey.js';
import { SqliteStore } from './sqlite-store.js';

/** Opens `sqlite:PATH` stores (and bare paths ending in `.db`, `.sqlite`, `.sqlite3`) for a store registry. */
export const sqliteStoreDriver: StoreDriver = {
  schemes: ['sqlite'],
  usage: 'sqlite:PATH',
  extensions: ['.db', '.sqlite', '.sqlite3'],
  open: (uri, options) =>
    SqliteStore.open(storeUriPath(uri, 'sqlite:PATH'), {
      ...(options.modelId !== undefined ? { modelId: options.modelId } : {}),
      ...(options.dimension !== undefined ? { dimension: options.dimension } : {}),
      ...(options.encryption !== undefined ? { encryption: options.encryption } : {}),
    }),
  rekey: (uri, from, to) => rekeySqliteStore(storeUriPath(uri, 'sqlite:PATH'), from, to),
};
