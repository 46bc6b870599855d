import { describe, expect, it } from 'vitest';
import { hasIterativeScan } from './schema.js';

describe('hasIterativeScan', () => {
  it('is true from pgvector 0.8.0 on', () => {
    expect(['0.5.1', '0.7.4', '0.4.0'].map(hasIterativeScan)).toEqual([false, false, false]);
    expect(['0.8.0', '0.8.7', '0.10.0', '1.0.0'].map(hasIterativeScan)).toEqual([true, true, true, true]);
  });
});
