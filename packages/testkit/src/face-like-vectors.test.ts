import { describe, expect, it } from 'vitest';
import { FaceLikeVectors, fitFaceLikeModel, pairDistances, sampleFaceLike, type LabelledVector } from './face-like-vectors.js';
import { seededRandom } from './random.js';

/** Labelled unit vectors: 40 identities around a shared mean, 4 photos each. */
function fakeReal(): LabelledVector[] {
  const random = seededRandom(5);
  const d = 32;
  const mean = Float32Array.from({ length: d }, () => random() - 0.5);
  const out: LabelledVector[] = [];
  for (let id = 0; id < 40; id++) {
    const centre = mean.map((m) => m + (random() - 0.5) * 0.8);
    for (let p = 0; p < 4; p++) {
      const v = centre.map((c) => c + (random() - 0.5) * 0.3);
      const n = Math.hypot(...v);
      out.push({ label: `p${id}`, vector: v.map((x) => x / n) });
    }
  }
  return out;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

describe('fitFaceLikeModel and FaceLikeVectors', () => {
  const real = fakeReal();
  const model = fitFaceLikeModel(real, { betweenRank: 32, withinRank: 16 });

  it('regenerates the same unit vectors from an index', () => {
    const a = new FaceLikeVectors({ model, identities: 10, seed: 1 });
    const b = new FaceLikeVectors({ model, identities: 10, seed: 1 });
    expect(a.vector(17)).toEqual(b.vector(17));
    expect(a.query(3)).toEqual(b.query(3));
    expect(Math.hypot(...a.vector(17))).toBeCloseTo(1, 5);
    expect(a.cluster(17)).toBe(7);
  });

  it('matches the median same- and different-identity distances of the embeddings it was fitted to', () => {
    const want = pairDistances(real);
    const got = pairDistances(sampleFaceLike(model, 60, 4));
    expect(Math.abs(median(got.same) - median(want.same))).toBeLessThan(0.05);
    expect(Math.abs(median(got.different) - median(want.different))).toBeLessThan(0.05);
  });

  it('refuses embeddings with no label seen twice', () => {
    expect(() => fitFaceLikeModel([{ label: 'a', vector: new Float32Array(4).fill(0.5) }])).toThrow(RangeError);
  });
});
