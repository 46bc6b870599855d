import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GalleryIndex, type HnswParams } from './gallery-index.js';

const params: HnswParams = { space: 'l2', m: 8, efConstruction: 50, ef: 20 };

/** Unit vector along axis `i` of `dimension`, scaled by `scale`. */
function axis(i: number, dimension: number, scale = 1): Float32Array {
  const v = new Float32Array(dimension);
  v[i % dimension] = scale;
  return v;
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'pv-gallery-index-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('GalleryIndex', () => {
  it('grows past its initial capacity', () => {
    const index = GalleryIndex.create(params, 16, 2);
    for (let seq = 1; seq <= 40; seq++) index.add(seq, `p${seq % 3}`, axis(seq, 16, seq));
    expect(index.size).toBe(40);
    expect(index.capacity).toBeGreaterThanOrEqual(40);
    for (let seq = 1; seq <= 40; seq++) expect(index.search(axis(seq, 16, seq), 1)).toEqual([seq]);
  });

  it('reuses the slots of deleted records instead of growing', () => {
    const index = GalleryIndex.create(params, 8, 10);
    for (let seq = 1; seq <= 10; seq++) index.add(seq, 'a', axis(seq, 8, seq));
    for (let seq = 1; seq <= 5; seq++) index.remove(seq);
    expect(index.size).toBe(5);
    for (let seq = 11; seq <= 15; seq++) index.add(seq, 'b', axis(seq, 8, seq));
    expect(index.capacity).toBe(10);
    expect(index.size).toBe(10);
    expect(index.search(axis(0, 8, 0), 100).sort((x, y) => x - y)).toEqual([6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
  });

  it('never returns deleted records and ignores unknown ones', () => {
    const index = GalleryIndex.create(params, 4, 8);
    index.add(1, 'a', Float32Array.of(1, 0, 0, 0));
    index.add(2, 'a', Float32Array.of(0.9, 0, 0, 0));
    index.remove(1);
    index.remove(1);
    index.remove(99);
    expect(index.has(1)).toBe(false);
    expect(index.has(2)).toBe(true);
    expect(index.search(Float32Array.of(1, 0, 0, 0), 5)).toEqual([2]);
  });

  it('filters by label', () => {
    const index = GalleryIndex.create(params, 8, 4);
    for (let seq = 1; seq <= 30; seq++) index.add(seq, seq % 3 === 0 ? 'three' : 'other', axis(seq, 8, seq));
    const hits = index.search(axis(0, 8, 0), 30, 'three');
    expect(hits.sort((x, y) => x - y)).toEqual([3, 6, 9, 12, 15, 18, 21, 24, 27, 30]);
    expect(index.search(axis(0, 8, 0), 5, 'nobody')).toEqual([]);
  });

  it('returns nothing from an empty index or for k <= 0', () => {
    const index = GalleryIndex.create(params, 4, 4);
    expect(index.search(Float32Array.of(1, 0, 0, 0), 3)).toEqual([]);
    index.add(1, 'a', Float32Array.of(1, 0, 0, 0));
    expect(index.search(Float32Array.of(1, 0, 0, 0), 0)).toEqual([]);
  });

  it('writes and reads the graph; labels and deletions are restored by the caller', async () => {
    const index = GalleryIndex.create({ ...params, space: 'cosine' }, 8, 4);
    for (let seq = 1; seq <= 20; seq++) index.add(seq, `p${seq % 2}`, axis(seq, 8, 1 + seq / 10));
    const file = path.join(dir, 'graph.hnsw');
    await index.write(file, params);
    const read = GalleryIndex.read(file, { ...params, space: 'cosine' }, 8);
    expect(read.size).toBe(0);
    for (let seq = 1; seq <= 20; seq++) if (seq !== 4) read.track(seq, `p${seq % 2}`);
    read.markDeletedInGraph(4);
    expect(read.size).toBe(19);
    const query = axis(4, 8);
    expect(read.search(query, 2).sort((x, y) => x - y)).toEqual([12, 20]);
    expect(read.search(query, 2, 'p0').sort((x, y) => x - y)).toEqual([12, 20]);
  });

  it('refuses a file of another dimension or not a graph', async () => {
    const index = GalleryIndex.create(params, 8, 4);
    index.add(1, 'a', axis(1, 8));
    const file = path.join(dir, 'graph.hnsw');
    await index.write(file, params);
    expect(() => GalleryIndex.read(file, params, 16)).toThrow(/dimension 16/);
    expect(() => GalleryIndex.read(file, { ...params, m: 12 }, 8)).toThrow(/M 12/);
    const bytes = readFileSync(file);
    writeFileSync(file, bytes.subarray(0, bytes.length - 1));
    expect(() => GalleryIndex.read(file, params, 8)).toThrow(/truncated|too many or too few/);
    writeFileSync(file, 'not a graph');
    expect(() => GalleryIndex.read(file, params, 8)).toThrow(/shorter/);
  });
});
