import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Metric, NewRecord } from '@pv/core';
import { cosine, createCosineMetric } from '@pv/metric-cosine';
import { l2 } from '@pv/metric-l2';
import { randomVector, seededRandom } from '@pv/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from './sqlite-store.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'pv-sqlite-cache-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const manhattan: Metric = {
  id: 'manhattan',
  closer: 'lower',
  distance: (a, b) => a.reduce((s, x, i) => s + Math.abs(x - (b[i] as number)), 0),
  distances(query, vectors, out) {
    const d = query.length;
    for (let r = 0; r * d < vectors.length; r++) out[r] = this.distance(query, vectors.subarray(r * d, (r + 1) * d));
  },
};

describe('SqliteStore search cache', () => {
  it('answers exactly as the streamed scan while another connection adds and deletes', async () => {
    const file = path.join(dir, 'store.db');
    const random = seededRandom(3);
    const d = 24;
    // Few distinct vectors, so ties are common.
    const pool = Array.from({ length: 30 }, () => randomVector(random, d));
    const record = (i: number): NewRecord => ({ id: `r${i}`, label: `p${i % 7}`, modelId: 'm', vector: pool[Math.floor(random() * pool.length)] as Float32Array });
    const cached = await SqliteStore.open(file);
    const streamed = await SqliteStore.open(file, { searchCacheBytes: 0 });
    const writer = await SqliteStore.open(file);
    let next = 0;
    for (let round = 0; round < 8; round++) {
      await writer.add(Array.from({ length: 40 }, () => record(next++)));
      if (round % 3 === 2) await writer.deleteLabel(`p${round % 7}`);
      if (round === 5) await writer.delete('r3');
      for (const metric of [cosine, createCosineMetric({ normalized: true }), l2, manhattan]) {
        for (let q = 0; q < 3; q++) {
          const query = q === 0 ? (pool[0] as Float32Array) : randomVector(random, d);
          const k = 1 + Math.floor(random() * 15);
          expect(await cached.search(query, { k, metric }), `round ${round} ${metric.id}`).toEqual(await streamed.search(query, { k, metric }));
        }
      }
    }
    await Promise.all([cached.close(), streamed.close(), writer.close()]);
  });

  it('refuses a negative bound', async () => {
    await expect(SqliteStore.open(path.join(dir, 'x.db'), { searchCacheBytes: -1 })).rejects.toMatchObject({ code: 'E_INVALID_ARGUMENT' });
  });
});
