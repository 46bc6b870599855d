import { storeUriPath, type StoreDriver } from '@pv/core';
import { FileStore } from './file-store.js';

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
    }),
};
