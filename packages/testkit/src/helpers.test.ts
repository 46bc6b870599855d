import { InvalidArgumentError, NotFoundError, type EmbeddingRecord, type SearchHit } from '@pv/core';
import { l2 } from '@pv/metric-l2';
import { describe, expect, it } from 'vitest';
import { expectPvError } from './expect-pv-error.js';
import { hashSeed, randomUnitVector, randomVector, seededRandom } from './random.js';
import { bruteForceSearch, expectSameRanking, expectWellFormedHits, recallOf } from './store-search-checks.js';
import { syntheticCrops } from './synthetic-crops.js';

const record = (id: string, values: number[], label = 'x'): EmbeddingRecord => ({
  id,
  label,
  vector: Float32Array.from(values),
  modelId: 'm',
  createdAt: 0,
});
const hit = (r: EmbeddingRecord, distance: number): SearchHit => ({ record: r, distance });

describe('expectPvError', () => {
  it('returns the error when the code matches, for promises and functions', async () => {
    const error = await expectPvError(Promise.reject(new NotFoundError('gone')), 'E_NOT_FOUND');
    expect(error.message).toBe('gone');
    await expectPvError(() => {
      throw new InvalidArgumentError('bad');
    }, 'E_INVALID_ARGUMENT');
  });

  it('fails on another code, a plain error, or no error', async () => {
    await expect(expectPvError(Promise.reject(new NotFoundError('gone')), 'E_BAD_IMAGE')).rejects.toThrow(/E_BAD_IMAGE.*E_NOT_FOUND/);
    await expect(expectPvError(Promise.reject(new Error('plain')), 'E_NOT_FOUND')).rejects.toThrow(/plain/);
    await expect(expectPvError(Promise.resolve(1), 'E_NOT_FOUND')).rejects.toThrow(/nothing was thrown/);
  });
});

describe('store search checks', () => {
  const a = record('a', [0, 0]);
  const b = record('b', [1, 0], 'y');
  const c = record('c', [0, 2]);
  const twin = record('twin', [1, 0]);

  it('bruteForceSearch ranks by the metric, keeps insertion order for ties, filters and cuts', () => {
    const query = Float32Array.of(1, 0);
    expect(bruteForceSearch([a, b, c, twin], query, l2, 3).map((h) => h.record.id)).toEqual(['b', 'twin', 'a']);
    expect(bruteForceSearch([a, b, c, twin], query, l2, 5, 'x').map((h) => h.record.id)).toEqual(['twin', 'a', 'c']);
    expect(bruteForceSearch([a, b], query, l2, 0)).toEqual([]);
  });

  it('expectWellFormedHits rejects duplicates, wrong order and wrong distances', () => {
    const query = Float32Array.of(1, 0);
    expectWellFormedHits([hit(b, 0), hit(a, 1)], query, l2, 1e-6);
    expect(() => expectWellFormedHits([hit(b, 0), hit(b, 0)], query, l2, 1e-6)).toThrow(/twice/);
    expect(() => expectWellFormedHits([hit(a, 1), hit(b, 0)], query, l2, 1e-6)).toThrow(/more similar/);
    expect(() => expectWellFormedHits([hit(a, 0.5)], query, l2, 1e-6)).toThrow(/distance/);
  });

  it('expectSameRanking allows only near-ties to swap', () => {
    const expected = [
      { record: b, distance: 0 },
      { record: twin, distance: 0 },
      { record: a, distance: 1 },
    ];
    expectSameRanking([hit(b, 0), hit(twin, 0), hit(a, 1)], expected, 1e-6);
    expectSameRanking([hit(twin, 0), hit(b, 0), hit(a, 1)], expected, 1e-6);
    expect(() => expectSameRanking([hit(b, 0), hit(a, 1), hit(twin, 0)], expected, 1e-6)).toThrow(/rank 1/);
    expect(() => expectSameRanking([hit(b, 0)], expected, 1e-6)).toThrow(/number of hits/);
  });

  it('recallOf is the share of expected records found', () => {
    const expected = [
      { record: a, distance: 0 },
      { record: b, distance: 1 },
    ];
    expect(recallOf([hit(a, 0), hit(c, 2)], expected)).toBe(0.5);
    expect(recallOf([], [])).toBe(1);
  });
});

describe('deterministic data', () => {
  it('seededRandom repeats per seed and stays in [0, 1)', () => {
    const one = seededRandom(3);
    const again = seededRandom(3);
    const values = Array.from({ length: 1000 }, () => one());
    expect(Array.from({ length: 1000 }, () => again())).toEqual(values);
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(seededRandom(4)()).not.toBe(values[0]);
  });

  it('hashSeed is 32-bit FNV-1a', () => {
    // Published FNV-1a test vectors.
    expect(hashSeed('')).toBe(0x811c9dc5);
    expect(hashSeed('a')).toBe(0xe40c292c);
    expect(hashSeed('foobar')).toBe(0xbf9cf968);
  });

  it('random vectors have the asked length; unit ones have norm 1', () => {
    const random = seededRandom(1);
    expect(randomVector(random, 7)).toHaveLength(7);
    const v = randomUnitVector(random, 33);
    expect(Math.hypot(...v)).toBeCloseTo(1, 6);
  });

  it('syntheticCrops are deterministic, distinct and of the asked size', () => {
    const crops = syntheticCrops(24, 20, 3);
    expect(syntheticCrops(24, 20, 3)).toEqual(crops);
    expect(crops.map((c) => [c.width, c.height])).toEqual([
      [24, 20],
      [24, 20],
      [24, 20],
    ]);
    expect(crops[0]?.data).not.toEqual(crops[1]?.data);
  });
});
