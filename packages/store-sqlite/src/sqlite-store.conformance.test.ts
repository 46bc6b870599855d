import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describeStore } from '@pv/testkit';
import { SqliteStore } from './sqlite-store.js';

describeStore(
  'SqliteStore',
  async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pv-sqlite-'));
    return {
      open: (options) => SqliteStore.open(path.join(dir, 'store.db'), options),
      cleanup: () => rm(dir, { recursive: true, force: true }),
    };
  },
  { reopenable: true, anyMetric: true },
);

describeStore(
  'SqliteStore (searching in chunks of 3 rows)',
  async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pv-sqlite-'));
    return {
      open: (options) => SqliteStore.open(path.join(dir, 'store.db'), { ...options, searchChunkRows: 3 }),
      cleanup: () => rm(dir, { recursive: true, force: true }),
    };
  },
  { reopenable: true, anyMetric: true },
);
