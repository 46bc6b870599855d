// mobilefacenet-int8 (made by pv models quantize's library function) in the worker pool, on real faces.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { EncodeResult, FaceEncoder } from '@pv/core';
import { cosineSimilarity } from '@pv/quantize';
import { quantizeCatalogModel, type QuantizedCatalogModel } from '@pv/quantize/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFaceEncoder } from './open-face-encoder.js';
import { ONE_FACE_PHOTOS, openTestCache, SHARED_DATA, type TestCache } from './test-cache.fixture.js';

const SLOW = 1_800_000;
const LFW = path.join(SHARED_DATA, 'lfw-fold1', 'images');
/** Calibration: the first photo of 12 LFW fold-1 people, none of them in {@link ONE_FACE_PHOTOS}. */
const CALIBRATION = readdirSync(LFW)
  .sort()
  .slice(200, 212)
  .map((name) => path.join(LFW, name, readdirSync(path.join(LFW, name)).sort()[0] as string));

describe('openFaceEncoder with mobilefacenet-int8: a pool of 2 workers against the float model in-thread (real photos)', () => {
  let cache: TestCache;
  let quantized: QuantizedCatalogModel;
  let float: FaceEncoder;
  let pool: FaceEncoder;

  beforeAll(async () => {
    cache = await openTestCache();
    quantized = await quantizeCatalogModel('mobilefacenet', { photos: CALIBRATION, origin: 'LFW fold 1 (pool test)', modelsDir: cache.cacheDir });
    float = await openFaceEncoder({ cacheDir: cache.cacheDir });
    pool = await openFaceEncoder({ cacheDir: cache.cacheDir, model: 'mobilefacenet-int8', threads: 2 });
  }, SLOW);

  afterAll(async () => {
    await Promise.all([float?.close(), pool?.close()]);
    await cache?.remove();
  });

  it('runs the int8 model in every worker: same faces as float, embeddings at cosine ≥ 0.99 per face', async () => {
    expect(quantized.id).toBe('mobilefacenet-int8');
    expect(pool.info.model.id).toBe('mobilefacenet-int8');
    expect(pool.info.concurrency).toBe(2);
    const results: EncodeResult[] = [];
    for await (const r of pool.encodeMany(ONE_FACE_PHOTOS)) results.push(r);
    expect(results).toHaveLength(ONE_FACE_PHOTOS.length);
    for (const result of results) {
      expect(result.ok, result.name).toBe(true);
      if (!result.ok) continue;
      const [want] = await float.encode(ONE_FACE_PHOTOS[result.index] as string);
      const [face] = result.faces;
      expect(face?.embedding).toHaveLength(512);
      // Same detector (rfb320, float) in both: the same box; only the embedder differs.
      expect(face?.detection.box.x).toBeCloseTo(want?.detection.box.x ?? NaN, 3);
      expect(cosineSimilarity(face?.embedding as Float32Array, want?.embedding as Float32Array)).toBeGreaterThanOrEqual(0.99);
    }
  }, SLOW);
});
