/// <reference types="node" />
import type { NewRecord, Store } from '@pv/core';
import { hashSeed, randomVector, seededRandom } from '../random.js';

/** Which records a batch holds: ids `<prefix>/<batch>/<index>`, `batchSize` per batch. */
export interface BatchSpec {
  /** Tells apart the records of different writers (processes or rounds). */
  readonly prefix: string;
  readonly batchSize: number;
  readonly dimension: number;
}

/** The model id of every record {@link batchRecords} makes. */
export const BATCH_MODEL_ID = 'process-test';

/**
 * The records of batch `batch`, the same in every process: id `<prefix>/<batch>/<index>`, label
 * `person-<index mod 17>`, model {@link BATCH_MODEL_ID}, and a vector in [-1, 1)^dimension drawn from a
 * seed hashed from the id (so distinct records have distinct vectors and a parent can regenerate any of
 * them).
 */
export function batchRecords(spec: BatchSpec, batch: number): NewRecord[] {
  return Array.from({ length: spec.batchSize }, (_, index) => {
    const id = `${spec.prefix}/${batch}/${index}`;
    return { id, label: `person-${index % 17}`, modelId: BATCH_MODEL_ID, vector: randomVector(seededRandom(hashSeed(id)), spec.dimension) };
  });
}

/** The batch a record id of {@link batchRecords} belongs to: `<prefix>/<batch>`. */
export function batchKeyOf(id: string): string {
  return id.split('/').slice(0, 2).join('/');
}

/**
 * Adds `batches` batches of {@link batchRecords} to `store`, one `add` each, and prints `committed <batch>`
 * (through `print`, stdout by default) after each `add` resolves: the line a parent reads with
 * {@link committedBatches} to know what it may expect to find after killing this process.
 */
export async function writeBatches(
  store: Pick<Store, 'add'>,
  spec: BatchSpec & { readonly batches: number },
  print: (line: string) => void = (line) => process.stdout.write(line),
): Promise<void> {
  for (let batch = 0; batch < spec.batches; batch++) {
    await store.add(batchRecords(spec, batch));
    print(`committed ${batch}\n`);
  }
}

/** The batch numbers a {@link writeBatches} child reported committed, in the order printed. */
export function committedBatches(lines: readonly string[]): number[] {
  return lines.filter((line) => line.startsWith('committed ')).map((line) => Number(line.slice('committed '.length)));
}
