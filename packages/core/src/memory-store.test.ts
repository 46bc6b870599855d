import { describe, expect, it } from 'vitest';
import { MemoryStore, countLabels } from './memory-store.js';
import { unitCosine } from './recognizer.fixture.js';

// The full Store contract is checked on MemoryStore by `describeStore` in @pv/testkit; these cover
// what is specific to this module.
describe('countLabels', () => {
  it('counts labels and sorts them by UTF-16 code unit', () => {
    const labels = ['b', 'a', '\u{1F600}', '\u{FF5A}', 'B', 'a'].map((label) => ({ label }));
    expect(countLabels(labels)).toEqual([
      { label: 'B', count: 1 },
      { label: 'a', count: 2 },
      { label: 'b', count: 1 },
      { label: '\u{1F600}', count: 1 },
      { label: '\u{FF5A}', count: 1 },
    ]);
    expect(countLabels([])).toEqual([]);
  });
});

describe('MemoryStore', () => {
  it('searches with the metric it is given, after adds and deletes rebuild its flat index', async () => {
    const store = new MemoryStore({ modelId: 'm', dimension: 2 });
    await store.add([
      { id: 'x', label: 'x', vector: Float32Array.of(1, 0), modelId: 'm' },
      { id: 'y', label: 'y', vector: Float32Array.of(0, 1), modelId: 'm' },
    ]);
    const query = Float32Array.of(0.6, 0.8);
    expect((await store.search(query, { k: 2, metric: unitCosine })).map((h) => h.record.id)).toEqual(['y', 'x']);
    await store.delete('y');
    await store.add([{ id: 'z', label: 'z', vector: Float32Array.of(0.6, 0.8), modelId: 'm' }]);
    const hits = await store.search(query, { k: 2, metric: unitCosine });
    expect(hits.map((h) => h.record.id)).toEqual(['z', 'x']);
    expect(hits[0]?.distance).toBeCloseTo(0, 6);
  });
});
