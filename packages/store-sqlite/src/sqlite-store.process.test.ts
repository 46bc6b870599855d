import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { batchKeyOf, batchRecords, committedBatches, startTsChild } from '@pv/testkit/process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from './sqlite-store.js';
import type { ChildTask, ReaderObservation } from './store-process.fixture.js';

const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'store-child.fixture.ts');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'pv-sqlite-process-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function task(overrides: Partial<ChildTask>): ChildTask {
  return { role: 'writer', file: path.join(dir, 'store.db'), prefix: 'w', batches: 10, batchSize: 100, dimension: 32, expectCount: 0, ...overrides };
}

/** Records per batch key, read from a freshly opened store. */
async function batchesInStore(file: string): Promise<Map<string, number>> {
  const store = await SqliteStore.open(file);
  const batches = new Map<string, number>();
  for await (const record of store.records()) batches.set(batchKeyOf(record.id), (batches.get(batchKeyOf(record.id)) ?? 0) + 1);
  await store.close();
  return batches;
}

describe('SqliteStore across processes', () => {
  it('keeps exactly the completed batches when a writer is killed with SIGKILL mid-insert', { timeout: 120_000 }, async () => {
    const file = path.join(dir, 'crash.db');
    const batchSize = 400;
    let expectedBatches = new Map<string, number>();
    for (const round of ['a', 'b', 'c']) {
      const writer = task({ file, prefix: round, batches: 100_000, batchSize, dimension: 128 });
      const child = startTsChild(script, [JSON.stringify(writer)]);
      await child.waitFor((lines) => committedBatches(lines).length >= 5);
      child.process.kill('SIGKILL');
      const { signal } = await child.exited;
      expect(signal).toBe('SIGKILL');
      const reported = Math.max(...committedBatches(child.lines));

      const inStore = await batchesInStore(file);
      for (const [key, count] of expectedBatches) expect(inStore.get(key), `earlier batch ${key}`).toBe(count);
      // Every batch is whole or absent; the whole ones are 0..m, where m is the last reported batch or the
      // one after it (committed, but killed before its line reached us).
      const ours = [...inStore].filter(([key]) => key.startsWith(`${round}/`));
      for (const [key, count] of ours) expect(count, `batch ${key}`).toBe(batchSize);
      const numbers = ours.map(([key]) => Number(key.split('/')[1])).sort((x, y) => x - y);
      expect(numbers).toEqual(Array.from({ length: numbers.length }, (_, i) => i));
      expect(numbers.length === reported + 1 || numbers.length === reported + 2).toBe(true);
      expectedBatches = inStore;
    }
  });

  it('serves two reader processes consistent snapshots while another process writes', { timeout: 120_000 }, async () => {
    const file = path.join(dir, 'shared.db');
    const batchSize = 100;
    const batches = 40;
    const seed = await SqliteStore.open(file);
    await seed.add(batchRecords({ prefix: 'seed', batchSize, dimension: 32 }, 0));
    await seed.close();
    const total = batchSize * (batches + 1);
    const readers = [0, 1].map(() => startTsChild(script, [JSON.stringify(task({ file, role: 'reader', batchSize, expectCount: total }))]));
    // The writer starts once both readers are reading, so that they read while it writes.
    await Promise.all(readers.map((r) => r.waitFor((lines) => lines.length > 0)));
    const writer = startTsChild(script, [JSON.stringify(task({ file, batches, batchSize }))]);
    const results = await Promise.all([writer, ...readers].map((c) => c.exited));
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    for (const reader of readers) {
      const observations = reader.lines.map((l) => JSON.parse(l) as ReaderObservation);
      expect(observations.length).toBeGreaterThan(0);
      expect(observations[0]?.count).toBe(batchSize);
      let previous = 0;
      for (const o of observations) {
        expect(o.count % batchSize).toBe(0);
        expect(o.count).toBeGreaterThanOrEqual(previous);
        expect(o.iterated).toBeGreaterThanOrEqual(o.count);
        for (const [key, seen] of Object.entries(o.batches)) expect(seen, `batch ${key}`).toBe(batchSize);
        expect(o.hits).toBe(5);
        previous = o.count;
      }
      expect(previous).toBe(total);
    }
  });

  it('serialises two writer processes without losing or mixing a batch', { timeout: 120_000 }, async () => {
    const file = path.join(dir, 'two-writers.db');
    const batchSize = 100;
    const batches = 25;
    const writers = ['x', 'y'].map((prefix) => startTsChild(script, [JSON.stringify(task({ file, prefix, batches, batchSize }))]));
    const results = await Promise.all(writers.map((w) => w.exited));
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const inStore = await batchesInStore(file);
    expect(inStore.size).toBe(2 * batches);
    for (const [key, count] of inStore) expect(count, `batch ${key}`).toBe(batchSize);
  });
});
