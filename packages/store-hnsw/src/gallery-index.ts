import { randomBytes } from 'node:crypto';
import hnswlib from 'hnswlib-node';
import type { ChangeCursor } from '@pv/store-sqlite';
import { checkGraphFile } from './graph-file.js';

const { HierarchicalNSW } = hnswlib;

/** The metric space an index is built in: hnswlib's `cosine` (1 − cos) or `l2` (squared Euclidean). */
export type HnswSpace = 'cosine' | 'l2';

/** The parameters of an HNSW graph. */
export interface HnswParams {
  readonly space: HnswSpace;
  /** Links per node (hnswlib `M`). */
  readonly m: number;
  /** Candidate list size while inserting (hnswlib `efConstruction`). */
  readonly efConstruction: number;
  /** Candidate list size while searching (hnswlib `ef`; at least `k` is used). */
  readonly ef: number;
}

/** The seed of hnswlib's level generator: fixed, so the same inserts build the same graph. */
const RANDOM_SEED = 100;

/**
 * An hnswlib HNSW graph over a store's records, keyed by record sequence number, plus what the graph does
 * not know: each live record's label (for label-filtered search) and the {@link ChangeCursor} of the
 * database state it reflects. Deleted records are marked deleted and their slots reused by later inserts.
 */
export class GalleryIndex {
  readonly #hnsw: InstanceType<typeof HierarchicalNSW>;
  readonly #labelIds = new Map<string, number>();
  #labelOfSeq = new Int32Array(0);
  #live = 0;
  /** The database state the index reflects: every record up to `cursor.seq`, every deletion up to `cursor.deletion`. */
  cursor: ChangeCursor = { seq: 0, deletion: 0 };
  /** Changes since the index was last written to (or read from) a file. */
  unsaved = 0;

  private constructor(hnsw: InstanceType<typeof HierarchicalNSW>, ef: number) {
    this.#hnsw = hnsw;
    this.#hnsw.setEf(ef);
  }

  /** An empty index for `dimension`-long vectors with room for `capacity` before it grows. */
  static create(params: HnswParams, dimension: number, capacity: number): GalleryIndex {
    const hnsw = new HierarchicalNSW(params.space, dimension);
    hnsw.initIndex({
      maxElements: Math.max(1, capacity),
      m: params.m,
      efConstruction: params.efConstruction,
      randomSeed: RANDOM_SEED,
      allowReplaceDeleted: true,
    });
    return new GalleryIndex(hnsw, params.ef);
  }

  /**
   * Reads a graph written by {@link write}. Labels and the cursor are not in the file: the caller restores
   * them ({@link track}, {@link markDeletedInGraph}, {@link cursor}). Throws when the file is not a
   * complete graph of this dimension and `m` (see {@link checkGraphFile}) or hnswlib refuses it.
   */
  static read(path: string, params: HnswParams, dimension: number): GalleryIndex {
    checkGraphFile(path, dimension, params.m);
    const hnsw = new HierarchicalNSW(params.space, dimension);
    hnsw.readIndexSync(path, true);
    return new GalleryIndex(hnsw, params.ef);
  }

  /** Live (not deleted) records. */
  get size(): number {
    return this.#live;
  }

  /** Sets the search-time candidate list size (hnswlib `ef`). */
  setEf(ef: number): void {
    this.#hnsw.setEf(ef);
  }

  /** Records the graph has room for (deleted records' slots are reused) before it grows. */
  get capacity(): number {
    return this.#hnsw.getMaxElements();
  }

  /** Whether the record `seq` is in the index and not deleted. */
  has(seq: number): boolean {
    return seq < this.#labelOfSeq.length && (this.#labelOfSeq[seq] as number) >= 0;
  }

  /**
   * Makes room for `count` more inserts, growing the graph by at least half its capacity when the
   * slots of deleted records (reused first) do not suffice.
   */
  reserve(count: number): void {
    const needed = this.#live + count;
    const capacity = this.#hnsw.getMaxElements();
    if (needed > capacity) this.#hnsw.resizeIndex(Math.max(needed, Math.ceil(capacity * 1.5)));
  }

  /** Inserts record `seq` (reusing a deleted slot when there is one). */
  add(seq: number, label: string, vector: Float32Array): void {
    this.reserve(1);
    this.#hnsw.addPoint(Array.from(vector), seq, true);
    this.track(seq, label);
    this.unsaved++;
  }

  /** Records that the graph holds live record `seq` with `label` (after {@link read}). */
  track(seq: number, label: string): void {
    if (seq >= this.#labelOfSeq.length) {
      const grown = new Int32Array(Math.max(seq + 1, this.#labelOfSeq.length * 2, 1024)).fill(-1);
      grown.set(this.#labelOfSeq);
      this.#labelOfSeq = grown;
    }
    let id = this.#labelIds.get(label);
    if (id === undefined) {
      id = this.#labelIds.size;
      this.#labelIds.set(label, id);
    }
    if ((this.#labelOfSeq[seq] as number) < 0) this.#live++;
    this.#labelOfSeq[seq] = id;
  }

  /**
   * Marks record `seq` deleted, if the index holds it, after overwriting its vector in the graph with
   * random values (hnswlib would otherwise keep the deleted vector in memory and in the next index file).
   */
  remove(seq: number): void {
    if (!this.has(seq)) return;
    this.#overwrite(seq);
    this.#hnsw.markDelete(seq);
    this.#labelOfSeq[seq] = -1;
    this.#live--;
    this.unsaved++;
  }

  /**
   * Marks deleted a record the graph holds but that is not tracked (deleted after the graph was written),
   * overwriting its vector first as {@link remove} does.
   */
  markDeletedInGraph(seq: number): void {
    this.#overwrite(seq);
    this.#hnsw.markDelete(seq);
  }

  /**
   * Replaces the vector of live element `seq` with random values (hnswlib's in-place update, which also
   * relinks its neighbours), so that no byte of the deleted vector stays in the graph.
   */
  #overwrite(seq: number): void {
    const noise = new Float32Array(this.#hnsw.getNumDimensions());
    const bytes = randomBytes(noise.length * 2);
    for (let i = 0; i < noise.length; i++) noise[i] = bytes.readInt16LE(i * 2) / 32768 + 1e-3;
    this.#hnsw.addPoint(Array.from(noise), seq, false);
  }

  /** Sequence numbers of (approximately) the `k` nearest live records, nearest first; only `label`'s when given. */
  search(query: Float32Array, k: number, label?: string): number[] {
    const wanted = Math.min(k, this.#live);
    if (wanted <= 0) return [];
    let filter: ((seq: number) => boolean) | undefined;
    if (label !== undefined) {
      const id = this.#labelIds.get(label);
      if (id === undefined) return [];
      const labelOfSeq = this.#labelOfSeq;
      filter = (seq) => labelOfSeq[seq] === id;
    }
    return this.#hnsw.searchKnn(Array.from(query), wanted, filter).neighbors;
  }

  /**
   * Writes the graph to `path` (in a worker thread: do not change the index until it resolves) and checks
   * the written file, which hnswlib does not.
   */
  async write(path: string, params: Pick<HnswParams, 'm'>): Promise<void> {
    await this.#hnsw.writeIndex(path);
    checkGraphFile(path, this.#hnsw.getNumDimensions(), params.m);
  }
}
