import { describe, expect, it } from 'vitest';
import { isPvError, type PvErrorCode } from './errors.js';
import { checkBatch, checkQuery, copyRecord, materialise, newRecordId } from './store-binding.js';
import type { NewRecord } from './store.js';

const unbound = { modelId: null, dimension: null };
const rec = (extra: Partial<NewRecord> = {}): NewRecord => ({ label: 'alice', vector: Float32Array.of(1, 0, 0), modelId: 'm', ...extra });

function codeOf(action: () => unknown): PvErrorCode | 'none' | 'other' {
  try {
    action();
    return 'none';
  } catch (error) {
    return isPvError(error) ? error.code : 'other';
  }
}

describe('checkBatch', () => {
  it('binds an unbound store to the first record and accepts an empty batch unchanged', () => {
    expect(checkBatch(unbound, [rec(), rec()])).toEqual({ modelId: 'm', dimension: 3 });
    expect(checkBatch(unbound, [])).toEqual(unbound);
    expect(checkBatch({ modelId: 'm', dimension: 3 }, [rec()])).toEqual({ modelId: 'm', dimension: 3 });
  });

  it('refuses another model or dimension, against the binding or earlier records of the batch', () => {
    expect(codeOf(() => checkBatch({ modelId: 'x', dimension: 3 }, [rec()]))).toBe('E_MODEL_MISMATCH');
    expect(codeOf(() => checkBatch({ modelId: 'm', dimension: 4 }, [rec()]))).toBe('E_DIM_MISMATCH');
    expect(codeOf(() => checkBatch(unbound, [rec(), rec({ modelId: 'x' })]))).toBe('E_MODEL_MISMATCH');
    expect(codeOf(() => checkBatch(unbound, [rec(), rec({ vector: new Float32Array(2) })]))).toBe('E_DIM_MISMATCH');
  });

  it('names the offending record', () => {
    try {
      checkBatch(unbound, [rec(), rec(), rec({ modelId: 'x' })]);
      expect.unreachable();
    } catch (error) {
      expect(isPvError(error) && error.details).toMatchObject({ index: 2, expected: 'm', actual: 'x' });
    }
  });

  it('refuses malformed records with E_INVALID_ARGUMENT', () => {
    const bad: Partial<NewRecord>[] = [
      { label: '' },
      { modelId: '' },
      { id: '' },
      { vector: new Float32Array(0) },
      { vector: [1, 2, 3] as unknown as Float32Array },
      { vector: Float32Array.of(1, Number.NaN, 0) },
      { vector: Float32Array.of(Number.POSITIVE_INFINITY, 0, 0) },
    ];
    for (const extra of bad) expect(codeOf(() => checkBatch(unbound, [rec(extra)])), JSON.stringify(extra)).toBe('E_INVALID_ARGUMENT');
  });

  it('does not change the binding it is given', () => {
    const binding = { modelId: null, dimension: null };
    checkBatch(binding, [rec()]);
    expect(binding).toEqual(unbound);
  });
});

describe('checkQuery', () => {
  it('accepts any query while unbound and only the bound dimension after', () => {
    expect(codeOf(() => checkQuery(unbound, new Float32Array(7)))).toBe('none');
    expect(codeOf(() => checkQuery({ modelId: 'm', dimension: 3 }, new Float32Array(3)))).toBe('none');
    expect(codeOf(() => checkQuery({ modelId: 'm', dimension: 3 }, new Float32Array(4)))).toBe('E_DIM_MISMATCH');
  });
});

describe('materialise', () => {
  it('fills in ids and creation times, keeps given ones, and copies vectors and sources', () => {
    const vector = Float32Array.of(1, 2, 3);
    const box = { x: 1, y: 2, width: 3, height: 4 };
    const [a, b] = materialise([rec({ vector, source: { file: 'a.jpg', box } }), rec({ id: 'given', createdAt: 5 })], () => false, 1000);
    expect(a?.id).toMatch(/\S/);
    expect(a?.createdAt).toBe(1000);
    expect(b).toMatchObject({ id: 'given', createdAt: 5 });
    expect(b && 'source' in b).toBe(false);
    vector[0] = 99;
    box.x = 99;
    expect(Array.from(a?.vector ?? [])).toEqual([1, 2, 3]);
    expect(a?.source).toEqual({ file: 'a.jpg', box: { x: 1, y: 2, width: 3, height: 4 } });
  });

  it('refuses duplicate ids within the batch or already stored', () => {
    expect(codeOf(() => materialise([rec({ id: 'a' }), rec({ id: 'a' })], () => false))).toBe('E_INVALID_ARGUMENT');
    expect(codeOf(() => materialise([rec({ id: 'b' })], (id) => id === 'b'))).toBe('E_INVALID_ARGUMENT');
  });

  it('gives distinct generated ids', () => {
    const ids = materialise(Array.from({ length: 200 }, () => rec()), () => false).map((r) => r.id);
    expect(new Set(ids).size).toBe(200);
    expect(newRecordId()).not.toBe(newRecordId());
  });
});

describe('copyRecord', () => {
  it('copies the vector and the source box', () => {
    const [original] = materialise([rec({ source: { box: { x: 0, y: 0, width: 1, height: 1 } } })], () => false);
    if (!original) throw new Error('no record');
    const copy = copyRecord(original);
    expect(copy).toEqual(original);
    expect(copy.vector).not.toBe(original.vector);
    expect(copy.source?.box).not.toBe(original.source?.box);
  });
});
