// The worker pool loads analysis models lazily: none at start unless asked, and only those a request needs.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { celebaImage } from '../test-support.fixture.js';
import { InferencePool } from './pool.js';

describe('InferencePool analyses', () => {
  let pool: InferencePool;
  let photo: Buffer;

  beforeAll(async () => {
    photo = await readFile(celebaImage('7206', '182757'));
    pool = await InferencePool.start({
      workers: 1,
      maxQueue: 4,
      retryAfterSeconds: 1,
      detector: 'rfb320',
      model: 'mobilefacenet',
      limitInputPixels: 40_000_000,
      cacheDir: undefined,
    });
  }, 120_000);

  afterAll(async () => {
    await pool?.close();
  });

  test('opens no analysis model for requests that ask for none, then exactly those asked for', async () => {
    expect(pool.analyses).toEqual([]);
    const plain = await pool.embedImage(photo, 'largest');
    expect(plain.faces[0]?.analysis).toBeUndefined();
    expect(pool.analyses).toEqual([]);
    const [posed, again] = await Promise.all([pool.embedImage(photo, 'largest', ['pose']), pool.embedImage(photo, 'largest', ['pose'])]);
    expect(Object.keys(posed.faces[0]?.analysis ?? {})).toEqual(['pose']);
    expect(again.faces[0]?.analysis?.pose).toEqual(posed.faces[0]?.analysis?.pose);
    expect(pool.analyses).toEqual(['pose']);
    const aged = await pool.embedImage(photo, 'largest', ['age']);
    expect(aged.faces[0]?.analysis?.age?.years).toBeGreaterThan(10);
    expect([...pool.analyses].sort()).toEqual(['age', 'pose']);
    // The embedding is the same whichever pool answered.
    expect(Array.from(aged.faces[0]?.embedding ?? [])).toEqual(Array.from(plain.faces[0]?.embedding ?? []));
  }, 120_000);
});
