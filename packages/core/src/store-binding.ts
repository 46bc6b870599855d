import { DimensionMismatchError, InvalidArgumentError, ModelMismatchError } from './errors.js';
import { checkLabel } from './labels.js';
import type { NewRecord, EmbeddingRecord } from './store.js';

/** The model id and dimension a store is bound to (both `null` until the first record or an explicit option). */
export interface Binding {
  modelId: string | null;
  dimension: number | null;
}

/**
 * Validates a batch against a store's binding and returns the binding the store has after accepting it.
 * Throws (and changes nothing) on the first bad record. Shared by every Store implementation in pv.
 */
export function checkBatch(binding: Readonly<Binding>, records: readonly NewRecord[]): Binding {
  let { modelId, dimension } = binding;
  records.forEach((record, index) => {
    if (typeof record.label !== 'string' || record.label.length === 0) {
      throw new InvalidArgumentError(`Record ${index} has an empty label`, { index });
    }
    // The one label rule (see checkLabel): stores refuse what the library would refuse.
    checkLabel(record.label);
    if (!(record.vector instanceof Float32Array) || record.vector.length === 0) {
      throw new InvalidArgumentError(`Record ${index}: vector must be a non-empty Float32Array`, { index });
    }
    if (record.id !== undefined && (typeof record.id !== 'string' || record.id.length === 0)) {
      throw new InvalidArgumentError(`Record ${index} has an empty id`, { index });
    }
    if (typeof record.modelId !== 'string' || record.modelId.length === 0) {
      throw new InvalidArgumentError(`Record ${index} has an empty modelId`, { index });
    }
    for (let i = 0; i < record.vector.length; i++) {
      if (!Number.isFinite(record.vector[i])) {
        throw new InvalidArgumentError(`Record ${index}: vector holds a non-finite value at ${i}`, { index });
      }
    }
    if (modelId === null) modelId = record.modelId;
    else if (record.modelId !== modelId) throw new ModelMismatchError(modelId, record.modelId, { index });
    if (dimension === null) dimension = record.vector.length;
    else if (record.vector.length !== dimension) throw new DimensionMismatchError(dimension, record.vector.length, { index });
  });
  return { modelId, dimension };
}

/** Throws `E_DIM_MISMATCH` when a query does not fit the binding. */
export function checkQuery(binding: Readonly<Binding>, query: Float32Array): void {
  if (binding.dimension !== null && query.length !== binding.dimension) {
    throw new DimensionMismatchError(binding.dimension, query.length, { what: 'query' });
  }
}

/** A new random record id (UUID v4 where `crypto.randomUUID` exists). */
export function newRecordId(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (c?.randomUUID) return c.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
}

/**
 * Fills in ids and creation times, stores labels in their canonical form (`checkLabel`: NFC, trimmed) and
 * copies vectors, refusing duplicate ids within the batch or against `exists`.
 */
export function materialise(
  records: readonly NewRecord[],
  exists: (id: string) => boolean,
  now: number = Date.now(),
): EmbeddingRecord[] {
  const seen = new Set<string>();
  return records.map((r, index) => {
    const id = r.id ?? newRecordId();
    if (seen.has(id) || exists(id)) throw new InvalidArgumentError(`Duplicate record id "${id}"`, { id, index });
    seen.add(id);
    const record: EmbeddingRecord = {
      id,
      label: checkLabel(r.label),
      vector: Float32Array.from(r.vector),
      modelId: r.modelId,
      createdAt: r.createdAt ?? now,
      ...(r.source ? { source: copySource(r.source) } : {}),
    };
    return record;
  });
}

function copySource(source: NonNullable<NewRecord['source']>): NonNullable<NewRecord['source']> {
  return {
    ...(source.file !== undefined ? { file: source.file } : {}),
    ...(source.box !== undefined ? { box: { ...source.box } } : {}),
  };
}

/** A defensive copy of a record (the vector is copied). */
export function copyRecord(record: EmbeddingRecord): EmbeddingRecord {
  return { ...record, vector: Float32Array.from(record.vector), ...(record.source ? { source: copySource(record.source) } : {}) };
}
