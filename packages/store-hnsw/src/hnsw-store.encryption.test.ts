import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { l2 } from '@pv/metric-l2';
import { cosine } from '@pv/metric-cosine';
import { describeStore, hashSeed, randomVector, seededRandom } from '@pv/testkit';
import { describe, expect, it } from 'vitest';
import { describeEncryption, describeErasure, filesHolding, footprintOf } from '@pv/testkit/process';
import { stagingRoot } from './graph-staging.js';
import { HnswStore } from './hnsw-store.js';
import { rekeyHnswStore } from './rekey.js';

const encryption = { key: new Uint8Array(randomBytes(32)) };

describeStore(
  'HnswStore (encrypted, index saved every 7 changes)',
  async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pv-hnsw-enc-'));
    return {
      open: (options) => HnswStore.open(path.join(dir, 'gallery.db'), { ...options, space: 'l2', saveEvery: 7, exactLabelLimit: 0, encryption }),
      cleanup: () => rm(dir, { recursive: true, force: true }),
    };
  },
  { reopenable: true, exact: false, minRecall: 0.95, metrics: [l2], unsupportedMetrics: [cosine] },
);

describeErasure('HnswStore (encrypted)', (dir) => HnswStore.open(path.join(dir, 'gallery.db'), { space: 'l2', encryption }), { plaintext: false });

describeEncryption('HnswStore', {
  open: (dir, key) => HnswStore.open(path.join(dir, 'gallery.db'), { space: 'l2', ...(key ? { encryption: key } : {}) }),
  rekey: (dir, from, to) => rekeyHnswStore(path.join(dir, 'gallery.db'), from, to),
});

describe('HnswStore (encrypted): the sealed index file', () => {
  it('is written sealed, read back on open without a rebuild, and staged only in memory', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pv-hnsw-enc-'));
    try {
      const file = path.join(dir, 'gallery.db');
      const records = Array.from({ length: 50 }, (_, i) => ({ id: `r${i}`, label: `person-${i % 5}`, modelId: 'm', vector: randomVector(seededRandom(hashSeed(`v${i}`)), 16) }));
      const store = await HnswStore.open(file, { space: 'l2', encryption });
      await store.add(records);
      await store.close();
      const indexFiles = (await readdir(dir)).filter((n) => n.endsWith('.hnsw'));
      expect(indexFiles).toHaveLength(1);
      expect(await filesHolding(dir, footprintOf('person-0', records).needles)).toEqual([]);
      const warnings: string[] = [];
      const reopened = await HnswStore.open(file, { space: 'l2', encryption, onWarning: (w) => warnings.push(w) });
      const [hit] = await reopened.search(records[17]?.vector as Float32Array, { k: 1, metric: l2 });
      expect(hit?.record.id).toBe('r17');
      await reopened.close();
      expect(warnings).toEqual([]);
      const root = stagingRoot();
      if (root !== null) expect((await readdir(root)).filter((n) => n.startsWith('pv-hnsw-'))).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('without a memory file system to stage in, writes no index file and rebuilds the graph on open', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pv-hnsw-enc-'));
    const previous = process.env.PV_HNSW_STAGING_DIR;
    process.env.PV_HNSW_STAGING_DIR = path.join(dir, 'no-such-dir');
    try {
      const file = path.join(dir, 'gallery.db');
      const records = Array.from({ length: 30 }, (_, i) => ({ id: `r${i}`, label: `person-${i % 3}`, modelId: 'm', vector: randomVector(seededRandom(hashSeed(`w${i}`)), 16) }));
      const store = await HnswStore.open(file, { space: 'l2', encryption });
      await store.add(records);
      await store.close();
      expect((await readdir(dir)).filter((n) => n.endsWith('.hnsw'))).toEqual([]);
      const reopened = await HnswStore.open(file, { space: 'l2', encryption });
      const [hit] = await reopened.search(records[11]?.vector as Float32Array, { k: 1, metric: l2 });
      expect(hit?.record.id).toBe('r11');
      await reopened.close();
    } finally {
      if (previous === undefined) delete process.env.PV_HNSW_STAGING_DIR;
      else process.env.PV_HNSW_STAGING_DIR = previous;
      await rm(dir, { recursive: true, force: true });
    }
  });
});
