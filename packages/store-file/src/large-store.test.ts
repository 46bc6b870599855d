import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Metric, NewRecord } from '@pv/core';
import { cosine } from '@pv/metric-cosine';
import { l2 } from '@pv/metric-l2';
import { seededRandom } from '@pv/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEADER_SIZE } from './format.js';
import { FileStore } from './index.js';
import { temporaryDirectory, TEST_MODEL } from './test-support.fixture.js';

const COUNT = 100_000;
const DIMENSION = 512;
const LABELS = 5_000;

/** The k nearest rows by calling `metric.distance` on each row (ties: lower index first). */
function bruteForce(vectors: Float32Array, query: Float32Array, metric: Metric, k: number, accept: (i: number) => boolean = () => true): number[] {
  const best: { index: number; distance: number }[] = [];
  const better = (a: number, b: number): boolean => (metric.closer === 'lower' ? a < b : a > b);
  for (let i = 0; i < COUNT; i++) {
    if (!accept(i)) continue;
    const distance = metric.distance(query, vectors.subarray(i * DIMENSION, (i + 1) * DIMENSION));
    if (best.length === k && !better(distance, (best[k - 1] as { distance: number }).distance)) continue;
    let at = best.length;
    while (at > 0 && better(distance, (best[at - 1] as { distance: number }).distance)) at--;
    best.splice(at, 0, { index: i, distance });
    if (best.length > k) best.pop();
  }
  return best.map((b) => b.index);
}

// Brute force over 100k rows, twice per query, and a pre-scan per metric: seconds when idle, far more on a busy machine.
describe(`FileStore with ${COUNT.toLocaleString('en')} × ${DIMENSION}-d`, { timeout: 120_000 }, () => {
  let remove: () => Promise<void>;
  let file: string;
  let vectors: Float32Array;
  let reader: FileStore;

  beforeAll(async () => {
    const temp = await temporaryDirectory();
    remove = temp.remove;
    file = path.join(temp.dir, 'large.pvstore');
    const random = seededRandom(7);
    vectors = new Float32Array(COUNT * DIMENSION);
    for (let i = 0; i < vectors.length; i++) vectors[i] = random() * 2 - 1;
    const records: NewRecord[] = Array.from({ length: COUNT }, (_, i) => ({
      id: `r${i}`,
      label: `person-${i % LABELS}`,
      vector: vectors.subarray(i * DIMENSION, (i + 1) * DIMENSION),
      modelId: TEST_MODEL,
      createdAt: i,
    }));
    const writer = await FileStore.open(file);
    await writer.add(records);
    await writer.close();
    reader = await FileStore.open(file, { readOnly: true });
  });
  afterAll(async () => {
    await reader.close();
    await remove();
  });

  it('saves one file of the expected size and reopens it whole', async () => {
    expect((await stat(file)).size).toBeGreaterThan(HEADER_SIZE + COUNT * DIMENSION * 4);
    expect(await reader.info()).toEqual({ modelId: TEST_MODEL, dimension: DIMENSION, count: COUNT });
    for (const i of [0, 1, 31_337, COUNT - 1]) {
      const record = await reader.get(`r${i}`);
      expect(record?.label).toBe(`person-${i % LABELS}`);
      expect(record?.createdAt).toBe(i);
      expect(Buffer.from(record?.vector.buffer ?? new ArrayBuffer(0)).equals(Buffer.from(vectors.slice(i * DIMENSION, (i + 1) * DIMENSION).buffer))).toBe(true);
    }
    expect((await reader.labels()).length).toBe(LABELS);
  });

  it('searches exactly like brute force, with and without a label filter', async () => {
    const random = seededRandom(11);
    for (const metric of [l2, cosine]) {
      for (let q = 0; q < 2; q++) {
        const query = Float32Array.from({ length: DIMENSION }, () => random() * 2 - 1);
        const hits = await reader.search(query, { k: 10, metric });
        expect(hits.map((h) => h.record.id)).toEqual(bruteForce(vectors, query, metric, 10).map((i) => `r${i}`));
        const label = `person-${q * 17}`;
        const labelled = await reader.search(query, { k: 10, metric, label });
        const expected = bruteForce(vectors, query, metric, 10, (i) => i % LABELS === q * 17);
        expect(labelled.map((h) => h.record.id)).toEqual(expected.map((i) => `r${i}`));
      }
    }
  });
});
