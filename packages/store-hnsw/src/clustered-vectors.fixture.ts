// Synthetic face-like embeddings for recall tests and benchmarks: unit vectors scattered around random
// identity centres, as embeddings of several photos of each person are.

/** A seeded uniform random source in [0, 1) (mulberry32). */
export function seededUniform(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal samples from a uniform source (Box–Muller). */
function gaussian(uniform: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

function normalise(v: Float32Array): Float32Array {
  let s = 0;
  for (const x of v) s += x * x;
  const n = Math.sqrt(s);
  for (let i = 0; i < v.length; i++) v[i] = (v[i] as number) / n;
  return v;
}

/** Options of {@link clusteredVectors}. */
export interface ClusteredVectorsOptions {
  readonly count: number;
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

/** Generates `count` unit vectors around `clusters` centres, and as many fresh query vectors as asked. */
export function clusteredVectors(options: ClusteredVectorsOptions): {
  vectors: Float32Array[];
  clusterOf: Int32Array;
  queries(count: number): Float32Array[];
} {
  const normal = gaussian(seededUniform(options.seed));
  const { dimension, noise } = options;
  const centres = Array.from({ length: options.clusters }, () => normalise(Float32Array.from({ length: dimension }, normal)));
  const around = (c: number): Float32Array =>
    normalise(Float32Array.from(centres[c] as Float32Array, (x) => x + noise * normal()));
  const clusterOf = new Int32Array(options.count);
  const vectors = Array.from({ length: options.count }, (_, i) => {
    clusterOf[i] = i % options.clusters;
    return around(i % options.clusters);
  });
  const queries = (count: number): Float32Array[] => Array.from({ length: count }, (_, i) => around((i * 7919) % options.clusters));
  return { vectors, clusterOf, queries };
}
