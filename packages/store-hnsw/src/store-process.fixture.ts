// Shared by the multi-process tests and their child process (store-child.fixture.ts).
import type { NewRecord } from '@pv/core';
import { seededUniform } from './clustered-vectors.fixture.js';

/** What the parent asks a child to do (JSON in argv[2]). */
export interface ChildTask {
  readonly role: 'writer' | 'reader';
  readonly file: string;
  readonly prefix: string;
  readonly batches: number;
  readonly batchSize: number;
  readonly dimension: number;
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
    vector: randomVector(`${task.prefix}/${batch}/${i}`, task.dimension),
  }));
}

/** A pseudo-random vector in [-1, 1)^dimension, determined by `key` (FNV-1a seed, mulberry32 stream). */
function randomVector(key: string, dimension: number): Float32Array {
  let seed = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) seed = Math.imul(seed ^ key.charCodeAt(i), 0x01000193) >>> 0;
  const uniform = seededUniform(seed);
  return Float32Array.from({ length: dimension }, () => uniform() * 2 - 1);
}
