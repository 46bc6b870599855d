import { MemoryStore } from '@pv/core';
import { describe, expect, it } from 'vitest';
import { BATCH_MODEL_ID, batchKeyOf, batchRecords, committedBatches, writeBatches } from './store-batches.js';

const spec = { prefix: 'w', batchSize: 20, dimension: 6 };

describe('store batches', () => {
  it('batchRecords are the same every time, distinct within a batch and keyed by prefix and batch', () => {
    const records = batchRecords(spec, 3);
    expect(batchRecords(spec, 3)).toEqual(records);
    expect(records.map((r) => r.id)).toEqual(Array.from({ length: 20 }, (_, i) => `w/3/${i}`));
    expect(records.map((r) => r.label).slice(15, 19)).toEqual(['person-15', 'person-16', 'person-0', 'person-1']);
    expect(new Set(records.map((r) => r.modelId))).toEqual(new Set([BATCH_MODEL_ID]));
    for (const r of records) {
      expect(r.vector).toHaveLength(6);
      expect(r.vector.every((x) => x >= -1 && x < 1)).toBe(true);
    }
    expect(new Set(records.map((r) => Array.from(r.vector).join())).size).toBe(20);
    expect(batchRecords({ ...spec, prefix: 'x' }, 3)[0]?.vector).not.toEqual(records[0]?.vector);
    expect(batchRecords(spec, 4)[0]?.vector).not.toEqual(records[0]?.vector);
  });

  it('batchKeyOf names the batch of an id', () => {
    expect(batchKeyOf('w/3/17')).toBe('w/3');
    expect(batchKeyOf('seed/0/0')).toBe('seed/0');
  });

  it('writeBatches adds batch after batch and reports each once added; committedBatches reads the reports', async () => {
    const store = new MemoryStore();
    let added = 0;
    const printed: string[] = [];
    const counting = {
      add: async (records: Parameters<MemoryStore['add']>[0]) => {
        const stored = await store.add(records);
        added += stored.length;
        return stored;
      },
    };
    await writeBatches(counting, { ...spec, batches: 3 }, (line) => printed.push(`${line} after ${added}`));
    expect(printed).toEqual(['committed 0\n after 20', 'committed 1\n after 40', 'committed 2\n after 60']);
    expect(await store.count()).toBe(60);
    const ids: string[] = [];
    for await (const r of store.records()) ids.push(r.id);
    expect(ids).toEqual([0, 1, 2].flatMap((b) => batchRecords(spec, b).map((r) => r.id)));
    expect(committedBatches(['ready', 'committed 0', 'noise', 'committed 1'])).toEqual([0, 1]);
  });
});
