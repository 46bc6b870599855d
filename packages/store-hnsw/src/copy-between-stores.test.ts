import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MemoryStore, copyStore, type EmbeddingRecord, type NewRecord, type Store } from '@pv/core';
import { cosine } from '@pv/metric-cosine';
import { FileStore } from '@pv/store-file';
import { SqliteStore } from '@pv/store-sqlite';
import { seededRandom } from '@pv/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HnswStore } from './hnsw-store.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'pv-copy-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function all(store: Store): Promise<EmbeddingRecord[]> {
  const out: EmbeddingRecord[] = [];
  for await (const r of store.records()) out.push(r);
  return out;
}

describe('copyStore between persistent stores', () => {
  it('migrates file → SQLite → HNSW → memory keeping every record, its order and its metadata', async () => {
    const uniform = seededRandom(5);
    const input: NewRecord[] = Array.from({ length: 250 }, (_, i) => ({
      id: `r${i}`,
      label: `person-${i % 9}`,
      modelId: 'mobilefacenet',
      createdAt: 1_700_000_000_000 + i,
      vector: Float32Array.from({ length: 32 }, () => uniform() - 0.5),
      ...(i % 3 === 0 ? { source: { file: `photos/${i}.jpg`, box: { x: i, y: 2, width: 30, height: 40 } } } : {}),
    }));
    const file = await FileStore.open(path.join(dir, 'gallery.pvstore'));
    await file.add(input);
    await file.delete('r10');
    const expected = await all(file);

    const sqlite = await SqliteStore.open(path.join(dir, 'gallery.db'));
    expect(await copyStore(file, sqlite, { batchSize: 64 })).toBe(249);
    const hnsw = await HnswStore.open(path.join(dir, 'gallery-hnsw.db'));
    expect(await copyStore(sqlite, hnsw, { batchSize: 100 })).toBe(249);
    const memory = new MemoryStore();
    await copyStore(hnsw, memory);

    for (const store of [sqlite, hnsw, memory]) {
      expect(await all(store)).toEqual(expected);
      expect(await store.info()).toEqual({ modelId: 'mobilefacenet', dimension: 32, count: 249 });
    }
    const query = expected[42]?.vector as Float32Array;
    const [hit] = await hnsw.search(query, { k: 1, metric: cosine });
    expect(hit?.record).toEqual(expected[42]);
    await Promise.all([file, sqlite, hnsw, memory].map((s) => s.close()));
  });
});
