// Shared by the multi-process tests and their child process (store-child.fixture.ts).
import type { NewRecord } from '@pv/core';

/** What the parent asks a child to do (JSON in argv[2]). */
export interface ChildTask {
  readonly role: 'writer' | 'reader';
  readonly file: string;
  readonly prefix: string;
  readonly batches: number;
  readonly batchSize: number;
  readonly dimension: number;
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

/** The batch key of a record id `prefix/batch/index`. */
export function batchKey(id: string): string {
  return id.split('/').slice(0, 2).join('/');
}

/** The records of batch `batch`, deterministic from the task. */
export function batchRecords(task: Pick<ChildTask, 'prefix' | 'batchSize' | 'dimension'>, batch: number): NewRecord[] {
  return Array.from({ length: task.batchSize }, (_, i) => ({
    id: `${task.prefix}/${batch}/${i}`,
    label: `person-${i % 17}`,
    modelId: 'process-test',
    vector: Float32Array.from({ length: task.dimension }, (_, j) => Math.sin(batch * 7919 + i * 104729 + j * 13) + 0.01 * j),
  }));
}
