import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describeStore, expectPvError } from '@pv/testkit';
import { describe, expect, it } from 'vitest';
import { describeEncryption, describeErasure } from '@pv/testkit/process';
import { rekeySqliteStore } from './rekey.js';
import { checkStore, salvageStore } from './store-check.js';
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

describe('SqliteStore (encrypted): record checksums over the sealed columns', () => {
  it('finds a damaged sealed record without the key on open, and checks and salvages with it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pv-sqlite-enc-'));
    try {
      const file = path.join(dir, 'faces.db');
      const store = await SqliteStore.open(file, { encryption });
      await store.add(Array.from({ length: 20 }, (_, i) => ({ id: `r${i}`, label: `p${i % 4}`, modelId: 'm', vector: Float32Array.from({ length: 8 }, (_, j) => Math.cos(i + j)) })));
      await store.close();
      // One flipped bit in the sealed value of the 6th record (r5), wherever SQLite left a copy of it.
      const raw = new Database(file, { readonly: true });
      const sealed = raw.prepare('SELECT vector FROM pv_records WHERE seq = 6').pluck().get() as Buffer;
      raw.close();
      const bytes = await readFile(file);
      for (let at = bytes.indexOf(sealed); at >= 0; at = bytes.indexOf(sealed, at + 1)) bytes[at + 20] = (bytes[at + 20] as number) ^ 0x01;
      await writeFile(file, bytes);

      // The open check verifies checksums of the stored (sealed) bytes: it needs no key to see the damage.
      await expectPvError(SqliteStore.open(file, { encryption }), 'E_STORE_CORRUPT');
      await expectPvError(Promise.resolve().then(() => checkStore(file)), 'E_STORE_KEY');
      const report = checkStore(file, { encryption });
      expect(report).toMatchObject({ ok: false, records: 19 });
      expect(report.damaged.map((d) => d.seq)).toEqual([6]);

      const target = await SqliteStore.open(path.join(dir, 'recovered.db'), { encryption });
      const salvaged = await salvageStore(file, target, { encryption });
      expect(salvaged.copied).toBe(19);
      expect(await target.get('r5')).toBeUndefined();
      expect((await target.get('r7'))?.label).toBe('p3');
      await target.close();
      expect(checkStore(path.join(dir, 'recovered.db'), { encryption }).ok).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
