import { describe, expect, it } from 'vitest';
import { isPvError } from './errors.js';
import { checkDistanceArguments, checkDistancesArguments } from './metric-arguments.js';

/** The code and details of the PvError `action` throws; `undefined` when it does not throw. */
function failureOf(action: () => unknown): { code: string; details: unknown } | undefined {
  try {
    action();
  } catch (error) {
    if (!isPvError(error)) throw error;
    return { code: error.code, details: error.details };
  }
  return undefined;
}

describe('checkDistanceArguments', () => {
  it('accepts vectors of one length, empty ones included', () => {
    expect(failureOf(() => checkDistanceArguments(new Float32Array(3), new Float32Array(3)))).toBeUndefined();
    expect(failureOf(() => checkDistanceArguments(new Float32Array(0), new Float32Array(0)))).toBeUndefined();
  });

  it('refuses different lengths with E_DIM_MISMATCH naming both', () => {
    expect(failureOf(() => checkDistanceArguments(new Float32Array(3), new Float32Array(4)))).toEqual({
      code: 'E_DIM_MISMATCH',
      details: { expected: 3, actual: 4 },
    });
  });
});

describe('checkDistancesArguments', () => {
  it('returns the number of whole rows', () => {
    expect(checkDistancesArguments(new Float32Array(3), new Float32Array(12), new Float32Array(4))).toBe(4);
    expect(checkDistancesArguments(new Float32Array(3), new Float32Array(12), new Float32Array(9))).toBe(4);
    expect(checkDistancesArguments(new Float32Array(3), new Float32Array(0), new Float32Array(0))).toBe(0);
    expect(checkDistancesArguments(new Float32Array(0), new Float32Array(0), new Float32Array(0))).toBe(0);
  });

  it('refuses partial rows, a short output buffer and an empty query with rows, with E_INVALID_ARGUMENT', () => {
    expect(failureOf(() => checkDistancesArguments(new Float32Array(3), new Float32Array(7), new Float32Array(3)))).toEqual({
      code: 'E_INVALID_ARGUMENT',
      details: { dimension: 3, length: 7 },
    });
    expect(failureOf(() => checkDistancesArguments(new Float32Array(3), new Float32Array(9), new Float32Array(2)))).toEqual({
      code: 'E_INVALID_ARGUMENT',
      details: { needed: 3, length: 2 },
    });
    expect(failureOf(() => checkDistancesArguments(new Float32Array(0), new Float32Array(3), new Float32Array(3)))).toEqual({
      code: 'E_INVALID_ARGUMENT',
      details: { vectors: 3 },
    });
  });
});
