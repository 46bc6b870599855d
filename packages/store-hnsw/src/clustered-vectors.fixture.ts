// Synthetic face-like embeddings for recall tests and benchmarks: unit vectors scattered around random
// identity centres, as embeddings of several photos of each person are. Any vector can be regenerated
// from its index, so large galleries need not be held in memory.
import { seededRandom, type RandomSource } from '@pv/testkit';

/** Standard normal samples from a uniform source (Box–Muller). */
function gaussian(uniform: RandomSource): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

function normalise(v: Float32Array): Float32Array {
  let s = 0;
  for (const x of v) s += x * x;
  const n = Math.sqrt(s);
  for (let i = 0; i < v.length; i++) v[i] = (v[i] as number) / n;
  return v;
}

/** Options of {@link ClusteredVectors}. */
export interface ClusteredVectorsOptions {
  readonly dimension: number;
  /** Number of identities. */
  readonly clusters: number;
  /**
   * Per-coordinate noise around a centre. 0.05 in 512-d puts two photos of one identity at cosine ≈ 0.44
   * and a photo at ≈ 0.66 from its centre, roughly like real face embeddings.
   */
  readonly noise: number;
  readonly seed: number;
}

/** Deterministic clustered unit vectors: gallery vector `i` belongs to identity `i % clusters`. */
export class ClusteredVectors {
  readonly #options: ClusteredVectorsOptions;
  readonly #centres: Float32Array[];

  constructor(options: ClusteredVectorsOptions) {
    this.#options = options;
    const normal = gaussian(seededRandom(options.seed));
    this.#centres = Array.from({ length: options.clusters }, () => normalise(Float32Array.from({ length: options.dimension }, normal)));
  }

  /** The identity of gallery vector `i`. */
  cluster(i: number): number {
    return i % this.#options.clusters;
  }

  /** Gallery vector `i`. */
  vector(i: number): Float32Array {
    return this.#around(this.cluster(i), 2 * i + 1);
  }

  /** Query `i`: a fresh vector (not in the gallery) around identity `(i × 7919) mod clusters`. */
  query(i: number): Float32Array {
    return this.#around((i * 7919) % this.#options.clusters, 2 * i + 2);
  }

  #around(cluster: number, stream: number): Float32Array {
    const normal = gaussian(seededRandom(Math.imul(this.#options.seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(stream, 0xc2b2ae35)));
    const centre = this.#centres[cluster] as Float32Array;
    return normalise(Float32Array.from(centre, (x) => x + this.#options.noise * normal()));
  }
}
