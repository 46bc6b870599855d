import { describe, expect, it } from 'vitest';
import { isPvError } from '@pv/core';
import { reduce68To5 } from './landmarks.js';

describe('reduce68To5', () => {
  // Point i sits at (i, 1000 + i): every output is then the mean of its source indices.
  const xy = Float32Array.from({ length: 136 }, (_, k) => (k % 2 === 0 ? k / 2 : 1000 + (k - 1) / 2));

  it('averages the eye lids, takes the nose tip and averages outer and inner mouth corners', () => {
    const [leftEye, rightEye, nose, leftMouth, rightMouth] = reduce68To5(xy);
    expect(leftEye).toEqual({ x: (37 + 38 + 40 + 41) / 4, y: 1000 + (37 + 38 + 40 + 41) / 4 });
    expect(rightEye).toEqual({ x: (43 + 44 + 46 + 47) / 4, y: 1000 + (43 + 44 + 46 + 47) / 4 });
    expect(nose).toEqual({ x: 30, y: 1030 });
    expect(leftMouth).toEqual({ x: 54, y: 1054 });
    expect(rightMouth).toEqual({ x: 59, y: 1059 });
  });

  it('maps the points through the given transform', () => {
    const [, , nose] = reduce68To5(xy, { transform: [2, 0, 10, 0, 3, -5] });
    expect(nose).toEqual({ x: 70, y: 3085 });
  });

  it('uses the given index groups', () => {
    const [first, , , , last] = reduce68To5(xy, { groups: [[0], [1], [2], [3], [66, 67]] });
    expect(first).toEqual({ x: 0, y: 1000 });
    expect(last).toEqual({ x: 66.5, y: 1066.5 });
  });

  it('refuses anything but 136 values and five valid groups', () => {
    for (const call of [
      () => reduce68To5(new Float32Array(10)),
      () => reduce68To5(xy, { groups: [[0], [1], [2], [3]] }),
      () => reduce68To5(xy, { groups: [[0], [1], [2], [3], [68]] }),
      () => reduce68To5(xy, { groups: [[0], [1], [], [3], [4]] }),
    ]) {
      let caught: unknown;
      try {
        call();
      } catch (error) {
        caught = error;
      }
      expect(isPvError(caught, 'E_INVALID_ARGUMENT')).toBe(true);
    }
  });
});
