// Gallery data for the scale benchmarks: a flat matrix of unit vectors with labels, generated once, and
// exact top-k answers computed from it (the reference for recall).
import { Int8Scan, searchWithScan } from '@pv/exact-scan';
import { cosine } from '@pv/metric-cosine';

/** Anything that yields gallery vector `i`, query `i` and the identity of gallery vector `i`. */
export interface VectorSource {
  vector(i: number): Float32Array;
  query(i: number): Float32Array;
  cluster(i: number): number;
}

/** `size` gallery vectors in one row-major matrix, and `queries` query vectors. */
export interface Gallery {
  readonly size: number;
  readonly dimension: number;
  readonly matrix: Float32Array;
  readonly queries: Float32Array[];
  readonly label: (i: number) => string;
}

/** Generates a {@link Gallery} from `source`. */
export function makeGallery(source: VectorSource, size: number, dimension: number, queries: number, log: (m: string) => void): Gallery {
  const matrix = new Float32Array(size * dimension);
  let last = performance.now();
  for (let i = 0; i < size; i++) {
    matrix.set(source.vector(i), i * dimension);
    if (performance.now() - last > 30_000) {
      log(`generated ${i} of ${size} vectors`);
      last = performance.now();
    }
  }
  return {
    size,
    dimension,
    matrix,
    queries: Array.from({ length: queries }, (_, i) => source.query(i)),
    label: (i) => `person-${source.cluster(i)}`,
  };
}

/** Indices of the exact `k` nearest rows (cosine) of every query, best first, through `@pv/exact-scan`. */
export function exactTopKAll(gallery: Gallery, k: number): number[][] {
  const scan = new Int8Scan(gallery.dimension, 'cosine');
  scan.append(gallery.matrix);
  return gallery.queries.map((q) => searchWithScan(scan, cosine, q, gallery.matrix, k).map((h) => h.row));
}

/** Sorted ascending copy's `p` quantile. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
}
