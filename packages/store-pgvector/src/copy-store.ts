import { InvalidArgumentError, type EmbeddingRecord, type Store } from '@pv/core';

/** Options of {@link copyStore}. */
export interface CopyStoreOptions {
  /** Records per `target.add` call (each one all-or-nothing), default 1000. */
  readonly batchSize?: number;
  /** Skip records whose id the target already holds (to resume an interrupted copy). Costs one `get` per record. */
  readonly skipExisting?: boolean;
  /** Called after each batch with the number of records copied so far. */
  readonly onProgress?: (copied: number) => void;
}

/**
 * Copies every record of `source` into `target` in insertion order, keeping ids, labels, vectors, model ids,
 * creation times and sources: the migration path between any two pv stores (e.g. a file or SQLite store
 * into PostgreSQL, or one table into another with different index parameters). Returns how many records
 * were copied. Each batch is one `add`: an interrupted copy leaves whole batches behind, and rerunning with
 * `skipExisting` finishes it. The target's binding rules apply (`E_MODEL_MISMATCH`, `E_DIM_MISMATCH`).
 */
export async function copyStore(source: Store, target: Store, options: CopyStoreOptions = {}): Promise<number> {
  const batchSize = options.batchSize ?? 1000;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new InvalidArgumentError(`batchSize must be a positive integer, got ${batchSize}`, { batchSize });
  }
  let copied = 0;
  let batch: EmbeddingRecord[] = [];
  const flush = async (): Promise<void> => {
    const pending = options.skipExisting === true ? await withoutExisting(target, batch) : batch;
    batch = [];
    if (pending.length > 0) await target.add(pending);
    copied += pending.length;
    options.onProgress?.(copied);
  };
  for await (const record of source.records()) {
    batch.push(record);
    if (batch.length >= batchSize) await flush();
  }
  if (batch.length > 0) await flush();
  return copied;
}

async function withoutExisting(target: Store, records: readonly EmbeddingRecord[]): Promise<EmbeddingRecord[]> {
  const present = await Promise.all(records.map(async (r) => (await target.get(r.id)) !== undefined));
  return records.filter((_, i) => !present[i]);
}
