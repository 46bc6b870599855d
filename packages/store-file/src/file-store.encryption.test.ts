import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describeStore } from '@pv/testkit';
import { describeEncryption, describeErasure } from '@pv/testkit/process';
import { FileStore, rekeyFileStore } from './index.js';

const encryption = { key: new Uint8Array(randomBytes(32)) };

describeStore(
  'FileStore (encrypted)',
  async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pv-file-enc-'));
    return {
      open: (options) => FileStore.open(path.join(dir, 'faces.pv'), { ...options, encryption }),
      cleanup: () => rm(dir, { recursive: true, force: true }),
    };
  },
  { reopenable: true },
);

describeErasure('FileStore (encrypted)', (dir) => FileStore.open(path.join(dir, 'faces.pv'), { encryption }), { plaintext: false });

describeEncryption('FileStore', {
  open: (dir, key) => FileStore.open(path.join(dir, 'faces.pv'), key ? { encryption: key } : {}),
  rekey: (dir, from, to) => rekeyFileStore(path.join(dir, 'faces.pv'), from, to),
});
