// Synthetic face embeddings fitted to real ones: identity centres drawn from the distribution of real
// identity centres (mean + covariance of the subspace real faces occupy), and photos of one identity drawn
// from the distribution of real within-identity deviations. Any vector can be regenerated from its index.
import { seededRandom, type RandomSource } from './random.js';

/** One real embedding and who it shows. */
export interface LabelledVector {
  readonly label: string;
  readonly vector: Float32Array;
}

/** A fitted model: a mean and two low-rank-plus-isotropic Gaussian factors (see {@link fitFaceLikeModel}). */
export interface FaceLikeModel {
  readonly dimension: number;
  /** Mean of the real embeddings. */
  readonly mean: Float32Array;
  /** `betweenRank` rows of `dimension`: centre = mean + Σ z_k · between[k] + betweenIso · z. */
  readonly between: Float32Array;
  readonly betweenRank: number;
  readonly betweenIso: number;
  /** `withinRank` rows: photo = centre + Σ z_k · within[k] + withinIso · z (then scaled to unit length). */
  readonly within: Float32Array;
  readonly withinIso: number;
  readonly withinRank: number;
  /** Scale of the between-identity draw (calibrated so that different-person distances match the real ones). */
  readonly betweenScale: number;
  /** Scale of the within-identity draw. */
  readonly withinScale: number;
  /**
   * Per-photo spread: each photo's deviation is scaled by exp(withinSpread · z), z standard normal, as real
   * photos differ in quality (sharp frontal ones sit near the centre, blurred or turned ones far from it).
   */
  readonly withinSpread: number;
  /** Identities and residuals the fit used. */
  readonly identities: number;
  readonly photos: number;
}

function gaussian(uniform: RandomSource): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

function normalise(v: Float32Array): Float32Array {
  let s = 0;
  for (const x of v) s += x * x;
  const n = Math.sqrt(s) || 1;
  for (let i = 0; i < v.length; i++) v[i] = (v[i] as number) / n;
  return v;
}

/**
 * A Gaussian factor for the rows of `samples` (zero-mean deviations): `rank` random mixtures
 * `(1/√(n·rank)) Σ_i g_i · sample_i` whose outer products sum to the sample covariance in expectation, and an
 * isotropic part that restores the total variance lost by the finite rank.
 */
function factor(samples: readonly Float32Array[], dimension: number, rank: number, random: RandomSource): { rows: Float32Array; iso: number } {
  const normal = gaussian(random);
  const rows = new Float32Array(rank * dimension);
  const n = samples.length;
  const scale = 1 / Math.sqrt(n * rank);
  for (let k = 0; k < rank; k++) {
    const row = rows.subarray(k * dimension, (k + 1) * dimension);
    for (const sample of samples) {
      const g = normal() * scale;
      for (let j = 0; j < dimension; j++) row[j] = (row[j] as number) + g * (sample[j] as number);
    }
  }
  // Total variance of the samples versus that of the factor: the isotropic part makes up the difference.
  let wanted = 0;
  for (const s of samples) for (const x of s) wanted += x * x;
  wanted /= n;
  let got = 0;
  for (const x of rows) got += x * x;
  const iso = Math.sqrt(Math.max(0, wanted - got) / dimension);
  return { rows, iso };
}

/**
 * Fits a {@link FaceLikeModel} to real embeddings: identity centres are the means of each label's
 * vectors; "between" models the centres' spread around the global mean, "within" the deviations of photos
 * from their identity's centre (labels with two or more photos, scaled by √(n/(n−1)) for the centre's own
 * estimation error). `rank` random mixtures of the observed deviations carry each covariance.
 */
export function fitFaceLikeModel(
  real: readonly LabelledVector[],
  options: { readonly betweenRank?: number; readonly withinRank?: number; readonly seed?: number } = {},
): FaceLikeModel {
  const first = real[0];
  if (first === undefined) throw new RangeError('fitFaceLikeModel needs at least one embedding');
  const dimension = first.vector.length;
  // Centres are drawn once per identity, photos once per vector: a higher rank for the centres keeps the
  // spread of different-person distances as narrow as the real one at little cost.
  const betweenRank = options.betweenRank ?? 384;
  const withinRank = options.withinRank ?? 128;
  const random = seededRandom(options.seed ?? 11);
  const byLabel = new Map<string, Float32Array[]>();
  for (const r of real) byLabel.set(r.label, [...(byLabel.get(r.label) ?? []), r.vector]);
  const mean = new Float32Array(dimension);
  for (const r of real) for (let j = 0; j < dimension; j++) mean[j] = (mean[j] as number) + (r.vector[j] as number) / real.length;
  const centreDeviations: Float32Array[] = [];
  const residuals: Float32Array[] = [];
  for (const vectors of byLabel.values()) {
    const centre = new Float32Array(dimension);
    for (const v of vectors) for (let j = 0; j < dimension; j++) centre[j] = (centre[j] as number) + (v[j] as number) / vectors.length;
    centreDeviations.push(centre.map((x, j) => x - (mean[j] as number)));
    if (vectors.length < 2) continue;
    const correction = Math.sqrt(vectors.length / (vectors.length - 1));
    for (const v of vectors) residuals.push(v.map((x, j) => (x - (centre[j] as number)) * correction));
  }
  if (residuals.length === 0) throw new RangeError('fitFaceLikeModel needs at least one label with two or more embeddings');
  const between = factor(centreDeviations, dimension, betweenRank, random);
  const within = factor(residuals, dimension, withinRank, random);
  const raw: FaceLikeModel = {
    dimension,
    mean,
    between: between.rows,
    betweenIso: between.iso,
    within: within.rows,
    withinIso: within.iso,
    betweenRank,
    withinRank,
    betweenScale: 1,
    withinScale: 1,
    withinSpread: 0,
    identities: byLabel.size,
    photos: residuals.length,
  };
  return calibrate(raw, real);
}

/** Cosine distances (1 − cos) of same-label and of different-label pairs (different ones subsampled). */
export function pairDistances(vectors: readonly LabelledVector[], maxDifferent = 20_000): { same: number[]; different: number[] } {
  const same: number[] = [];
  const different: number[] = [];
  const pairs = (vectors.length * (vectors.length - 1)) / 2;
  const stride = Math.max(1, Math.floor(pairs / maxDifferent));
  let n = 0;
  for (let i = 0; i < vectors.length; i++) {
    const a = (vectors[i] as LabelledVector).vector;
    for (let j = i + 1; j < vectors.length; j++) {
      const b = vectors[j] as LabelledVector;
      const isSame = b.label === (vectors[i] as LabelledVector).label;
      if (!isSame && n++ % stride !== 0) continue;
      let dot = 0;
      for (let k = 0; k < a.length; k++) dot += (a[k] as number) * (b.vector[k] as number);
      (isSame ? same : different).push(1 - dot);
    }
  }
  return { same, different };
}

const QUANTILES = [0.1, 0.25, 0.5, 0.75, 0.9];

function quantiles(values: readonly number[]): number[] {
  const sorted = [...values].sort((x, y) => x - y);
  return QUANTILES.map((q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number);
}

/** A small labelled sample of a model: `identities` identities with `photos` photos each. */
export function sampleFaceLike(model: FaceLikeModel, identities: number, photos: number, seed = 3): LabelledVector[] {
  const vectors = new FaceLikeVectors({ model, identities, seed });
  return Array.from({ length: identities * photos }, (_, i) => ({ label: String(vectors.cluster(i)), vector: vectors.vector(i) }));
}

/**
 * Fits the three scales of the model so that the quantiles (10/25/50/75/90 %) of its same- and
 * different-identity distance distributions match those of the real embeddings (coordinate search).
 */
function calibrate(model: FaceLikeModel, real: readonly LabelledVector[]): FaceLikeModel {
  const target = pairDistances(real);
  const wantSame = quantiles(target.same);
  const wantDifferent = quantiles(target.different);
  const loss = (m: FaceLikeModel): number => {
    const got = pairDistances(sampleFaceLike(m, 150, 6), 10_000);
    const s = quantiles(got.same);
    const d = quantiles(got.different);
    let e = 0;
    QUANTILES.forEach((_, i) => {
      e += ((s[i] as number) - (wantSame[i] as number)) ** 2 + ((d[i] as number) - (wantDifferent[i] as number)) ** 2;
    });
    return e;
  };
  let best = model;
  let bestLoss = loss(model);
  const keys = ['betweenScale', 'withinScale', 'withinSpread'] as const;
  for (const step of [0.2, 0.1, 0.05]) {
    for (const key of keys) {
      for (const direction of [1, -1]) {
        for (;;) {
          const value = Math.max(0, best[key] + direction * step);
          const candidate = { ...best, [key]: value };
          const l = loss(candidate);
          if (l >= bestLoss) break;
          best = candidate;
          bestLoss = l;
        }
      }
    }
  }
  return best;
}

/** Options of {@link FaceLikeVectors}. */
export interface FaceLikeVectorsOptions {
  readonly model: FaceLikeModel;
  /** Number of identities; gallery vector `i` shows identity `i % identities`. */
  readonly identities: number;
  readonly seed: number;
}

/**
 * Deterministic unit vectors from a fitted {@link FaceLikeModel}, with the same interface as the isotropic
 * `ClusteredVectors` of the store benchmarks: `vector(i)`, `query(i)` and `cluster(i)`.
 */
export class FaceLikeVectors {
  readonly #model: FaceLikeModel;
  readonly #options: FaceLikeVectorsOptions;
  readonly #centres: Float32Array;

  constructor(options: FaceLikeVectorsOptions) {
    this.#options = options;
    this.#model = options.model;
    const d = this.#model.dimension;
    this.#centres = new Float32Array(options.identities * d);
    for (let c = 0; c < options.identities; c++) {
      const centre = this.#centres.subarray(c * d, (c + 1) * d);
      centre.set(this.#model.mean);
      this.#draw(centre, this.#model.between, this.#model.betweenRank, this.#model.betweenIso, this.#model.betweenScale, this.#stream(0x51ed27, c));
    }
  }

  /** The identity of gallery vector `i`. */
  cluster(i: number): number {
    return i % this.#options.identities;
  }

  /** Gallery vector `i`. */
  vector(i: number): Float32Array {
    return this.#photo(this.cluster(i), 2 * i + 1);
  }

  /** Query `i`: a fresh photo (not in the gallery) of identity `(i × 7919) mod identities`. */
  query(i: number): Float32Array {
    return this.#photo((i * 7919) % this.#options.identities, 2 * i + 2);
  }

  #stream(salt: number, n: number): RandomSource {
    return seededRandom(Math.imul(this.#options.seed ^ salt, 0x85ebca6b) ^ Math.imul(n + 1, 0xc2b2ae35));
  }

  #photo(identity: number, stream: number): Float32Array {
    const d = this.#model.dimension;
    const v = this.#centres.slice(identity * d, (identity + 1) * d);
    const random = this.#stream(0x9e3779b9, stream);
    const spread = Math.exp(this.#model.withinSpread * gaussian(random)());
    this.#draw(v, this.#model.within, this.#model.withinRank, this.#model.withinIso, this.#model.withinScale * spread, random);
    return normalise(v);
  }

  /** Adds one draw of a factor (low-rank rows and isotropic part) to `into`. */
  #draw(into: Float32Array, rows: Float32Array, rank: number, iso: number, scale: number, random: RandomSource): void {
    const normal = gaussian(random);
    const d = this.#model.dimension;
    for (let k = 0; k < rank; k++) {
      const g = normal() * scale;
      const offset = k * d;
      for (let j = 0; j < d; j++) into[j] = (into[j] as number) + g * (rows[offset + j] as number);
    }
    for (let j = 0; j < d; j++) into[j] = (into[j] as number) + scale * iso * normal();
  }
}
