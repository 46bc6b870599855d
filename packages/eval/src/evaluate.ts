import { AbortedError, DimensionMismatchError, InvalidArgumentError, isPvError, type Metric } from '@pv/core';
import { assignFolds, crossValidate, type CrossValidation } from './folds.js';
import type { VerificationPair } from './pairs.js';
import { areaUnderCurve, equalErrorRate, rocCurve, tarAtFar, type RocCurve, type TarAtFar } from './roc.js';
import { countKinds, fromOrientedSimilarity, type ScoredPair } from './scored-pair.js';
import { countDecisions, findBestThreshold, type ThresholdChoice } from './threshold.js';

/**
 * What to do when `embed` finds no face in an image (returns `null` or throws `E_NO_FACE`). There is no
 * default: every report states the policy it was made under.
 *
 * - `fallback-embed`: embed the image another way (e.g. a centre crop of the photo, which suits LFW's
 *   roughly centred faces) and score the pair normally.
 * - `count-as-wrong`: give every pair that uses the image a score beyond every threshold on the wrong side
 *   (a same-person pair is never accepted, a different-person pair always is). Such pairs are errors at
 *   every threshold: they count against accuracy in every fold, do not move any chosen threshold, and sit at
 *   the wrong end of the ROC curve.
 */
export type FailurePolicy =
  | {
      readonly policy: 'fallback-embed';
      /** Embeds an image in which no face was found. */
      readonly embed: (image: string) => Promise<Float32Array>;
      /** What the fallback does, for the report (e.g. `centre crop 112x112 of the 250x250 photo`). */
      readonly description: string;
    }
  | { readonly policy: 'count-as-wrong' };

/** Progress of the embedding phase: one event per distinct image. */
export interface EvaluationProgress {
  /** Images embedded so far. */
  readonly done: number;
  /** Distinct images in all. */
  readonly total: number;
  /** The image just finished. */
  readonly image: string;
  /** False when no face was found in it. */
  readonly detected: boolean;
}

/** Options of {@link evaluatePairs}. */
export interface EvaluatePairsOptions {
  /**
   * The pairs, in protocol order: folds are cut from the same-person pairs and the different-person pairs
   * in this order (see `assignFolds`).
   */
  readonly pairs: readonly VerificationPair[];
  /** Embeds one image (detect, align, embed); `null` (or an `E_NO_FACE` error) when no face is found. */
  readonly embed: (image: string) => Promise<Float32Array | null>;
  /** Compares embeddings; its direction (`closer`) decides how thresholds are read. */
  readonly metric: Metric;
  /** What happens to images without a detected face. */
  readonly fallback: FailurePolicy;
  /** A fixed decision threshold (e.g. the catalog's) to report accuracy, TAR and FAR at. */
  readonly fixedThreshold?: number;
  /** Where the fixed threshold comes from, in words (e.g. `catalog, calibrated on lfw-fold1`); the report repeats it. */
  readonly fixedThresholdSource?: string;
  /** Number of cross-validation folds (default 10). */
  readonly folds?: number;
  /** FARs to report the TAR at (default `[1e-3]`). */
  readonly farTargets?: readonly number[];
  /** Images embedded at the same time (default 1); raise it when `embed` feeds a worker pool. */
  readonly concurrency?: number;
  readonly onProgress?: (event: EvaluationProgress) => void;
  /** Stops the embedding phase between images with `E_ABORTED`. */
  readonly signal?: { readonly aborted: boolean };
}

/** Accuracy and rates at a fixed threshold. */
export interface FixedThresholdResult {
  readonly threshold: number;
  readonly accuracy: number;
  /** Accepted same-person pairs / same-person pairs. */
  readonly tar: number;
  /** Accepted different-person pairs / different-person pairs. */
  readonly far: number;
  /** Where the threshold comes from, as given in {@link EvaluatePairsOptions.fixedThresholdSource}. */
  readonly source?: string;
}

/** Everything {@link evaluatePairs} measured. */
export interface EvaluationReport {
  readonly metric: { readonly id: string; readonly closer: Metric['closer'] };
  readonly pairs: { readonly total: number; readonly same: number; readonly different: number };
  readonly images: {
    /** Distinct images (each embedded once). */
    readonly total: number;
    /** Images in which `embed` found a face. */
    readonly detected: number;
    /** Images in which it did not, in first-use order. */
    readonly failedToDetect: readonly string[];
  };
  readonly fallback: {
    readonly policy: FailurePolicy['policy'];
    /** The fallback's description, or what `count-as-wrong` means. */
    readonly description: string;
    /** Pairs with at least one image without a detected face. */
    readonly pairsAffected: number;
  };
  /** k-fold cross-validation: threshold per fold chosen on the other folds. */
  readonly crossValidation: CrossValidation;
  /** The best threshold on all pairs: the calibrated threshold for this embedder and metric. */
  readonly bestThreshold: ThresholdChoice;
  /** Present when a fixed threshold was given. */
  readonly fixedThreshold?: FixedThresholdResult;
  /** Area under the ROC curve. */
  readonly auc: number;
  /** Equal error rate. */
  readonly eer: number;
  /** One entry per requested FAR. */
  readonly tarAtFar: readonly TarAtFar[];
  readonly roc: RocCurve;
  /** Every pair's score, in the order of the given pairs. */
  readonly scores: readonly ScoredPair[];
  readonly timing: {
    /** Wall time of the whole evaluation. */
    readonly totalMs: number;
    /** Wall time of the embedding phase. */
    readonly embedMs: number;
    /** Distinct images embedded per second of the embedding phase. */
    readonly imagesPerSecond: number;
  };
}

/** What a `count-as-wrong` report says about its policy. */
export const COUNT_AS_WRONG_DESCRIPTION =
  'pairs with an image without a detected face count as wrong decisions at every threshold';

/**
 * Runs a face verification evaluation in one call: embeds every distinct image once, handles images without
 * a face as `fallback` says, scores every pair with `metric`, and measures k-fold cross-validated accuracy
 * (the threshold of each fold chosen on the others), the best overall threshold, accuracy at a fixed
 * threshold, ROC AUC, EER and TAR at the requested FARs.
 *
 * @throws InvalidArgumentError for invalid options (too few pairs of a kind for the folds, a non-finite fixed
 *   threshold, …) or an embedding with non-finite values; DimensionMismatchError when embeddings differ in
 *   length; AbortedError when `signal` is aborted; whatever `embed` throws other than `E_NO_FACE`.
 */
export async function evaluatePairs(options: EvaluatePairsOptions): Promise<EvaluationReport> {
  const clock = monotonicClock();
  const started = clock();
  const { pairs, metric, fallback } = options;
  const folds = options.folds ?? 10;
  const concurrency = options.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new InvalidArgumentError(`concurrency must be a positive integer, got ${concurrency}`, { concurrency });
  }
  if (options.fixedThreshold !== undefined && !Number.isFinite(options.fixedThreshold)) {
    throw new InvalidArgumentError(`The fixed threshold must be finite, got ${options.fixedThreshold}`);
  }
  const foldOf = assignFolds(pairs, folds);

  const images = [...new Set(pairs.flatMap((p) => [p.a, p.b]))];
  const embeddings = new Map<string, Float32Array>();
  const failedToDetect = new Set<string>();
  let done = 0;
  await forEachConcurrently(images, concurrency, options.signal, async (image) => {
    const found = await embedOrNull(options.embed, image);
    if (found === null) failedToDetect.add(image);
    const embedding = found ?? (fallback.policy === 'fallback-embed' ? await fallback.embed(image) : null);
    if (embedding !== null) embeddings.set(image, embedding);
    done++;
    options.onProgress?.({ done, total: images.length, image, detected: found !== null });
  });
  const embedMs = clock() - started;
  checkDimensions(images, embeddings);

  const scores = pairs.map((pair): ScoredPair => {
    const a = embeddings.get(pair.a);
    const b = embeddings.get(pair.b);
    if (a === undefined || b === undefined) return { score: wrongAtEveryThreshold(pair.same, metric.closer), same: pair.same };
    const score = metric.distance(a, b);
    if (Number.isNaN(score)) {
      throw new InvalidArgumentError(`The ${metric.id} score of ${pair.a} and ${pair.b} is NaN (non-finite embedding?)`, {
        a: pair.a,
        b: pair.b,
      });
    }
    return { score, same: pair.same };
  });

  const roc = rocCurve(scores, metric.closer);
  const crossValidation = crossValidate(scores, foldOf, folds, metric.closer);
  const bestThreshold = findBestThreshold(scores, metric.closer);
  const fixed = options.fixedThreshold;
  const fixedThreshold =
    fixed !== undefined
      ? { ...atFixedThreshold(scores, fixed, metric.closer), ...(options.fixedThresholdSource !== undefined ? { source: options.fixedThresholdSource } : {}) }
      : undefined;
  const tarAtFars = (options.farTargets ?? [1e-3]).map((target) => tarAtFar(roc, target));
  return {
    metric: { id: metric.id, closer: metric.closer },
    pairs: { total: pairs.length, ...countKinds(scores) },
    images: { total: images.length, detected: images.length - failedToDetect.size, failedToDetect: [...failedToDetect] },
    fallback: {
      policy: fallback.policy,
      description: fallback.policy === 'fallback-embed' ? fallback.description : COUNT_AS_WRONG_DESCRIPTION,
      pairsAffected: pairs.filter((p) => failedToDetect.has(p.a) || failedToDetect.has(p.b)).length,
    },
    crossValidation,
    bestThreshold,
    ...(fixedThreshold !== undefined ? { fixedThreshold } : {}),
    auc: areaUnderCurve(roc),
    eer: equalErrorRate(roc),
    tarAtFar: tarAtFars,
    roc,
    scores,
    timing: { totalMs: clock() - started, embedMs, imagesPerSecond: images.length / (embedMs / 1000) },
  };
}

/** A score on the wrong side of every finite threshold for a pair of this kind. */
function wrongAtEveryThreshold(same: boolean, closer: Metric['closer']): number {
  return fromOrientedSimilarity(same ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY, closer);
}

function atFixedThreshold(scores: readonly ScoredPair[], threshold: number, closer: Metric['closer']): FixedThresholdResult {
  const c = countDecisions(scores, threshold, closer);
  return {
    threshold,
    accuracy: (c.trueAccepts + c.trueRejects) / scores.length,
    tar: c.trueAccepts / (c.trueAccepts + c.falseRejects),
    far: c.falseAccepts / (c.falseAccepts + c.trueRejects),
  };
}

async function embedOrNull(
  embed: (image: string) => Promise<Float32Array | null>,
  image: string,
): Promise<Float32Array | null> {
  try {
    return await embed(image);
  } catch (error) {
    if (isPvError(error, 'E_NO_FACE')) return null;
    throw error;
  }
}

function checkDimensions(images: readonly string[], embeddings: ReadonlyMap<string, Float32Array>): void {
  let dimension: number | undefined;
  for (const image of images) {
    const embedding = embeddings.get(image);
    if (embedding === undefined) continue;
    dimension ??= embedding.length;
    if (embedding.length !== dimension) throw new DimensionMismatchError(dimension, embedding.length, { image });
  }
}

/** Runs `work` on every item with at most `concurrency` calls in flight; stops taking items after a failure or an abort. */
async function forEachConcurrently<T>(
  items: readonly T[],
  concurrency: number,
  signal: { readonly aborted: boolean } | undefined,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failed = false;
  const runner = async (): Promise<void> => {
    while (!failed && next < items.length) {
      if (signal?.aborted) throw new AbortedError();
      const item = items[next++] as T;
      try {
        await work(item);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, runner));
}

/** `performance.now` where the runtime has it (Node, browsers), else `Date.now`. */
function monotonicClock(): () => number {
  const performance = (globalThis as { performance?: { now(): number } }).performance;
  return performance ? () => performance.now() : () => Date.now();
}
