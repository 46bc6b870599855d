import { BadImageError, NoFaceError, isPvError } from '@pv/core';
import { describe, expect, it } from 'vitest';
import { evaluatePairs, type EvaluatePairsOptions } from './evaluate.js';
import type { VerificationPair } from './pairs.js';
import { dot, euclidean } from './test-metrics.fixture.js';

// Pair i compares an image at 0 with an image at d_i (1-d embeddings), so its euclidean score is d_i.
// Same-person distances 0.1 0.2 0.3 0.6, different-person 0.8 0.9 0.5 0.7. Pairs 0 and 5 share the image
// `shared`. Two folds: fold 0 = same 0.1 0.2 + different 0.8 0.9, fold 1 = same 0.3 0.6 + different 0.5 0.7.
const distances = [0.1, 0.2, 0.3, 0.6, 0.8, 0.9, 0.5, 0.7];
const pairs: VerificationPair[] = distances.map((_, i) => ({
  a: i === 0 || i === 5 ? 'shared' : `a${i}`,
  b: `b${i}`,
  same: i < 4,
}));
const values = new Map<string, number>(distances.map((d, i) => [`b${i}`, d]));

function embedding(image: string): Float32Array {
  return Float32Array.of(values.get(image) ?? 0);
}

/** An embed callback that records its calls; `noFace` images give `null`. */
function recordingEmbed(noFace: readonly string[] = []): { calls: string[]; embed: EvaluatePairsOptions['embed'] } {
  const calls: string[] = [];
  return {
    calls,
    embed: async (image) => {
      calls.push(image);
      return noFace.includes(image) ? null : embedding(image);
    },
  };
}

function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('evaluatePairs', () => {
  it('runs the whole protocol on the scores (hand-computed)', async () => {
    const { calls, embed } = recordingEmbed();
    const report = await evaluatePairs({
      pairs,
      embed,
      metric: euclidean,
      fallback: { policy: 'count-as-wrong' },
      folds: 2,
      fixedThreshold: 0.55,
      farTargets: [0, 0.25],
    });
    expect([...calls].sort()).toEqual([...new Set(pairs.flatMap((p) => [p.a, p.b]))].sort());
    expect(report.metric).toEqual({ id: 'l2', closer: 'lower' });
    expect(report.pairs).toEqual({ total: 8, same: 4, different: 4 });
    expect(report.images).toEqual({ total: 15, detected: 15, failedToDetect: [] });
    expect(report.fallback.pairsAffected).toBe(0);
    report.scores.forEach((s, i) => expect(s.score).toBeCloseTo(distances[i] as number, 6));

    const cv = report.crossValidation;
    expect(cv.folds.map((f) => f.threshold)).toEqual([expect.closeTo(0.4, 6), expect.closeTo(0.5, 6)]);
    expect(cv.folds.map((f) => f.accuracy)).toEqual([1, 0.5]);
    expect(cv.accuracyMean).toBeCloseTo(0.75, 12);
    expect(cv.accuracyStd).toBeCloseTo(0.25, 12);
    // All pairs: cutting at 0.4 or at 0.65 gets 7 of 8; the stricter 0.4 is the calibrated threshold.
    expect(report.bestThreshold.threshold).toBeCloseTo(0.4, 6);
    expect(report.bestThreshold.accuracy).toBe(7 / 8);
    // At 0.55: same 0.1 0.2 0.3 accepted, 0.6 rejected; different 0.5 accepted.
    expect(report.fixedThreshold).toEqual({ threshold: 0.55, accuracy: 0.75, tar: 0.75, far: 0.25 });
    // Of the 16 (same, different) combinations only 0.6 vs 0.5 is ordered wrongly.
    expect(report.auc).toBe(15 / 16);
    expect(report.eer).toBe(0.25);
    expect(report.tarAtFar.map((t) => [t.targetFar, t.tar, t.far, t.belowResolution])).toEqual([
      [0, 0.75, 0, false],
      [0.25, 1, 0.25, false],
    ]);
    expect(report.roc.points).toHaveLength(9);
    expect(report.timing.embedMs).toBeGreaterThanOrEqual(0);
    expect(report.timing.totalMs).toBeGreaterThanOrEqual(report.timing.embedMs);
  });

  it('reads thresholds the other way for a similarity', async () => {
    // Embeddings [1, -1] and [1, d]: the dot product 1 - d orders the pairs as the distances do, so every
    // decision mirrors the euclidean case with thresholds 1 - t.
    const report = await evaluatePairs({
      pairs,
      embed: async (image) => (values.has(image) ? Float32Array.of(1, values.get(image) as number) : Float32Array.of(1, -1)),
      metric: dot,
      fallback: { policy: 'count-as-wrong' },
      folds: 2,
      fixedThreshold: 1 - 0.55,
    });
    expect(report.metric.closer).toBe('higher');
    expect(report.crossValidation.folds.map((f) => f.threshold)).toEqual([expect.closeTo(0.6, 6), expect.closeTo(0.5, 6)]);
    expect(report.crossValidation.folds.map((f) => f.accuracy)).toEqual([1, 0.5]);
    expect(report.bestThreshold.threshold).toBeCloseTo(0.6, 6);
    expect(report.bestThreshold.accuracy).toBe(7 / 8);
    expect(report.fixedThreshold).toMatchObject({ accuracy: 0.75, tar: 0.75, far: 0.25 });
    expect(report.auc).toBe(15 / 16);
  });

  it('counts pairs with an image without a face as wrong at every threshold under count-as-wrong', async () => {
    const { calls, embed } = recordingEmbed(['shared']);
    const report = await evaluatePairs({ pairs, embed, metric: euclidean, fallback: { policy: 'count-as-wrong' }, folds: 2 });
    expect(calls.filter((c) => c === 'shared')).toHaveLength(1);
    expect(report.images).toEqual({ total: 15, detected: 14, failedToDetect: ['shared'] });
    expect(report.fallback).toEqual({
      policy: 'count-as-wrong',
      description: 'pairs with an image without a detected face count as wrong decisions at every threshold',
      pairsAffected: 2,
    });
    expect(report.scores[0]?.score).toBe(Number.POSITIVE_INFINITY);
    expect(report.scores[5]?.score).toBe(Number.NEGATIVE_INFINITY);
    // Fold 0 keeps 0.2 (same) and 0.8 (different) right and loses both affected pairs; fold 1 as before.
    expect(report.crossValidation.folds.map((f) => f.accuracy)).toEqual([0.5, 0.5]);
    expect(report.bestThreshold.accuracy).toBe(5 / 8);
    expect(report.bestThreshold.threshold).toBeCloseTo(0.4, 6);
  });

  it('embeds images without a face with the fallback, once each, and scores them normally', async () => {
    const { calls, embed } = recordingEmbed(['shared']);
    const fallbackCalls: string[] = [];
    const report = await evaluatePairs({
      pairs,
      embed,
      metric: euclidean,
      fallback: {
        policy: 'fallback-embed',
        description: 'the whole image',
        embed: async (image) => {
          fallbackCalls.push(image);
          return embedding(image);
        },
      },
      folds: 2,
    });
    expect(calls).toHaveLength(15);
    expect(fallbackCalls).toEqual(['shared']);
    expect(report.images.failedToDetect).toEqual(['shared']);
    expect(report.fallback).toEqual({ policy: 'fallback-embed', description: 'the whole image', pairsAffected: 2 });
    expect(report.scores[0]?.score).toBeCloseTo(0.1, 6);
    expect(report.crossValidation.accuracyMean).toBeCloseTo(0.75, 12);
  });

  it('treats an E_NO_FACE error like null and lets any other error through', async () => {
    const noFace = await evaluatePairs({
      pairs,
      embed: async (image) => {
        if (image === 'b3') throw new NoFaceError();
        return embedding(image);
      },
      metric: euclidean,
      fallback: { policy: 'count-as-wrong' },
      folds: 2,
    });
    expect(noFace.images.failedToDetect).toEqual(['b3']);

    const calls: string[] = [];
    const error = await rejection(
      evaluatePairs({
        pairs,
        embed: async (image) => {
          calls.push(image);
          if (image === 'b1') throw new BadImageError('cannot decode b1');
          return embedding(image);
        },
        metric: euclidean,
        fallback: { policy: 'count-as-wrong' },
        folds: 2,
      }),
    );
    expect(isPvError(error, 'E_BAD_IMAGE')).toBe(true);
    // Images are taken in first-use order (shared, b0, a1, b1, …) and nothing starts after the failure.
    expect(calls).toEqual(['shared', 'b0', 'a1', 'b1']);
  });

  it('reports progress once per distinct image', async () => {
    const events: { done: number; total: number; image: string; detected: boolean }[] = [];
    await evaluatePairs({
      ...recordingEmbed(['b2']),
      pairs,
      metric: euclidean,
      fallback: { policy: 'count-as-wrong' },
      folds: 2,
      onProgress: (event) => events.push(event),
    });
    expect(events.map((e) => e.done)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    expect(events.every((e) => e.total === 15)).toBe(true);
    expect(events.filter((e) => !e.detected).map((e) => e.image)).toEqual(['b2']);
  });

  it('keeps at most `concurrency` embeddings in flight', async () => {
    let inFlight = 0;
    let most = 0;
    await evaluatePairs({
      pairs,
      embed: async (image) => {
        inFlight++;
        most = Math.max(most, inFlight);
        await Promise.resolve();
        inFlight--;
        return embedding(image);
      },
      metric: euclidean,
      fallback: { policy: 'count-as-wrong' },
      folds: 2,
      concurrency: 3,
    });
    expect(most).toBe(3);
  });

  it('stops between images when aborted', async () => {
    const signal = { aborted: false };
    const calls: string[] = [];
    const error = await rejection(
      evaluatePairs({
        pairs,
        embed: async (image) => {
          calls.push(image);
          if (calls.length === 2) signal.aborted = true;
          return embedding(image);
        },
        metric: euclidean,
        fallback: { policy: 'count-as-wrong' },
        folds: 2,
        signal,
      }),
    );
    expect(isPvError(error, 'E_ABORTED')).toBe(true);
    expect(calls).toHaveLength(2);
  });

  it('refuses bad options before embedding anything', async () => {
    const { calls, embed } = recordingEmbed();
    const base = { pairs, embed, metric: euclidean, fallback: { policy: 'count-as-wrong' } } as const;
    for (const options of [{ ...base }, { ...base, folds: 2, fixedThreshold: Number.NaN }, { ...base, folds: 2, concurrency: 0 }]) {
      expect(isPvError(await rejection(evaluatePairs(options)), 'E_INVALID_ARGUMENT')).toBe(true);
    }
    expect(calls).toEqual([]);
  });

  it('refuses embeddings of different lengths or with NaN', async () => {
    const ragged = await rejection(
      evaluatePairs({
        pairs,
        embed: async (image) => (image === 'b6' ? Float32Array.of(0, 0) : embedding(image)),
        metric: euclidean,
        fallback: { policy: 'count-as-wrong' },
        folds: 2,
      }),
    );
    expect(isPvError(ragged, 'E_DIM_MISMATCH')).toBe(true);
    const nan = await rejection(
      evaluatePairs({
        pairs,
        embed: async (image) => (image === 'b6' ? Float32Array.of(Number.NaN) : embedding(image)),
        metric: euclidean,
        fallback: { policy: 'count-as-wrong' },
        folds: 2,
      }),
    );
    expect(isPvError(nan, 'E_INVALID_ARGUMENT')).toBe(true);
    expect((nan as Error).message).toMatch(/a6 and b6 is NaN/);
  });
});
