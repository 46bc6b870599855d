import { faceRecordId } from './gallery.js';
import { checkLabel } from './labels.js';
import type { EmbeddingRecord, NewRecord, Store } from './store.js';
import { unknownLabelError } from './unknown-label.js';

/** What {@link renameLabel} did. */
export interface RenameLabelResult {
  /** The old label. */
  readonly from: string;
  /** The new label, canonical (see `checkLabel`). */
  readonly to: string;
  /** Records that carried the old label. */
  readonly moved: number;
  /** Records the new label held before (0 for a plain rename; more when two people were merged). */
  readonly mergedInto: number;
  /** Records added under the new label (fewer than `moved` when the new label already held the same face of the same file). */
  readonly added: number;
}

/**
 * Renames a person: every record of `from` is re-added under `to` (checked and made canonical by
 * `checkLabel`), keeping vector, model, creation time and source, then the old records are deleted. When
 * `to` is already enrolled the two people are merged. A record with a source file gets the id that
 * enrolling that file under `to` would give ({@link faceRecordId}), so re-enrolling after a rename stays
 * idempotent, and a face `to` already holds is not added twice.
 *
 * The new records are added in one all-or-nothing `add`, before anything is deleted: if that fails the
 * store is unchanged. Deletion follows, one record at a time; should it fail part-way, every face is
 * under `to` and the rest still also under `from` (run it again to finish). `E_NOT_FOUND` when nothing is
 * enrolled under `from`.
 *
 * @example
 * ```ts
 * const { moved, mergedInto } = await renameLabel(store, 'bob', 'Robert');
 * ```
 */
export async function renameLabel(store: Store, from: string, to: string): Promise<RenameLabelResult> {
  const target = checkLabel(to);
  const old: EmbeddingRecord[] = [];
  const targetIds = new Set<string>();
  let mergedInto = 0;
  for await (const record of store.records()) {
    if (record.label === from) old.push(record);
    else if (record.label === target) {
      mergedInto++;
      targetIds.add(record.id);
    }
  }
  if (old.length === 0) throw await unknownLabelError(store, from);
  if (target === from) return { from, to: target, moved: 0, mergedInto, added: 0 };
  const fresh: NewRecord[] = [];
  for (const record of old) {
    const id = record.source?.file !== undefined ? faceRecordId({ modelId: record.modelId, label: target, file: record.source.file, ...(record.source.box ? { box: record.source.box } : {}) }) : undefined;
    if (id !== undefined && targetIds.has(id)) continue;
    if (id !== undefined) targetIds.add(id);
    fresh.push({
      label: target,
      vector: record.vector,
      modelId: record.modelId,
      createdAt: record.createdAt,
      ...(id !== undefined ? { id } : {}),
      ...(record.source !== undefined ? { source: record.source } : {}),
    });
  }
  const added = fresh.length > 0 ? (await store.add(fresh)).length : 0;
  for (const record of old) await store.delete(record.id);
  return { from, to: target, moved: old.length, mergedInto, added };
}
