// Shared by index-integrity.test.ts and its child process (index-fuzz-child.fixture.ts): the store the
// fuzzer damages, and what a child reports per mutation.
import type { NewRecord, SearchHit } from '@pv/core';
import { randomVector, seededRandom } from '@pv/testkit';

export const FUZZ_DIMENSION = 8;
export const FUZZ_RECORDS = 150;
export const FUZZ_K = 5;

/** The gallery: `FUZZ_RECORDS` random vectors, 15 people. */
export function fuzzRecords(): NewRecord[] {
  const random = seededRandom(20261206);
  return Array.from({ length: FUZZ_RECORDS }, (_, i) => ({ id: `f${i}`, label: `p${i % 15}`, modelId: 'fuzz', vector: randomVector(random, FUZZ_DIMENSION) }));
}

/** The queries every mutated store answers. */
export function fuzzQueries(): Float32Array[] {
  const random = seededRandom(7);
  return Array.from({ length: 6 }, () => randomVector(random, FUZZ_DIMENSION));
}

/** An answer reduced to what must match exact search: ids in order and their distances. */
export function answerOf(hits: readonly SearchHit[]): [string, number][] {
  return hits.map((h) => [h.record.id, h.distance]);
}

/** What the child is asked to do (JSON in argv[2]). */
export interface FuzzTask {
  /** The pristine store: `<dir>/store.db` and its index file. */
  readonly pristine: string;
  readonly work: string;
  readonly from: number;
  readonly to: number;
  readonly seed: number;
  /** The exact answers, per query. */
  readonly expected: [string, number][][];
}

/**
 * One mutation's outcome: `used` (the file passed verification: the mutation changed nothing), `rebuilt`
 * (set aside with a warning), `refused` (`E_STORE_CORRUPT`). `forged`: the file's new digest was also
 * written into the database, so only the structure checks stood between it and hnswlib.
 */
export interface FuzzOutcome {
  readonly i: number;
  readonly kind: string;
  readonly forged: boolean;
  readonly outcome: 'used' | 'rebuilt' | 'refused';
  /** Whether every answer equalled exact search (always expected unless forged). */
  readonly equal: boolean;
}
