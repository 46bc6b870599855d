// Shared by the multi-process tests and their child process (store-child.fixture.ts).
import type { BatchSpec } from '@pv/testkit/process';

/** What the parent asks a child to do (JSON in argv[2]). */
export interface ChildTask extends BatchSpec {
  readonly role: 'writer' | 'reader';
  readonly file: string;
  readonly batches: number;
  readonly expectCount: number;
}

/** One pass of a reader. */
export interface ReaderObservation {
  readonly count: number;
  readonly iterated: number;
  /** Records seen per batch key (`prefix/batch`). */
  readonly batches: Record<string, number>;
  readonly hits: number;
}
