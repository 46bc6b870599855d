/** A source of uniform numbers in [0, 1), like `Math.random`. */
export type RandomSource = () => number;

/**
 * A deterministic {@link RandomSource} (mulberry32) for reproducible test data: the same seed always
 * gives the same sequence, on every platform.
 */
export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A 32-bit seed for {@link seededRandom} derived from `text` (FNV-1a), for data keyed by a name: the same
 * text always gives the same seed.
 */
export function hashSeed(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}

/** A vector of `dimension` values drawn uniformly from [-1, 1). */
export function randomVector(random: RandomSource, dimension: number): Float32Array {
  const v = new Float32Array(dimension);
  for (let i = 0; i < dimension; i++) v[i] = random() * 2 - 1;
  return v;
}

/** A random unit-length vector (direction drawn from {@link randomVector}; never the zero vector). */
export function randomUnitVector(random: RandomSource, dimension: number): Float32Array {
  for (;;) {
    const v = randomVector(random, dimension);
    let sum = 0;
    for (const x of v) sum += x * x;
    if (sum > 1e-12) {
      const norm = Math.sqrt(sum);
      for (let i = 0; i < dimension; i++) v[i] = (v[i] as number) / norm;
      return v;
    }
  }
}
