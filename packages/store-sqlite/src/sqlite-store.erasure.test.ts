import path from 'node:path';
import { describeErasure } from '@pv/testkit/process';
import { SqliteStore } from './sqlite-store.js';

// secure_delete zeroes deleted rows and freed pages; the WAL is truncated after each deletion and on close.
describeErasure('SqliteStore', (dir) => SqliteStore.open(path.join(dir, 'faces.db')));

describeErasure('SqliteStore (eraseDeleted before close)', (dir) => SqliteStore.open(path.join(dir, 'faces.db')), {
  flush: async (store) => {
    if (!(await (store as SqliteStore).eraseDeleted())) throw new Error('eraseDeleted did not complete');
  },
});
