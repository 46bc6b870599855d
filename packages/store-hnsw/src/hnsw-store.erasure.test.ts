import path from 'node:path';
import { describeErasure } from '@pv/testkit/process';
import { HnswStore } from './hnsw-store.js';

// The records as in @pv/store-sqlite (secure_delete, WAL truncated); the graph overwrites a deleted node's
// vector before marking it deleted, and close() writes a new index file and removes the older ones.
describeErasure('HnswStore', (dir) => HnswStore.open(path.join(dir, 'gallery.db'), { space: 'l2' }));

describeErasure('HnswStore (index saved every 3 changes, eraseDeleted before close)', (dir) => HnswStore.open(path.join(dir, 'gallery.db'), { space: 'l2', saveEvery: 3 }), {
  flush: async (store) => {
    if (!(await (store as HnswStore).eraseDeleted())) throw new Error('eraseDeleted did not complete');
  },
});
