import { AbortedError, InvalidArgumentError } from './errors.js';
import type { EmbeddingRecord, Store } from './store.js';

/** How far {@link copyStore} has got. */
export interface CopyStoreProgress {
  /** Records added to the target so far. */
  readonly copied: number;
  /** Records the source held when the copy started. */
  readonly total: number;
}

/** Options of {@link copyStore}. */
export interface CopyStoreOptions {
  /** Records per `to.add` call (each one all-or-nothing). Default 1000. */
  readonly batchSize?: number;
  /** Called after every batch is added. */
  readonly onProgress?: (progress: CopyStoreProgress) => void;
  /** Checked between batches: when set, the copy stops with `E_ABORTED`; the batches already added stay. */
  readonly signal?: { readonly aborted: boolean };
}

/**
 * Copies every record of `from` into `to` (for example from a file store into an SQLite or HNSW store),
 * streaming `from.records()` in insertion order and adding `batchSize` records at a time. Ids, labels,
 * vectors, model ids, creation times and sources are kept, so the target's binding and insertion order
 * match the source's. Returns how many records were copied.
 *
 * A target that already holds one of the ids, or is bound to another model or dimension, refuses the
 * batch (`E_INVALID_ARGUMENT`, `E_MODEL_MISMATCH`, `E_DIM_MISMATCH`); an interrupted copy leaves whole
 * batches in the target. Neither store is closed.
 *
 * @example
 * ```ts
 * const from = await FileStore.open('gallery.pvstore');
 * const to = await HnswStore.open('gallery.db', { space: 'cosine' });
 * await copyStore(from, to, { onProgress: ({ copied, total }) => console.log(`${copied}/${total}`) });
 * ```
 */
export async function copyStore(from: Store, to: Store, options: CopyStoreOptions = {}): Promise<number> {
  const batchSize = options.batchSize ?? 1000;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new InvalidArgumentError(`batchSize must be a positive integer, not ${batchSize}`, { batchSize });
  }
  const total = await from.count();
  let copied = 0;
  let batch: EmbeddingRecord[] = [];
  const flush = async (): Promise<void> => {
    if (options.signal?.aborted) throw new AbortedError(`The copy was aborted after ${copied} of ${total} records`);
    await to.add(batch);
    copied += batch.length;
    batch = [];
    options.onProgress?.({ copied, total });
  };
  for await (const record of from.records()) {
    batch.push(record);
    if (batch.length === batchSize) await flush();
  }
  if (batch.length > 0) await flush();
  return copied;
}
