import { InvalidArgumentError } from '@pv/core';
import type { ExactPrescan } from '@pv/core';
import { instantiateKernel, type Kernel } from './wasm-kernel.js';

/** Every {@link ScanKind}. */
export const SCAN_KINDS = ['cosine', 'dot', 'l2'] as const;

/**
 * How rows are compared, which decides what is quantized and how the bound reads:
 * - `cosine`: rows and query scaled to unit length first; similarity a·b/(‖a‖‖b‖), distance 1 − similarity;
 * - `dot`: raw vectors, similarity a·b (a unit-vector cosine metric's 1 − a·b);
 * - `l2`: raw vectors, ‖a − b‖² = ‖a‖² + ‖b‖² − 2a·b.
 */
export type ScanKind = (typeof SCAN_KINDS)[number];

/** Whether `key` names a {@link ScanKind}. */
export function isScanKind(key: string): key is ScanKind {
  return (SCAN_KINDS as readonly string[]).includes(key);
}

const PAGE = 65_536;
/** Room reserved at the start of the memory for the query (dimensions up to 64 Ki). */
const QUERY_BYTES = PAGE;
/**
 * Added to every bound: covers the rounding of the exact metric (float32 inputs, float64 sums, a float32
 * result), so that a row whose exact distance could round to a tie with the k-th best is re-ranked too.
 */
const SLACK = 1e-5;

/**
 * An int8 copy of a matrix of float vectors in WebAssembly memory, scanned with a SIMD kernel to find the
 * rows that can be among the exact k nearest, with a proven bound on the quantization error.
 *
 * Each row x is stored as q = round(x / s), s = max|x| / 127 (per row), with ‖s·q‖₁. For a query y with
 * scale t and codes p, |x·y − s·t·(q·p)| ≤ t/2·‖s·q‖₁ + s/2·‖t·p‖₁ + d·s·t/4, since every coordinate's
 * rounding error is at most half its scale. {@link Int8Scan.candidates} keeps every row whose upper bound
 * reaches the k-th best lower bound, so the exact re-rank of those rows gives the same top k (ties
 * included) as scoring every row exactly. Memory: `dimension` rounded up to 32 bytes, plus 16 bytes of
 * per-row figures, per row (0.53 KiB for 512-d, against 2 KiB for the float32 rows). One memory of at most
 * 4 GiB holds the codes: about 7.9 million 512-d rows.
 */
export class Int8Scan implements ExactPrescan {
  readonly dimension: number;
  readonly kind: ScanKind;
  readonly #stride: number;
  #kernel: Kernel;
  #rows = 0;
  #capacity = 0;
  /** Per row: scale s, half of ‖s·q‖₁, and ‖x‖² (for `l2`). */
  #scale: Float64Array<ArrayBuffer> = new Float64Array(0);
  #halfL1: Float64Array<ArrayBuffer> = new Float64Array(0);
  #normSq: Float64Array<ArrayBuffer> = new Float64Array(0);

  constructor(dimension: number, kind: ScanKind) {
    if (!Number.isInteger(dimension) || dimension <= 0 || dimension > QUERY_BYTES) {
      throw new InvalidArgumentError(`Int8Scan needs a dimension in 1..${QUERY_BYTES}, got ${dimension}`);
    }
    if (!isScanKind(kind)) throw new InvalidArgumentError(`Int8Scan has no kind "${String(kind)}"; known: ${SCAN_KINDS.join(', ')}`);
    this.dimension = dimension;
    this.kind = kind;
    this.#stride = Math.ceil(dimension / 32) * 32;
    this.#kernel = instantiateKernel(2);
  }

  /** Rows held. */
  get size(): number {
    return this.#rows;
  }

  /** Bytes held (WebAssembly memory and per-row figures). */
  get bytes(): number {
    return this.#kernel.memory.buffer.byteLength + this.#capacity * 24;
  }

  /** Appends the rows of `vectors` (row-major, a whole number of rows). */
  append(vectors: Float32Array): void {
    const d = this.dimension;
    if (vectors.length % d !== 0) throw new InvalidArgumentError(`${vectors.length} values are not a whole number of ${d}-d rows`);
    const count = vectors.length / d;
    this.#reserve(this.#rows + count);
    for (let i = 0; i < count; i++) this.#encode(this.#rows + i, vectors, i * d);
    this.#rows += count;
  }

  /** Overwrites row `row` with `vector`. */
  replace(row: number, vector: Float32Array): void {
    if (!(row >= 0 && row < this.#rows)) throw new InvalidArgumentError(`row ${row} is not in 0..${this.#rows - 1}`);
    if (vector.length !== this.dimension) throw new InvalidArgumentError(`expected ${this.dimension} values, got ${vector.length}`);
    this.#encode(row, vector, 0);
  }

  /** Keeps the first `rows` rows only. */
  truncate(rows: number): void {
    this.#rows = Math.max(0, Math.min(this.#rows, Math.floor(rows)));
  }

  /**
   * Rows, ascending, that can be among the `k` most similar accepted rows to `query` under
   * {@link Int8Scan.kind}: every row `r` with `accept(r)` (every row when `accept` is absent) whose exact
   * similarity could reach the k-th best accepted row's. Every accepted row when fewer than `k` are
   * accepted; never a rejected row. The bound is the same as without a filter, taken over the accepted
   * rows only: the k-th best lower bound among them cannot exceed their k-th best exact similarity.
   */
  candidates(query: Float32Array, k: number, accept?: (row: number) => boolean): Int32Array {
    const n = this.#rows;
    const limit = Math.floor(k);
    if (!(limit > 0)) return new Int32Array(0);
    if (limit >= n) return accepted(n, accept);
    if (query.length !== this.dimension) throw new InvalidArgumentError(`expected a ${this.dimension}-d query, got ${query.length}`);
    const stride = this.#stride;
    const outOffset = QUERY_BYTES + this.#capacity * stride;
    const memory = this.#kernel.memory.buffer;
    const { scale: t, halfL1: queryHalfL1, normSq: queryNormSq } = quantize(query, 0, this.dimension, this.kind === 'cosine', new Int8Array(memory, 0, stride));
    this.#kernel.dotI8(0, QUERY_BYTES, n, stride, outOffset);
    const dots = new Int32Array(memory, outOffset, n);
    const scales = this.#scale;
    const halfL1 = this.#halfL1;
    const normSq = this.#normSq;
    // err_i = t·halfL1_i + s_i·c with c = ‖t·p‖₁/2 + d·t/4 (see the class comment).
    const c = queryHalfL1 + (this.dimension * t) / 4;
    const l2 = this.kind === 'l2';
    // Similarity (higher is closer): a·b, or −‖a − b‖² for l2, with bounds in the same units (the slack
    // relative to the norms for l2).
    const low = (i: number): number => {
      const s = scales[i] as number;
      const bound = s * t * (dots[i] as number) - t * (halfL1[i] as number) - s * c;
      if (!l2) return bound - SLACK;
      const base = (normSq[i] as number) + queryNormSq;
      return 2 * bound - base - SLACK * (base + 1);
    };
    const high = (i: number): number => {
      const s = scales[i] as number;
      const bound = s * t * (dots[i] as number) + t * (halfL1[i] as number) + s * c;
      if (!l2) return bound + SLACK;
      const base = (normSq[i] as number) + queryNormSq;
      return 2 * bound - base + SLACK * (base + 1);
    };
    // The k-th largest lower bound: a min-heap of the k largest seen.
    const heap = new Float64Array(limit);
    let filled = 0;
    for (let i = 0; i < n; i++) {
      if (accept !== undefined && !accept(i)) continue;
      const lower = low(i);
      if (filled < limit) {
        let at = filled++;
        heap[at] = lower;
        while (at > 0) {
          const parent = (at - 1) >> 1;
          if ((heap[parent] as number) <= (heap[at] as number)) break;
          [heap[parent], heap[at]] = [heap[at] as number, heap[parent] as number];
          at = parent;
        }
      } else if (lower > (heap[0] as number)) {
        heap[0] = lower;
        let at = 0;
        for (;;) {
          const left = 2 * at + 1;
          const right = left + 1;
          let least = at;
          if (left < limit && (heap[left] as number) < (heap[least] as number)) least = left;
          if (right < limit && (heap[right] as number) < (heap[least] as number)) least = right;
          if (least === at) break;
          [heap[least], heap[at]] = [heap[at] as number, heap[least] as number];
          at = least;
        }
      }
    }
    // A unit-vector cosine metric clamps 1 − a·b to [0, 2]: every a·b ≥ 1 ties at distance 0 and every
    // a·b ≤ −1 at 2, so the threshold must not pass those clamps.
    // Fewer than k accepted rows: all of them.
    if (filled < limit) return accepted(n, accept);
    const best = heap[0] as number;
    const threshold = this.kind !== 'dot' ? best : best >= 1 ? 1 - 2 * SLACK : best <= -1 ? Number.NEGATIVE_INFINITY : best;
    const kept: number[] = [];
    for (let i = 0; i < n; i++) if (high(i) >= threshold && (accept === undefined || accept(i))) kept.push(i);
    return Int32Array.from(kept);
  }

  #encode(row: number, vectors: Float32Array, offset: number): void {
    const codes = new Int8Array(this.#kernel.memory.buffer, QUERY_BYTES + row * this.#stride, this.#stride);
    const { scale, halfL1, normSq } = quantize(vectors, offset, this.dimension, this.kind === 'cosine', codes);
    this.#scale[row] = scale;
    this.#halfL1[row] = halfL1;
    this.#normSq[row] = normSq;
  }

  /** Grows the memory (and per-row arrays) to hold `rows` rows plus the scan's output. */
  #reserve(rows: number): void {
    if (rows <= this.#capacity) return;
    const capacity = Math.max(rows, Math.ceil(this.#capacity * 1.5), 1024);
    const stride = this.#stride;
    const needed = QUERY_BYTES + capacity * stride + capacity * 4;
    const pages = Math.ceil(needed / PAGE);
    const have = this.#kernel.memory.buffer.byteLength / PAGE;
    if (pages > have) {
      try {
        this.#kernel.memory.grow(pages - have);
      } catch (cause) {
        throw new InvalidArgumentError(`Int8Scan cannot hold ${capacity} rows of ${this.dimension}-d: WebAssembly memory is limited to 4 GiB`, { cause });
      }
    }
    const grow = (old: Float64Array): Float64Array<ArrayBuffer> => {
      const next = new Float64Array(capacity);
      next.set(old.subarray(0, this.#rows));
      return next;
    };
    this.#scale = grow(this.#scale);
    this.#halfL1 = grow(this.#halfL1);
    this.#normSq = grow(this.#normSq);
    this.#capacity = capacity;
  }
}

/** Rows `0..n-1` that `accept` accepts (all of them without it), ascending. */
function accepted(n: number, accept: ((row: number) => boolean) | undefined): Int32Array {
  if (accept === undefined) return Int32Array.from({ length: n }, (_, i) => i);
  const rows: number[] = [];
  for (let i = 0; i < n; i++) if (accept(i)) rows.push(i);
  return Int32Array.from(rows);
}

/**
 * Writes the int8 codes of `source[offset..offset+d)` (scaled to unit length first when `unit`) into
 * `codes` (zero-padded) and returns the scale, half the L1 norm of the dequantized codes, and ‖x‖².
 */
function quantize(source: Float32Array, offset: number, d: number, unit: boolean, codes: Int8Array): { scale: number; halfL1: number; normSq: number } {
  let normSq = 0;
  let max = 0;
  for (let j = 0; j < d; j++) {
    const x = source[offset + j] as number;
    normSq += x * x;
    const a = Math.abs(x);
    if (a > max) max = a;
  }
  const factor = unit ? (normSq > 0 ? 1 / Math.sqrt(normSq) : 0) : 1;
  const scale = (max * factor) / 127;
  codes.fill(0);
  if (scale === 0) return { scale: 0, halfL1: 0, normSq };
  let l1 = 0;
  for (let j = 0; j < d; j++) {
    const q = Math.round(((source[offset + j] as number) * factor) / scale);
    codes[j] = q;
    l1 += Math.abs(q);
  }
  return { scale, halfL1: (l1 * scale) / 2, normSq };
}
