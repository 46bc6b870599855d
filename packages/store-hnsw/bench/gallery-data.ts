// Gallery data for the scale benchmarks: a flat matrix of unit vectors with labels, generated once, and
// exact top-k answers computed from it (the reference for recall). Generated galleries are cached on disk
// (os.tmpdir()/pv-bench-cache, or PV_BENCH_CACHE_DIR), keyed by the generator, its parameters and seed, the
// size and the query count, so that every benchmark of every run reuses them (1M realistic vectors take
// minutes to generate, seconds to read back).
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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
  const clusters = new Int32Array(size);
  let last = performance.now();
  for (let i = 0; i < size; i++) {
    matrix.set(source.vector(i), i * dimension);
    clusters[i] = source.cluster(i);
    if (performance.now() - last > 30_000) {
      log(`generated ${i} of ${size} vectors`);
      last = performance.now();
    }
  }
  return galleryOf(matrix, clusters, Array.from({ length: queries }, (_, i) => source.query(i)), dimension);
}

function galleryOf(matrix: Float32Array, clusters: Int32Array, queries: Float32Array[], dimension: number): Gallery {
  return { size: clusters.length, dimension, matrix, queries, label: (i) => `person-${clusters[i] as number}` };
}

/** Where generated galleries are cached: PV_BENCH_CACHE_DIR, else `<os.tmpdir()>/pv-bench-cache`. */
export function benchCacheDir(): string {
  return process.env.PV_BENCH_CACHE_DIR ?? path.join(os.tmpdir(), 'pv-bench-cache');
}

/** Stable hex key (SHA-256, 16 hex digits) of a generator description and any Float32Arrays it depends on. */
export function cacheKey(description: unknown, arrays: readonly Float32Array[] = []): string {
  const hash = createHash('sha256').update(JSON.stringify(description));
  for (const a of arrays) hash.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return hash.digest('hex').slice(0, 16);
}

const CHUNK = 256 * 2 ** 20;

/** Reads `target.byteLength` bytes of `file` into `target` (in chunks: fs.readFile stops at 2 GiB). */
function readInto(file: string, target: Float32Array | Int32Array): void {
  const fd = openSync(file, 'r');
  try {
    const bytes = new Uint8Array(target.buffer, target.byteOffset, target.byteLength);
    let done = 0;
    while (done < bytes.length) {
      const n = readSync(fd, bytes, done, Math.min(CHUNK, bytes.length - done), done);
      if (n === 0) throw new Error(`${file}: ends after ${done} of ${bytes.length} bytes`);
      done += n;
    }
  } finally {
    closeSync(fd);
  }
}

function writeFrom(file: string, source: Float32Array | Int32Array): void {
  const fd = openSync(file, 'w');
  try {
    const bytes = new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
    for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, Math.min(CHUNK, bytes.length - done));
  } finally {
    closeSync(fd);
  }
}

/** What a cached gallery's `meta.json` holds. */
interface CacheMeta {
  readonly key: string;
  readonly description: unknown;
  readonly size: number;
  readonly dimension: number;
  readonly queries: number;
  readonly generatedSeconds: number;
}

/** A gallery and where it came from. */
export interface CachedGallery {
  readonly gallery: Gallery;
  /** True when read back from the cache. */
  readonly fromCache: boolean;
  /** Seconds spent now: generating (and writing the cache) or reading it back. */
  readonly seconds: number;
  /** Seconds the generation took when the cached copy was made. */
  readonly generatedSeconds: number;
  readonly file: string;
}

/**
 * The gallery `makeGallery(source(), size, dimension, queries)` would build, read from the on-disk cache
 * when a copy with the same `key` exists (the key must cover every generator parameter and seed), else
 * generated and written there (matrix, queries and identities as raw little-endian arrays). `source` is
 * only called on a miss, so a generator's setup cost is skipped too. PV_BENCH_NO_CACHE=1 turns it off.
 */
export function cachedGallery(key: string, description: unknown, source: () => VectorSource, size: number, dimension: number, wantedQueries: number, log: (m: string) => void): CachedGallery {
  // Query i depends only on i: the cache holds at least 200, and a bench asking for fewer gets the first ones.
  const queries = Math.max(wantedQueries, 200);
  const full = `${key}-${size}x${dimension}-q${queries}`;
  const dir = path.join(benchCacheDir(), `gallery-${full}`);
  const started = performance.now();
  const useCache = process.env.PV_BENCH_NO_CACHE !== '1';
  if (useCache && existsSync(path.join(dir, 'meta.json'))) {
    const meta = JSON.parse(readFileSync(path.join(dir, 'meta.json'), 'utf8')) as CacheMeta;
    if (meta.key === full && meta.size === size && meta.dimension === dimension && meta.queries === queries) {
      const matrix = new Float32Array(size * dimension);
      const clusters = new Int32Array(size);
      const flatQueries = new Float32Array(queries * dimension);
      readInto(path.join(dir, 'matrix.f32'), matrix);
      readInto(path.join(dir, 'clusters.i32'), clusters);
      readInto(path.join(dir, 'queries.f32'), flatQueries);
      const qs = Array.from({ length: wantedQueries }, (_, i) => flatQueries.slice(i * dimension, (i + 1) * dimension));
      const seconds = (performance.now() - started) / 1000;
      log(`read ${size} cached vectors from ${dir} in ${seconds.toFixed(1)} s`);
      return { gallery: galleryOf(matrix, clusters, qs, dimension), fromCache: true, seconds, generatedSeconds: meta.generatedSeconds, file: dir };
    }
  }
  const src = source();
  const matrix = new Float32Array(size * dimension);
  const clusters = new Int32Array(size);
  let last = performance.now();
  for (let i = 0; i < size; i++) {
    matrix.set(src.vector(i), i * dimension);
    clusters[i] = src.cluster(i);
    if (performance.now() - last > 30_000) {
      log(`generated ${i} of ${size} vectors`);
      last = performance.now();
    }
  }
  const qs = Array.from({ length: queries }, (_, i) => src.query(i));
  const generatedSeconds = (performance.now() - started) / 1000;
  if (useCache) {
    // Written beside the final folder and renamed into place, so that a reader never sees half a cache.
    const tmp = `${dir}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    writeFrom(path.join(tmp, 'matrix.f32'), matrix);
    writeFrom(path.join(tmp, 'clusters.i32'), clusters);
    const flatQueries = new Float32Array(queries * dimension);
    qs.forEach((q, i) => flatQueries.set(q, i * dimension));
    writeFrom(path.join(tmp, 'queries.f32'), flatQueries);
    const meta: CacheMeta = { key: full, description, size, dimension, queries, generatedSeconds };
    writeFileSync(path.join(tmp, 'meta.json'), JSON.stringify(meta, null, 2));
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
    log(`generated ${size} vectors in ${generatedSeconds.toFixed(1)} s, cached in ${dir}`);
  }
  return { gallery: galleryOf(matrix, clusters, qs.slice(0, wantedQueries), dimension), fromCache: false, seconds: (performance.now() - started) / 1000, generatedSeconds, file: dir };
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

/** A comma-separated list of numbers from the environment (`PV_BENCH_…`), or `fallback` when unset. */
export function envNumbers(name: string, fallback: readonly number[]): number[] {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return [...fallback];
  const values = raw.split(',').map((s) => Number(s.trim().replace(/_/g, '')));
  if (values.some((v) => !Number.isFinite(v) || v <= 0)) throw new RangeError(`${name}: expected positive numbers separated by commas, got "${raw}"`);
  return values;
}
