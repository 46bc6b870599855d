import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MetricUnsupportedError, type EmbeddingRecord, type NewRecord, type Store } from '@pv/core';
import { cosine } from '@pv/metric-cosine';
import { l2 } from '@pv/metric-l2';
import { SqliteStore } from '@pv/store-sqlite';
import { expectPvError } from '@pv/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GalleryIndex } from './gallery-index.js';
import { HnswStore } from './hnsw-store.js';

const DIMENSION = 16;

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'pv-hnsw-store-'));
  file = path.join(dir, 'gallery.db');
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** `count` records with distinct, well separated vectors (deterministic). */
function records(count: number, prefix: string, labelOf = (i: number) => `person-${i % 5}`): NewRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `${prefix}${i}`,
    label: labelOf(i),
    modelId: 'm',
    vector: Float32Array.from({ length: DIMENSION }, (_, j) => Math.sin((i + 1) * (j + 1) * 1.37 + prefix.length)),
  }));
}

function indexFiles(): string[] {
  return readdirSync(dir).filter((n) => n.endsWith('.hnsw') || n.includes('.hnsw.tmp-'));
}

/** Ids found when searching each record's own vector with k = 1. */
async function selfHits(store: Store, wanted: readonly NewRecord[]): Promise<string[]> {
  const found: string[] = [];
  for (const r of wanted) {
    const [hit] = await store.search(r.vector, { k: 1, metric: cosine });
    if (hit) found.push(hit.record.id);
  }
  return found;
}

async function ids(store: Store): Promise<string[]> {
  const all: string[] = [];
  for await (const r of store.records()) all.push(r.id);
  return all;
}

describe('HnswStore index files', () => {
  it('writes one index file named after the database state on close, replacing older ones', async () => {
    const store = await HnswStore.open(file);
    await store.add(records(30, 'a'));
    await store.close();
    expect(indexFiles()).toEqual([expect.stringMatching(/^gallery\.db\.[0-9a-f-]{36}\.s30\.d0\.hnsw$/u)]);

    const again = await HnswStore.open(file);
    await again.delete('a3');
    await again.add(records(5, 'b'));
    await again.close();
    expect(indexFiles()).toEqual([expect.stringMatching(/\.s35\.d1\.hnsw$/u)]);
  });

  it('writes nothing when nothing changed', async () => {
    const store = await HnswStore.open(file);
    await store.close();
    expect(indexFiles()).toEqual([]);
  });

  it('writes the index file every `saveEvery` changes', async () => {
    const store = await HnswStore.open(file, { saveEvery: 10 });
    await store.add(records(4, 'a'));
    expect(indexFiles()).toEqual([]);
    await store.add(records(8, 'b'));
    expect(indexFiles()).toEqual([expect.stringMatching(/\.s12\.d0\.hnsw$/u)]);
    await store.close();
  });

  it('catches up with records added and deleted by connections that did not update the index', async () => {
    const first = await HnswStore.open(file);
    const initial = records(40, 'a');
    await first.add(initial);
    await first.close();
    const [indexFile] = indexFiles();

    // As after a crash between a commit and the next index write: the database moved on, the file did not.
    const plain = await SqliteStore.open(file);
    const later = records(20, 'bb');
    await plain.add(later);
    expect(await plain.delete('a7')).toBe(true);
    expect(await plain.delete('bb3')).toBe(true);
    await plain.close();
    expect(indexFiles()).toEqual([indexFile]);

    // 22 changes to catch up are below saveEvery, so the open writes no file; a rebuild (60) would.
    const reopened = await HnswStore.open(file, { saveEvery: 30 });
    expect(indexFiles()).toEqual([indexFile]);
    const expected = [...initial, ...later].filter((r) => r.id !== 'a7' && r.id !== 'bb3');
    expect(await selfHits(reopened, expected)).toEqual(expected.map((r) => r.id));
    const all = await reopened.search(initial[7]?.vector as Float32Array, { k: 100, metric: cosine });
    expect(all.map((h) => h.record.id).sort()).toEqual(expected.map((r) => r.id).sort());
    await reopened.close();
  });

  it('rebuilds the index when its file is damaged, and ignores files of a later state or another store', async () => {
    const first = await HnswStore.open(file);
    const stored = records(25, 'a');
    await first.add(stored);
    await first.close();
    const [good] = indexFiles() as [string];
    writeFileSync(path.join(dir, good), 'damaged');
    const storeId = good.split('.')[2] as string;
    writeFileSync(path.join(dir, `gallery.db.${storeId}.s999.d0.hnsw`), 'from a later state');
    writeFileSync(path.join(dir, 'gallery.db.00000000-0000-4000-8000-000000000000.s1.d0.hnsw'), 'another store');

    // Rebuilt from the database: 25 changes reach saveEvery, so the open writes a good file at once.
    const reopened = await HnswStore.open(file, { saveEvery: 20 });
    expect(indexFiles()).toContain(good);
    expect(() => GalleryIndex.read(path.join(dir, good), { space: 'cosine', m: 16, efConstruction: 200, ef: 10 }, DIMENSION)).not.toThrow();
    expect(await selfHits(reopened, stored)).toEqual(stored.map((r) => r.id));
    await reopened.add(records(1, 'z'));
    await reopened.close();
    // The new file replaces the damaged one and the other store's; the later-state file is left alone.
    expect(indexFiles().sort()).toEqual([`gallery.db.${storeId}.s26.d0.hnsw`, `gallery.db.${storeId}.s999.d0.hnsw`]);
  });

  it('removes temporary files left by a process that died while writing', async () => {
    const store = await HnswStore.open(file);
    await store.add(records(3, 'a'));
    await store.close();
    const [name] = indexFiles() as [string];
    const deadPid = 2 ** 22 + 12345;
    writeFileSync(path.join(dir, `${name.replace('.s3.', '.s9.')}.tmp-${deadPid}`), 'half written');
    const again = await HnswStore.open(file);
    await again.add(records(1, 'b'));
    await again.close();
    expect(indexFiles()).toEqual([expect.stringMatching(/\.s4\.d0\.hnsw$/u)]);
  });
});

describe('HnswStore', () => {
  it('indexes a database written by SqliteStore', async () => {
    const plain = await SqliteStore.open(file);
    const stored = records(50, 'a');
    await plain.add(stored);
    await plain.close();
    const store = await HnswStore.open(file, { space: 'l2' });
    const query = stored[10]?.vector as Float32Array;
    const [hit] = await store.search(query, { k: 1, metric: l2 });
    expect(hit?.record.id).toBe('a10');
    expect(hit?.distance).toBe(0);
    await store.close();
  });

  it('keeps handles on the same file in step with each other', async () => {
    const a = await HnswStore.open(file);
    const b = await HnswStore.open(file);
    const first = records(20, 'a');
    await a.add(first);
    expect(await selfHits(b, first)).toEqual(first.map((r) => r.id));
    await b.deleteLabel('person-0');
    const second = records(10, 'bbb');
    await b.add(second);
    const left = [...first.filter((r) => r.label !== 'person-0'), ...second];
    const hits = await a.search(first[0]?.vector as Float32Array, { k: 100, metric: cosine });
    expect(hits.map((h) => h.record.id).sort()).toEqual(left.map((r) => r.id).sort());
    expect(await ids(a)).toEqual(left.map((r) => r.id));
    await a.close();
    await b.close();
  });

  it('reuses deleted slots and grows past its initial capacity', async () => {
    const store = await HnswStore.open(file, { initialCapacity: 8 });
    const first = records(40, 'a');
    await store.add(first);
    for (const r of first.slice(0, 30)) await store.delete(r.id as string);
    const second = records(60, 'bb');
    await store.add(second);
    const expected = [...first.slice(30), ...second];
    expect(await selfHits(store, expected)).toEqual(expected.map((r) => r.id));
    expect(await store.count()).toBe(70);
    await store.close();
  });

  it('searches a large label through the graph and a small one exactly', async () => {
    const labelOf = (i: number): string => (i < 150 ? 'crowd' : `single-${i}`);
    const stored = records(160, 'a', labelOf);
    const store = await HnswStore.open(file, { exactLabelLimit: 100 });
    await store.add(stored);
    const query = stored[3]?.vector as Float32Array;
    const crowd = await store.search(query, { k: 5, metric: cosine, label: 'crowd' });
    expect(crowd).toHaveLength(5);
    expect(crowd[0]?.record.id).toBe('a3');
    expect(crowd.every((h) => h.record.label === 'crowd')).toBe(true);
    const single = await store.search(query, { k: 5, metric: cosine, label: 'single-155' });
    expect(single.map((h) => h.record.id)).toEqual(['a155']);
    expect(single[0]?.distance).toBeCloseTo(cosine.distance(query, stored[155]?.vector as Float32Array), 6);
    await store.close();
  });

  it('returns distances computed by the metric on the stored vectors (true L2, not squared)', async () => {
    const store = await HnswStore.open(file, { space: 'l2' });
    await store.add([
      { id: 'o', label: 'a', modelId: 'm', vector: new Float32Array(DIMENSION) },
      { id: 't', label: 'b', modelId: 'm', vector: Float32Array.from({ length: DIMENSION }, (_, j) => (j === 0 ? 3 : j === 1 ? 4 : 0)) },
    ]);
    const hits = await store.search(new Float32Array(DIMENSION), { k: 2, metric: l2 });
    expect(hits.map((h) => [h.record.id, h.distance])).toEqual([
      ['o', 0],
      ['t', 5],
    ]);
    await store.close();
  });

  it('returns nothing for a query holding NaN, like exact stores', async () => {
    const store = await HnswStore.open(file);
    await store.add(records(20, 'a'));
    const query = new Float32Array(DIMENSION).fill(Number.NaN);
    expect(await store.search(query, { k: 5, metric: cosine })).toEqual([]);
    await store.close();
  });

  it('refuses to search by a metric of another space, naming the space and the file', async () => {
    const store = await HnswStore.open(file);
    await store.add(records(2, 'a'));
    const error = await expectPvError(store.search(new Float32Array(DIMENSION).fill(1), { k: 1, metric: l2 }), 'E_METRIC_UNSUPPORTED');
    expect(error).toBeInstanceOf(MetricUnsupportedError);
    expect((error as MetricUnsupportedError).details).toEqual({ metric: 'l2', supported: ['cosine'], file });
    await store.close();
  });

  it('refuses to reopen with another space or graph settings', async () => {
    const store = await HnswStore.open(file, { space: 'cosine', m: 12 });
    await store.add(records(2, 'a'));
    await store.close();
    const otherSpace = await expectPvError(HnswStore.open(file, { space: 'l2' }), 'E_METRIC_UNSUPPORTED');
    expect(otherSpace).toBeInstanceOf(MetricUnsupportedError);
    expect((otherSpace as MetricUnsupportedError).details).toEqual({ metric: 'l2', supported: ['cosine'], file });
    await expectPvError(HnswStore.open(file, { m: 16 }), 'E_INVALID_ARGUMENT');
    await expectPvError(HnswStore.open(file, { efConstruction: 10 }), 'E_INVALID_ARGUMENT');
    const again = await HnswStore.open(file, { ef: 7 });
    expect(again.space).toBe('cosine');
    expect(again.ef).toBe(7);
    again.ef = 50;
    expect(again.ef).toBe(50);
    expect(() => {
      again.ef = 0;
    }).toThrow(expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }));
    expect((await again.search(records(1, 'a')[0]?.vector as Float32Array, { k: 1, metric: cosine }))[0]?.record.id).toBe('a0');
    await again.close();
  });

  it('refuses invalid options with E_INVALID_ARGUMENT', async () => {
    await expectPvError(HnswStore.open(file, { m: 0 }), 'E_INVALID_ARGUMENT');
    await expectPvError(HnswStore.open(file, { ef: 1.5 }), 'E_INVALID_ARGUMENT');
    await expectPvError(HnswStore.open(file, { space: 'ip' as 'l2' }), 'E_INVALID_ARGUMENT');
    await expectPvError(HnswStore.open(file, { exactLabelLimit: -1 }), 'E_INVALID_ARGUMENT');
  });

  it('refuses a file that is not a database with E_STORE_CORRUPT', async () => {
    writeFileSync(file, 'not a database at all'.repeat(20));
    const error = await expectPvError(HnswStore.open(file), 'E_STORE_CORRUPT');
    expect(error.message).toContain(file);
  });

  it('works on an in-memory database', async () => {
    const store = await HnswStore.open(':memory:');
    const stored: EmbeddingRecord[] = await store.add(records(10, 'a'));
    expect(await selfHits(store, stored)).toEqual(stored.map((r) => r.id));
    await store.close();
    expect(indexFiles()).toEqual([]);
  });
});
