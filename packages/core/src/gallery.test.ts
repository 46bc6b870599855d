import { describe, expect, it } from 'vitest';
import { isPvError } from './errors.js';
import { faceRecordId, Gallery } from './gallery.js';
import { MemoryStore } from './memory-store.js';
import { unit, unitCosine } from './recognizer.fixture.js';

const MODEL = 'scripted';

async function gallery(people: Record<string, number[][]> = {}, modelId = MODEL): Promise<Gallery> {
  const store = new MemoryStore();
  for (const [label, vectors] of Object.entries(people)) await store.add(vectors.map((v) => ({ label, vector: unit(v), modelId })));
  return new Gallery({ store, metric: unitCosine, threshold: 0.3, modelId: MODEL });
}

async function codeOf(action: Promise<unknown>): Promise<string | undefined> {
  try {
    await action;
    return undefined;
  } catch (error) {
    return isPvError(error) ? error.code : String(error);
  }
}

describe('Gallery', () => {
  it('enrolls under canonical labels and refuses bad ones before writing anything', async () => {
    const g = await gallery();
    const [record] = await g.enroll([{ label: ' Zoe\u0308', embedding: unit([1, 0, 0]) }]);
    expect(record?.label).toBe('Zo\u00EB');
    expect(record?.modelId).toBe(MODEL);
    expect(await codeOf(g.enroll([{ label: 'ok', embedding: unit([0, 1, 0]) }, { label: 'unknown', embedding: unit([0, 1, 0]) }]))).toBe(
      'E_INVALID_ARGUMENT',
    );
    expect(await g.store.count()).toBe(1);
  });

  it('is idempotent for records with the same id', async () => {
    const g = await gallery();
    const id = faceRecordId({ modelId: MODEL, label: 'alice', file: '/p/a.jpg', box: { x: 1, y: 2, width: 3, height: 4 } });
    expect(await g.enroll([{ id, label: 'alice', embedding: unit([1, 0, 0]) }])).toHaveLength(1);
    expect(await g.enroll([{ id, label: 'alice', embedding: unit([1, 0, 0]) }, { id, label: 'alice', embedding: unit([1, 0, 0]) }])).toEqual([]);
    expect(await g.store.count()).toBe(1);
  });

  it('refuses a store of another model for every operation', async () => {
    const g = await gallery({ alice: [[1, 0, 0]] }, 'other');
    expect(await codeOf(g.identify(unit([1, 0, 0])))).toBe('E_MODEL_MISMATCH');
    expect(await codeOf(g.verify(unit([1, 0, 0]), 'alice'))).toBe('E_MODEL_MISMATCH');
    expect(await codeOf(g.enroll([{ label: 'bob', embedding: unit([0, 1, 0]) }]))).toBe('E_MODEL_MISMATCH');
  });

  it('identifies distinct labels, predicting unknown beyond the threshold', async () => {
    const g = await gallery({ alice: [[1, 0, 0], [1, 0.05, 0]], bob: [[0, 1, 0]] });
    const near = await g.identify(unit([1, 0.1, 0]), { k: 2 });
    expect(near.candidates.map((c) => c.label)).toEqual(['alice', 'bob']);
    expect(near.prediction).toBe('alice');
    expect((await g.identify(unit([0, 0, 1]))).prediction).toBe('unknown');
    expect((await g.identify(unit([1, 0, 0]), { k: 0 })).candidates).toEqual([]);
  });

  it('verifies a claimed label and compares two faces', async () => {
    const g = await gallery({ alice: [[1, 0, 0]], bob: [[0, 1, 0]] });
    expect(await g.verify(unit([1, 0.1, 0]), 'alice')).toMatchObject({ match: true, prediction: 'alice' });
    expect(await g.verify(unit([0.1, 1, 0]), 'alice')).toMatchObject({ match: false, prediction: 'bob' });
    expect(await codeOf(g.verify(unit([1, 0, 0]), 'carol'))).toBe('E_NOT_FOUND');
    expect(g.compare(unit([1, 0, 0]), unit([1, 0.1, 0])).match).toBe(true);
    expect(g.compare(unit([1, 0, 0]), unit([0, 1, 0]))).toMatchObject({ match: false, threshold: 0.3 });
  });

  it('refuses a threshold that is not a finite number', () => {
    expect(() => new Gallery({ store: new MemoryStore(), metric: unitCosine, threshold: Number.NaN, modelId: MODEL })).toThrow(
      expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }),
    );
  });
});

describe('faceRecordId', () => {
  it('is stable and tells model, label, file and box apart', () => {
    const base = { modelId: 'm', label: 'alice', file: '/a.jpg', box: { x: 1, y: 2, width: 3, height: 4 } };
    const id = faceRecordId(base);
    expect(faceRecordId({ ...base })).toBe(id);
    expect(id).toMatch(/^f[0-9a-f]{32}$/u);
    const others = [
      faceRecordId({ ...base, modelId: 'n' }),
      faceRecordId({ ...base, label: 'bob' }),
      faceRecordId({ ...base, file: '/b.jpg' }),
      faceRecordId({ ...base, box: { ...base.box, x: 2 } }),
    ];
    expect(new Set([id, ...others]).size).toBe(5);
  });
});
