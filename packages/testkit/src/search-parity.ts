import type { Metric, NewRecord, SearchHit, Store } from '@pv/core';
import { expect } from 'vitest';

/** Labels {@link expectSameSearches} gives records: a `label` of 0, 1 or 2 picks one. */
export const PARITY_LABELS: readonly string[] = ['a', 'b', 'c'];

/**
 * One step of a {@link expectSameSearches} scenario (plain data, so a property-test library can draw it).
 * `copyOf` (any natural number, taken modulo the vectors added so far) reuses an earlier vector: exact
 * duplicates; `pick` likewise names a record to delete; `label` indexes {@link PARITY_LABELS}.
 */
export type StoreOp =
  | { readonly kind: 'add'; readonly rows: readonly { readonly label: number; readonly vector: readonly number[]; readonly copyOf: number | null }[] }
  | { readonly kind: 'delete'; readonly pick: number }
  | { readonly kind: 'deleteLabel'; readonly label: number }
  | { readonly kind: 'search'; readonly query: readonly number[]; readonly copyOf: number | null; readonly k: number; readonly label: number | null };

/** Hits as comparable values: id, label and the exact distance, in order. */
function view(hits: readonly SearchHit[]): [string, string, number][] {
  return hits.map((h) => [h.record.id, h.record.label, h.distance]);
}

/**
 * Applies `ops` to two stores of the same model (`modelId`) and expects every search to give identical
 * hits — same records, same distances (exactly), same order — and every deletion the same count: for
 * checking that a faster search path (an accelerator, a cache) answers exactly as a reference store.
 * Ids are chosen here (`r0`, `r1`, …) so both stores hold the same records. Returns how many searches ran.
 *
 * @example
 * ```ts
 * await expectSameSearches(new MemoryStore({ accelerator }), new MemoryStore(), 'm', cosine, ops);
 * ```
 */
export async function expectSameSearches(subject: Store, reference: Store, modelId: string, metric: Metric, ops: readonly StoreOp[]): Promise<number> {
  const vectors: Float32Array[] = [];
  let searches = 0;
  for (const op of ops) {
    if (op.kind === 'add') {
      const records: NewRecord[] = op.rows.map((row) => {
        const vector = row.copyOf !== null && vectors.length > 0 ? (vectors[row.copyOf % vectors.length] as Float32Array) : Float32Array.from(row.vector);
        vectors.push(vector);
        return { id: `r${vectors.length - 1}`, label: PARITY_LABELS[row.label % PARITY_LABELS.length] as string, vector, modelId };
      });
      await subject.add(records);
      await reference.add(records);
    } else if (op.kind === 'delete') {
      if (vectors.length === 0) continue;
      const id = `r${op.pick % vectors.length}`;
      expect(await subject.delete(id), `delete ${id}`).toBe(await reference.delete(id));
    } else if (op.kind === 'deleteLabel') {
      const label = PARITY_LABELS[op.label % PARITY_LABELS.length] as string;
      expect(await subject.deleteLabel(label), `deleteLabel ${label}`).toBe(await reference.deleteLabel(label));
    } else {
      const query = op.copyOf !== null && vectors.length > 0 ? (vectors[op.copyOf % vectors.length] as Float32Array) : Float32Array.from(op.query);
      const options = { k: op.k, metric, ...(op.label !== null ? { label: PARITY_LABELS[op.label % PARITY_LABELS.length] as string } : {}) };
      expect(view(await subject.search(query, options)), `search #${searches}`).toEqual(view(await reference.search(query, options)));
      searches++;
    }
  }
  return searches;
}
