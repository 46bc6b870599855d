// `dlib-resnet` is converted on first use (from face-api's weights on the npm registry): openFaceEncoder
// passes the converter itself, so the model works in-thread and in the pool like any other.
import type { EncodedFace } from '@pv/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFaceEncoder } from './open-face-encoder.js';
import { ONE_FACE_PHOTOS, openTestCache, type TestCache } from './test-cache.fixture.js';

describe('openFaceEncoder with model dlib-resnet', () => {
  let cache: TestCache;

  beforeAll(async () => {
    cache = await openTestCache();
  }, 300_000);
  afterAll(async () => {
    await cache?.remove();
  });

  it('converts the model once and embeds the same 128-d faces in this thread and on two workers', async () => {
    const photo = ONE_FACE_PHOTOS[0] as string;
    const local = await openFaceEncoder({ model: 'dlib-resnet', cacheDir: cache.cacheDir });
    let expected: EncodedFace[];
    try {
      expect(local.info.model.id).toBe('dlib-resnet');
      expected = await local.encode(photo);
    } finally {
      await local.close();
    }
    expect(expected).toHaveLength(1);
    expect(expected[0]?.embedding.length).toBe(128);
    const pool = await openFaceEncoder({ model: 'dlib-resnet', cacheDir: cache.cacheDir, threads: 2 });
    try {
      const [face] = await pool.encode(photo);
      const want = expected[0]?.embedding as Float32Array;
      expect(Math.max(...(face?.embedding ?? []).map((x, i) => Math.abs(x - (want[i] as number))))).toBeLessThan(1e-5);
    } finally {
      await pool.close();
    }
  }, 600_000);
});
