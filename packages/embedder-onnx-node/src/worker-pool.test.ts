import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPvError } from '@pv/core';
import { createFaceRecognizer } from './create-recognizer.js';
import { createWorkerPool, type FileEmbeddings, type WorkerPool } from './worker-pool.js';
import { singleFaceLfw } from './test-data.fixture.js';

describe('createWorkerPool', () => {
  let pool: WorkerPool;
  const files = [...singleFaceLfw, '/no/such/photo.jpg'];

  beforeAll(async () => {
    pool = await createWorkerPool({ workers: 2 });
  });
  afterAll(async () => {
    await pool.close();
  });

  it('embeds every file on two workers, in input order, exactly as in-process', async () => {
    const seen: number[] = [];
    const results = await pool.embedFiles(files, { onResult: (_, index) => seen.push(index) });
    expect(pool.workers).toBe(2);
    expect(results.map((r) => r.file)).toEqual(files);
    expect(seen.sort((a, b) => a - b)).toEqual(files.map((_, i) => i));
    const recognizer = await createFaceRecognizer();
    try {
      for (const [i, file] of singleFaceLfw.entries()) {
        const result = results[i] as FileEmbeddings;
        expect(result.ok).toBe(true);
        if (!result.ok) continue;
        const [local] = await recognizer.embedFaces(file);
        expect(result.faces).toHaveLength(1);
        expect(result.faces[0]?.detection).toEqual(local?.detection);
        expect([...(result.faces[0]?.embedding ?? [])]).toEqual([...(local?.embedding ?? [])]);
      }
    } finally {
      await recognizer.close();
    }
  });

  it('reports a file it cannot use as a failure and goes on', async () => {
    const results = await pool.embedFiles(['/no/such/photo.jpg', singleFaceLfw[0]!]);
    expect(results[0]).toMatchObject({ ok: false, failure: { file: '/no/such/photo.jpg', code: 'E_NOT_FOUND' } });
    expect(results[1]?.ok).toBe(true);
  });

  it('returns nothing for no files', async () => {
    expect(await pool.embedFiles([])).toEqual([]);
  });

  it('stops handing out files when aborted and rejects with E_ABORTED', async () => {
    const controller = new AbortController();
    const done: number[] = [];
    const run = pool.embedFiles([...singleFaceLfw, ...singleFaceLfw], {
      signal: controller.signal,
      onResult: (_, index) => {
        done.push(index);
        controller.abort();
      },
    });
    let caught: unknown;
    try {
      await run;
    } catch (error) {
      caught = error;
    }
    expect(isPvError(caught, 'E_ABORTED')).toBe(true);
    // At most the files already running on the two workers finished.
    expect(done.length).toBeLessThanOrEqual(2);
    // The pool is still usable.
    expect((await pool.embedFiles([singleFaceLfw[1]!]))[0]?.ok).toBe(true);
  });

  it('refuses a worker count that is not a positive integer', async () => {
    let caught: unknown;
    try {
      await createWorkerPool({ workers: 0 });
    } catch (error) {
      caught = error;
    }
    expect(isPvError(caught, 'E_INVALID_ARGUMENT')).toBe(true);
  });
});
