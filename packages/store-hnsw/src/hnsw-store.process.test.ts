import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NewRecord } from '@pv/core';
import { cosine } from '@pv/metric-cosine';
import { batchKeyOf, batchRecords, committedBatches, startTsChild } from '@pv/testkit/process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HnswStore } from './hnsw-store.js';
import type { ChildTask, ReaderObservation } from './store-process.fixture.js';

const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'store-child.fixture.ts');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'pv-hnsw-process-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function task(overrides: Partial<ChildTask>): ChildTask {
  return {
    role: 'writer',
    file: path.join(dir, 'store.db'),
    prefix: 'w',
    batches: 10,
    batchSize: 100,
    dimension: 32,
    expectCount: 0,
    saveEvery: 50_000,
    ...overrides,
  };
}

/** Records per batch key in a freshly opened store, and the ids whose own vector is not their nearest hit. */
async function inspect(file: string, dimension: number): Promise<{ batches: Map<string, number>; missed: string[] }> {
  const store = await HnswStore.open(file);
  const batches = new Map<string, number>();
  for await (const record of store.records()) batches.set(batchKeyOf(record.id), (batches.get(batchKeyOf(record.id)) ?? 0) + 1);
  const missed: string[] = [];
  for (const key of batches.keys()) {
    const [prefix, batch] = key.split('/') as [string, string];
    for (const r of batchRecords({ prefix, batchSize: batches.get(key) as number, dimension }, Number(batch)) as NewRecord[]) {
      const [hit] = await store.search(r.vector, { k: 1, metric: cosine });
      if (hit?.record.id !== r.id) missed.push(r.id as string);
    }
  }
  await store.close();
  return { batches, missed };
}

describe('HnswStore across processes', () => {
  it('keeps and indexes exactly the completed batches when a writer is killed with SIGKILL', { timeout: 300_000 }, async () => {
    const file = path.join(dir, 'crash.db');
    const batchSize = 200;
    const dimension = 48;
    let expected = new Map<string, number>();
    // Index files are written every 3 batches, so kills also land during (or between) index writes.
    for (const [round, waitFor] of [
      ['a', 4],
      ['b', 7],
      ['c', 2],
    ] as const) {
      const writer = task({ file, prefix: round, batches: 100_000, batchSize, dimension, saveEvery: 3 * batchSize });
      const child = startTsChild(script, [JSON.stringify(writer)]);
      await child.waitFor((lines) => committedBatches(lines).length >= waitFor);
      child.process.kill('SIGKILL');
      const { signal } = await child.exited;
      expect(signal).toBe('SIGKILL');
      const reported = Math.max(...committedBatches(child.lines));

      const { batches, missed } = await inspect(file, dimension);
      expect(missed).toEqual([]);
      for (const [key, count] of expected) expect(batches.get(key), `earlier batch ${key}`).toBe(count);
      const ours = [...batches].filter(([key]) => key.startsWith(`${round}/`));
      for (const [key, count] of ours) expect(count, `batch ${key}`).toBe(batchSize);
      const numbers = ours.map(([key]) => Number(key.split('/')[1])).sort((x, y) => x - y);
      expect(numbers).toEqual(Array.from({ length: numbers.length }, (_, i) => i));
      expect(numbers.length === reported + 1 || numbers.length === reported + 2).toBe(true);
      expected = batches;
    }
  });

  it('serves two reader processes while another process writes', { timeout: 300_000 }, async () => {
    const file = path.join(dir, 'shared.db');
    const batchSize = 100;
    const batches = 30;
    const seed = await HnswStore.open(file);
    await seed.add(batchRecords({ prefix: 'seed', batchSize, dimension: 32 }, 0));
    await seed.close();
    const total = batchSize * (batches + 1);
    const readers = [0, 1].map(() => startTsChild(script, [JSON.stringify(task({ file, role: 'reader', batchSize, expectCount: total }))]));
    await Promise.all(readers.map((r) => r.waitFor((lines) => lines.length > 0)));
    const writer = startTsChild(script, [JSON.stringify(task({ file, batches, batchSize, saveEvery: 700 }))]);
    const results = await Promise.all([writer, ...readers].map((c) => c.exited));
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    for (const reader of readers) {
      const observations = reader.lines.map((l) => JSON.parse(l) as ReaderObservation);
      expect(observations[0]?.count).toBe(batchSize);
      let previous = 0;
      for (const o of observations) {
        expect(o.count % batchSize).toBe(0);
        expect(o.count).toBeGreaterThanOrEqual(previous);
        for (const [key, seen] of Object.entries(o.batches)) expect(seen, `batch ${key}`).toBe(batchSize);
        expect(o.missed).toEqual([]);
        previous = o.count;
      }
      expect(previous).toBe(total);
    }
  });

  it('serialises two writer processes; both graphs and the database agree', { timeout: 300_000 }, async () => {
    const file = path.join(dir, 'two-writers.db');
    const batchSize = 100;
    const batches = 15;
    const writers = ['x', 'yy'].map((prefix) => startTsChild(script, [JSON.stringify(task({ file, prefix, batches, batchSize, saveEvery: 500 }))]));
    const results = await Promise.all(writers.map((w) => w.exited));
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const { batches: inStore, missed } = await inspect(file, 32);
    expect(inStore.size).toBe(2 * batches);
    for (const [key, count] of inStore) expect(count, `batch ${key}`).toBe(batchSize);
    expect(missed).toEqual([]);
  });
});
