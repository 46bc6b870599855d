// Shared by the multi-process tests and their child process (store-child.fixture.ts).
import type { BatchSpec } from '@pv/testkit/process';

/** What the parent asks a child to do (JSON in argv[2]). */
export interface ChildTask extends BatchSpec {
  readonly role: 'writer' | 'reader';
  readonly file: string;
  readonly batches: number;
  readonly expectCount: number;
  /** The writer's `saveEvery`: small values make index files get written mid-run. */
  readonly saveEvery: number;
}

/** One pass of a reader. */
export interface ReaderObservation {
  readonly count: number;
  /** Records seen per batch key (`prefix/batch`) by iterating `records()`. */
  readonly batches: Record<string, number>;
  /** Ids of the last batch seen whose own vectors were not the nearest hit for them. */
  readonly missed: string[];
}
