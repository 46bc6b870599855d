import { describe, expect, it } from 'vitest';
import { faceRecordId } from './gallery.js';
import { MemoryStore } from './memory-store.js';
import { renameLabel } from './rename-label.js';
import type { NewRecord } from './store.js';

const face = (label: string, file: string, x: number, createdAt = 1000): NewRecord => ({
  id: faceRecordId({ modelId: 'm', label, file, box: { x, y: 0, width: 10, height: 10 } }),
  label,
  vector: Float32Array.of(x, 1),
  modelId: 'm',
  createdAt,
  source: { file, box: { x, y: 0, width: 10, height: 10 } },
});

async function labelsOf(store: MemoryStore): Promise<Record<string, number>> {
  return Object.fromEntries((await store.labels()).map((l) => [l.label, l.count]));
}

describe('renameLabel', () => {
  it('moves every record to the new label, keeping vectors, times and sources, with the ids enrolling would give', async () => {
    const store = new MemoryStore({ modelId: 'm', dimension: 2 });
    await store.add([face('bob', 'a.jpg', 1, 5), face('bob', 'b.jpg', 2, 6), face('eve', 'c.jpg', 3)]);
    const result = await renameLabel(store, 'bob', '  Robert ');
    expect(result).toEqual({ from: 'bob', to: 'Robert', moved: 2, mergedInto: 0, added: 2 });
    expect(await labelsOf(store)).toEqual({ Robert: 2, eve: 1 });
    const moved = await store.get(faceRecordId({ modelId: 'm', label: 'Robert', file: 'b.jpg', box: { x: 2, y: 0, width: 10, height: 10 } }));
    expect(moved).toMatchObject({ label: 'Robert', createdAt: 6, source: { file: 'b.jpg' } });
    expect(Array.from(moved?.vector ?? [])).toEqual([2, 1]);
  });

  it('merges into an enrolled label without adding the same face of the same file twice', async () => {
    const store = new MemoryStore({ modelId: 'm', dimension: 2 });
    await store.add([face('bob', 'a.jpg', 1), face('bob', 'b.jpg', 2), face('rob', 'a.jpg', 1)]);
    const result = await renameLabel(store, 'bob', 'rob');
    expect(result).toMatchObject({ moved: 2, mergedInto: 1, added: 1 });
    expect(await labelsOf(store)).toEqual({ rob: 2 });
  });

  it('refuses an unknown old label and an invalid new one, changing nothing', async () => {
    const store = new MemoryStore({ modelId: 'm', dimension: 2 });
    await store.add([face('bob', 'a.jpg', 1)]);
    await expect(renameLabel(store, 'nobody', 'x')).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    await expect(renameLabel(store, 'bob', 'Unknown')).rejects.toMatchObject({ code: 'E_INVALID_ARGUMENT' });
    await expect(renameLabel(store, 'bob', 'a/b')).rejects.toMatchObject({ code: 'E_INVALID_ARGUMENT' });
    expect(await labelsOf(store)).toEqual({ bob: 1 });
  });

  it('leaves the store unchanged when the add is refused', async () => {
    const store = new MemoryStore({ modelId: 'm', dimension: 2 });
    await store.add([face('bob', 'a.jpg', 1)]);
    const failing = Object.assign(Object.create(store) as MemoryStore, {
      add: () => Promise.reject(new Error('disk full')),
      records: () => store.records(),
    });
    await expect(renameLabel(failing, 'bob', 'rob')).rejects.toThrow('disk full');
    expect(await labelsOf(store)).toEqual({ bob: 1 });
  });
});
