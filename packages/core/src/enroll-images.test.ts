import { describe, expect, it } from 'vitest';
import { enrollImages, type EnrollEvent, type EnrollItem } from './enroll-images.js';
import { isPvError } from './errors.js';
import { Gallery } from './gallery.js';
import { LocalFaceEncoder } from './local-face-encoder.js';
import { MemoryStore } from './memory-store.js';
import type { EmbeddingRecord, NewRecord } from './store.js';
import { ScriptedFaces, TableImageLoader, unitCosine } from './recognizer.fixture.js';

/** A world of `n` photos of one face each (`p0.jpg` … as alice/bob alternately), a bad file and a faceless one. */
function world(n: number) {
  const faces = new ScriptedFaces();
  const table: Record<string, ReturnType<ScriptedFaces['photo']> | null> = {};
  const items: EnrollItem[] = [];
  for (let i = 0; i < n; i++) {
    table[`in/p${i}.jpg`] = faces.photo({ vector: [1, i, 0] });
    items.push({ input: `in/p${i}.jpg`, name: `in/p${i}.jpg`, label: i % 2 === 0 ? 'alice' : 'bob' });
  }
  table['in/broken.jpg'] = null;
  table['in/empty.jpg'] = faces.photo();
  items.push({ input: 'in/broken.jpg', name: 'in/broken.jpg', label: 'carol' }, { input: 'in/empty.jpg', name: 'in/empty.jpg', label: 'carol' });
  const encoder = new LocalFaceEncoder({ detector: faces.detector, embedder: faces.embedder, align: faces.align, images: new TableImageLoader(table) });
  return { faces, encoder, items };
}

function galleryOver(store: MemoryStore, modelId = 'scripted'): Gallery {
  return new Gallery({ store, metric: unitCosine, threshold: 0.3, modelId });
}

/** A store whose disk fills up after `writes` successful writes. */
class FillingStore extends MemoryStore {
  #left: number;
  constructor(writes: number) {
    super();
    this.#left = writes;
  }
  override async add(records: readonly NewRecord[]): Promise<EmbeddingRecord[]> {
    if (this.#left-- <= 0) throw Object.assign(new Error('no space left on device, write'), { code: 'ENOSPC' });
    return super.add(records);
  }
}

describe('enrollImages', () => {
  it('stores every face, reports "enrolled" only once its records are in the store, and lists failures with reasons', async () => {
    const { encoder, items } = world(5);
    const store = new MemoryStore();
    const events: EnrollEvent[] = [];
    const countAtEnrolled: number[] = [];
    const summary = await enrollImages(encoder, galleryOver(store), items, {
      batchSize: 2,
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'enrolled') void store.count().then((c) => countAtEnrolled.push(c));
      },
    });
    expect(summary).toMatchObject({ total: 7, alreadyEnrolled: 0, facesSaved: 5, people: 2, aborted: false, notProcessed: 0 });
    expect(summary.enrolled.map((e) => e.file)).toEqual(['in/p0.jpg', 'in/p1.jpg', 'in/p2.jpg', 'in/p3.jpg', 'in/p4.jpg']);
    expect(summary.failures.map((f) => [f.file, f.code])).toEqual([
      ['in/broken.jpg', 'E_BAD_IMAGE'],
      ['in/empty.jpg', 'E_NO_FACE'],
    ]);
    expect(summary.error).toBeUndefined();
    await Promise.resolve();
    // Each "enrolled" event came after the write of its batch: the store already held its records.
    const enrolledEvents = events.filter((e) => e.type === 'enrolled');
    for (const [i, e] of enrolledEvents.entries()) {
      expect(e.type === 'enrolled' && e.records.length).toBe(1);
      expect(countAtEnrolled[i]).toBeGreaterThanOrEqual(i + 1);
    }
    const records = [];
    for await (const r of store.records()) records.push(r);
    expect(records[0]).toMatchObject({ label: 'alice', modelId: 'scripted', source: { file: 'in/p0.jpg' } });
  });

  it('skips what is enrolled on a rerun and stores a face once even when asked twice', async () => {
    const { encoder, items } = world(4);
    const store = new MemoryStore();
    await enrollImages(encoder, galleryOver(store), items.slice(0, 2));
    const again = await enrollImages(encoder, galleryOver(store), items);
    expect(again.alreadyEnrolled).toBe(2);
    expect(again.facesSaved).toBe(2);
    expect(await store.count()).toBe(4);
    // Duplicates in one call (two processes racing look the same to the store) are stored once.
    const twice = await enrollImages(encoder, galleryOver(new MemoryStore()), [items[0] as EnrollItem, items[0] as EnrollItem], { skipEnrolled: false });
    expect(twice.facesSaved).toBe(2);
    const dedup = new MemoryStore();
    const once = await enrollImages(encoder, galleryOver(dedup), [items[0] as EnrollItem, items[0] as EnrollItem]);
    expect(once.facesSaved).toBe(1);
    expect(await dedup.count()).toBe(1);
  });

  it('reports a bad label as a failure of its file and enrolls the rest', async () => {
    const { encoder, items } = world(2);
    const summary = await enrollImages(encoder, galleryOver(new MemoryStore()), [{ ...(items[0] as EnrollItem), label: 'a\u001b[2J' }, items[1] as EnrollItem]);
    expect(summary.failures).toEqual([expect.objectContaining({ file: 'in/p0.jpg', code: 'E_INVALID_ARGUMENT' })]);
    expect(summary.enrolled.map((e) => e.label)).toEqual(['bob']);
  });

  it('ends with a typed error and a truthful summary when the disk fills up', async () => {
    const { encoder, items } = world(6);
    const store = new FillingStore(1);
    const enrolledFiles: string[] = [];
    const summary = await enrollImages(encoder, galleryOver(store), items.slice(0, 6), {
      batchSize: 2,
      onEvent: (e) => {
        if (e.type === 'enrolled') enrolledFiles.push(e.file);
      },
    });
    expect(summary.error).toMatchObject({ code: 'E_STORE_WRITE', details: { cause: 'ENOSPC' } });
    expect(summary.error?.message).toContain('disk is full');
    expect(enrolledFiles).toEqual(['in/p0.jpg', 'in/p1.jpg']);
    expect(summary.enrolled.map((e) => e.file)).toEqual(enrolledFiles);
    expect(summary.facesSaved).toBe(2);
    expect(await store.count()).toBe(2);
    expect(summary.notProcessed).toBe(4);
  });

  it('stops starting images when aborted and saves what finished', async () => {
    const { encoder, items } = world(6);
    const signal = { aborted: false };
    const store = new MemoryStore();
    const summary = await enrollImages(encoder, galleryOver(store), items.slice(0, 6), {
      batchSize: 4,
      signal,
      onEvent: (e) => {
        if (e.type === 'progress' && e.done === 3) signal.aborted = true;
      },
    });
    expect(summary.aborted).toBe(true);
    expect(summary.enrolled).toHaveLength(3);
    expect(await store.count()).toBe(3);
    expect(summary.notProcessed).toBe(3);
  });

  it('refuses, before any work, an encoder or a store of another model', async () => {
    const { encoder, items, faces } = world(1);
    const code = async (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => (isPvError(e) ? e.code : e));
    expect(await code(enrollImages(encoder, galleryOver(new MemoryStore(), 'other'), items))).toBe('E_MODEL_MISMATCH');
    const foreign = new MemoryStore();
    await foreign.add([{ label: 'x', vector: new Float32Array([1, 0, 0]), modelId: 'other' }]);
    expect(await code(enrollImages(encoder, galleryOver(foreign), items))).toBe('E_MODEL_MISMATCH');
    expect(faces.detectCalls).toBe(0);
  });
});
