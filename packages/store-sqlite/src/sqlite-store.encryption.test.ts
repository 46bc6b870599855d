import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describeStore } from '@pv/testkit';
import { describeEncryption, describeErasure } from '@pv/testkit/process';
import { rekeySqliteStore } from './rekey.js';
import { SqliteStore } from './sqlite-store.js';

const encryption = { key: new Uint8Array(randomBytes(32)) };

describeStore(
  'SqliteStore (encrypted)',
  async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pv-sqlite-enc-'));
    return {
      open: (options) => SqliteStore.open(path.join(dir, 'store.db'), { ...options, encryption }),
      cleanup: () => rm(dir, { recursive: true, force: true }),
    };
  },
  { reopenable: true, anyMetric: true },
);

describeErasure('SqliteStore (encrypted)', (dir) => SqliteStore.open(path.join(dir, 'faces.db'), { encryption }), { plaintext: false });

describeEncryption('SqliteStore', {
  open: (dir, key) => SqliteStore.open(path.join(dir, 'faces.db'), key ? { encryption: key } : {}),
  rekey: (dir, from, to) => rekeySqliteStore(path.join(dir, 'faces.db'), from, to),
});
