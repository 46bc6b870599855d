import { describe, expect, it } from 'vitest';
import { copyStore, type CopyStoreProgress } from './copy-store.js';
import { isPvError } from './errors.js';
import { MemoryStore } from './memory-store.js';
import type { EmbeddingRecord, NewRecord } from './store.js';

function records(count: number, prefix = 'r'): NewRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `${prefix}${i}`,
    label: `person-${i % 3}`,
    modelId: 'model-a',
    createdAt: 1_000 + i,
    vector: Float32Array.of(i, -i, i / 2),
    ...(i % 2 === 0 ? { source: { file: `photos/${i}.jpg`, box: { x: i, y: 1, width: 2, height: 3 } } } : {}),
  }));
}

async function all(store: MemoryStore): Promise<EmbeddingRecord[]> {
  const out: EmbeddingRecord[] = [];
  for await (const r of store.records()) out.push(r);
  return out;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe('copyStore', () => {
  it('copies every record with its id, creation time and source, in insertion order', async () => {
    const from = new MemoryStore();
    await from.add(records(7));
    await from.delete('r3');
    const to = new MemoryStore();
    const progress: CopyStoreProgress[] = [];
    const copied = await copyStore(from, to, { batchSize: 4, onProgress: (p) => progress.push(p) });
    expect(copied).toBe(6);
    expect(await all(to)).toEqual(await all(from));
    expect(await to.info()).toEqual({ modelId: 'model-a', dimension: 3, count: 6 });
    expect(progress).toEqual([
      { copied: 4, total: 6 },
      { copied: 6, total: 6 },
    ]);
  });

  it('copies an empty store without calling add', async () => {
    const to = new MemoryStore();
    expect(await copyStore(new MemoryStore(), to)).toBe(0);
    expect(await to.info()).toEqual({ modelId: null, dimension: null, count: 0 });
  });

  it('stops between batches when aborted, keeping the batches already added', async () => {
    const from = new MemoryStore();
    await from.add(records(10));
    const to = new MemoryStore();
    const signal = { aborted: false };
    const error = await rejection(
      copyStore(from, to, {
        batchSize: 3,
        signal,
        onProgress: ({ copied }) => {
          if (copied >= 6) signal.aborted = true;
        },
      }),
    );
    expect(isPvError(error, 'E_ABORTED')).toBe(true);
    expect((await all(to)).map((r) => r.id)).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r5']);
  });

  it('refuses a target holding one of the ids, leaving whole batches', async () => {
    const from = new MemoryStore();
    await from.add(records(6));
    const to = new MemoryStore();
    await to.add(records(1, 'r5-').map((r) => ({ ...r, id: 'r5' })));
    const error = await rejection(copyStore(from, to, { batchSize: 3 }));
    expect(isPvError(error, 'E_INVALID_ARGUMENT')).toBe(true);
    expect((await all(to)).map((r) => r.id)).toEqual(['r5', 'r0', 'r1', 'r2']);
  });

  it('refuses a target bound to another model', async () => {
    const from = new MemoryStore();
    await from.add(records(2));
    const error = await rejection(copyStore(from, new MemoryStore({ modelId: 'model-b' })));
    expect(isPvError(error, 'E_MODEL_MISMATCH')).toBe(true);
  });

  it('refuses a batch size below 1', async () => {
    const error = await rejection(copyStore(new MemoryStore(), new MemoryStore(), { batchSize: 0 }));
    expect(isPvError(error, 'E_INVALID_ARGUMENT')).toBe(true);
  });
});
