import { describe, expect, it } from 'vitest';
import { isCloser, withinThreshold } from './metric.js';

describe('isCloser and withinThreshold', () => {
  it('read lower-is-closer metrics', () => {
    const distance = { closer: 'lower' } as const;
    expect(isCloser(distance, 0.1, 0.2)).toBe(true);
    expect(isCloser(distance, 0.2, 0.2)).toBe(false);
    expect(withinThreshold(distance, 0.3, 0.3)).toBe(true);
    expect(withinThreshold(distance, 0.31, 0.3)).toBe(false);
  });

  it('read higher-is-closer similarities', () => {
    const similarity = { closer: 'higher' } as const;
    expect(isCloser(similarity, 0.9, 0.2)).toBe(true);
    expect(isCloser(similarity, 0.2, 0.2)).toBe(false);
    expect(withinThreshold(similarity, 0.5, 0.5)).toBe(true);
    expect(withinThreshold(similarity, 0.49, 0.5)).toBe(false);
  });
});
