import { InvalidArgumentError, type NewRecord } from '@pv/core';

// A NUL cannot be stored in PostgreSQL text; a lone surrogate would be silently replaced by U+FFFD on the wire.
const UNSTORABLE = /[\u0000\p{Cs}]/u;

/** True when PostgreSQL can hold `value` as it is (an id or label that is not, cannot be in a store). */
export function isStorableText(value: string): boolean {
  return !UNSTORABLE.test(value);
}

function checkText(value: string | undefined, field: string, index: number): void {
  if (value !== undefined && !isStorableText(value)) {
    throw new InvalidArgumentError(`Record ${index}: ${field} holds a NUL character or a lone surrogate`, { index, field });
  }
}

/**
 * Refuses what PostgreSQL cannot store faithfully (text with NUL or lone surrogates, a creation time that is
 * not a finite number), before anything is written. The shared binding checks (`checkBatch`) come first.
 */
export function checkStorable(records: readonly NewRecord[]): void {
  records.forEach((record, index) => {
    checkText(record.id, 'id', index);
    checkText(record.label, 'label', index);
    checkText(record.modelId, 'modelId', index);
    checkText(record.source?.file, 'source.file', index);
    if (record.createdAt !== undefined && !Number.isFinite(record.createdAt)) {
      throw new InvalidArgumentError(`Record ${index}: createdAt must be a finite number of milliseconds`, { index });
    }
  });
}
