import { storeUriPath, type StoreDriver } from '@pv/core';
import { FileStore, rekeyFileStore } from './file-store.js';

/** Opens `file:PATH` stores (and bare paths ending in `.pv`) for a store registry. */
export const fileStoreDriver: StoreDriver = {
  schemes: ['file'],
  usage: 'file:PATH',
  extensions: ['.pv'],
  open: (uri, options) =>
    FileStore.open(storeUriPath(uri, 'file:PATH'), {
      readOnly: options.readOnly ?? false,
      ...(options.modelId !== undefined ? { modelId: options.modelId } : {}),
      ...(options.dimension !== undefined ? { dimension: options.dimension } : {}),
      ...(options.encryption !== undefined ? { encryption: options.encryption } : {}),
    }),
  rekey: async (uri, from, to) => {
    await rekeyFileStore(storeUriPath(uri, 'file:PATH'), from, to);
  },
};
