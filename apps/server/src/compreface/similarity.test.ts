import { expect, test } from 'vitest';
import { similarityCoefficients, toSimilarity } from './similarity.js';

const cosine = { closer: 'lower' } as const;
const similarityMetric = { closer: 'higher' } as const;

test('0.5 sits exactly at the threshold; closer is higher, bounded in [0, 1]', () => {
  for (const threshold of [0.3, 0.45, 1.1]) {
    const coefficients = similarityCoefficients(cosine, threshold);
    expect(toSimilarity(threshold, coefficients)).toBe(0.5);
    expect(toSimilarity(0, coefficients)).toBeGreaterThan(0.99);
    expect(toSimilarity(2 * threshold, coefficients)).toBeLessThan(0.01);
    let previous = 1;
    for (let d = 0; d <= 2; d += 0.05) {
      const s = toSimilarity(d, coefficients);
      expect(s).toBeGreaterThanOrEqual(0);
      expect(s).toBeLessThanOrEqual(previous);
      previous = s;
    }
  }
});

test('for metrics where higher is closer the mapping turns around', () => {
  const coefficients = similarityCoefficients(similarityMetric, 0.4);
  expect(toSimilarity(0.4, coefficients)).toBe(0.5);
  expect(toSimilarity(0.9, coefficients)).toBeGreaterThan(0.9);
  expect(toSimilarity(0.1, coefficients)).toBeLessThan(0.1);
});
