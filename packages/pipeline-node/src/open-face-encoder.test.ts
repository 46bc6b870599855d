import { fileURLToPath } from 'node:url';
import { BadImageError, createRgbImage, isPvError, NoFaceError, NotFoundError, type EncodedFace, type EncodeResult, type FaceEncoder } from '@pv/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFaceEncoder } from './open-face-encoder.js';
import { WorkerPoolBrokenError } from './pool/worker-pool.js';
import { ONE_FACE_PHOTOS, openTestCache, type TestCache } from './test-cache.fixture.js';

const SLOW = 300_000;

async function collect(results: AsyncIterable<EncodeResult>): Promise<EncodeResult[]> {
  const all: EncodeResult[] = [];
  for await (const r of results) all.push(r);
  return all;
}

function largestDifference(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs((a[i] as number) - (b[i] as number)));
  return worst;
}

describe('openFaceEncoder: a pool of 2 workers against the in-thread encoder (MTCNN, real photos)', () => {
  let cache: TestCache;
  let local: FaceEncoder;
  let pool: FaceEncoder;

  beforeAll(async () => {
    cache = await openTestCache();
    local = await openFaceEncoder({ detector: 'mtcnn', cacheDir: cache.cacheDir });
    pool = await openFaceEncoder({ detector: 'mtcnn', cacheDir: cache.cacheDir, threads: 2 });
  }, SLOW);

  afterAll(async () => {
    await Promise.all([local?.close(), pool?.close()]);
    await cache?.remove();
  });

  it('describes itself as the in-thread encoder does, with two at a time', () => {
    expect(pool.info.detector).toBe('mtcnn');
    expect(pool.info.model).toEqual(local.info.model);
    expect(pool.info.concurrency).toBe(2);
    expect(local.info.concurrency).toBe(1);
  });

  it('gives the same faces and embeddings as in-thread, for every photo', async () => {
    const results = await collect(pool.encodeMany(ONE_FACE_PHOTOS));
    expect(results.map((r) => r.index).sort((a, b) => a - b)).toEqual(ONE_FACE_PHOTOS.map((_, i) => i));
    for (const result of results) {
      expect(result.ok, result.name).toBe(true);
      if (!result.ok) continue;
      const expected = await local.encode(ONE_FACE_PHOTOS[result.index] as string);
      expect(result.faces).toHaveLength(expected.length);
      result.faces.forEach((face: EncodedFace, i) => {
        const want = expected[i] as EncodedFace;
        expect(face.detection.score).toBeCloseTo(want.detection.score, 5);
        expect(face.detection.box.x).toBeCloseTo(want.detection.box.x, 3);
        expect(face.crop).toEqual(want.crop);
        expect(largestDifference(face.embedding, want.embedding)).toBeLessThan(1e-5);
      });
    }
  }, SLOW);

  it('rebuilds errors thrown in a worker to their class', async () => {
    const blank = createRgbImage(64, 64, new Uint8Array(64 * 64 * 3).fill(128));
    const noFace = await pool.encode(blank).catch((e: unknown) => e);
    expect(noFace).toBeInstanceOf(NoFaceError);
    const bad = await pool.encode(new Uint8Array([1, 2, 3, 4, 5])).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(BadImageError);
    const missing = await pool.encode('/no/such/photo.jpg').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(isPvError(missing, 'E_NOT_FOUND')).toBe(true);
    const [failed] = await collect(pool.encodeMany(['/no/such/photo.jpg']));
    expect(failed).toMatchObject({ index: 0, ok: false, failure: { file: '/no/such/photo.jpg', code: 'E_NOT_FOUND' } });
  });

  it('starts nothing new once aborted, yields what was running, and stays usable', async () => {
    const controller = new AbortController();
    const inputs = [...ONE_FACE_PHOTOS, ...ONE_FACE_PHOTOS];
    const results = await collect(pool.encodeMany(inputs, { signal: controller.signal, onProgress: () => controller.abort() }));
    expect(results.length).toBeGreaterThanOrEqual(1);
    // The first result, and at most what was running when it came (the pool refills before yielding).
    expect(results.length).toBeLessThanOrEqual(pool.info.concurrency + 1);
    const refused = await pool.encode(ONE_FACE_PHOTOS[0] as string, { signal: controller.signal }).catch((e: unknown) => e);
    expect(isPvError(refused, 'E_ABORTED')).toBe(true);
    expect(await pool.encode(ONE_FACE_PHOTOS[1] as string)).toHaveLength(1);
  }, SLOW);
});

describe('openFaceEncoder: a worker that dies', () => {
  const plugin = { module: fileURLToPath(new URL('./dying-detector.fixture.ts', import.meta.url)), export: 'openDyingDetector', options: { dieOnWidth: 13 } };

  it('fails the running and queued inputs and every later call with WorkerPoolBrokenError, and still closes', async () => {
    const pool = await openFaceEncoder({ detector: plugin, threads: 2 });
    try {
      expect(pool.info.detector).toBe('dying-test-detector');
      expect(await pool.encode(createRgbImage(40, 40))).toHaveLength(1);
      const inputs = [createRgbImage(40, 40), createRgbImage(13, 13), createRgbImage(40, 40), createRgbImage(40, 40), createRgbImage(40, 40)];
      let thrown: unknown;
      try {
        await collect(pool.encodeMany(inputs));
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(WorkerPoolBrokenError);
      expect((thrown as Error).message).toMatch(/exited with code 7 while encoding a 13x13 image/);
      await expect(pool.encode(createRgbImage(40, 40))).rejects.toBeInstanceOf(WorkerPoolBrokenError);
    } finally {
      await pool.close();
    }
  }, SLOW);

  it('refuses a thread count that is not a positive integer', async () => {
    for (const threads of [0, 1.5, -2]) {
      const error = await openFaceEncoder({ detector: plugin, threads }).catch((e: unknown) => e);
      expect(isPvError(error, 'E_INVALID_ARGUMENT')).toBe(true);
    }
  });

  it('names the unknown detector and what is known', async () => {
    const error = await openFaceEncoder({ detector: 'nope' }).catch((e: unknown) => e);
    expect(isPvError(error, 'E_INVALID_ARGUMENT')).toBe(true);
    expect((error as Error).message).toMatch(/rfb320, mtcnn/);
  });
});
