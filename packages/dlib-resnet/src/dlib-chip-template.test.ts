// Where the dlib-resnet alignment template comes from: dlib's face chip, recomputed here.
import type { Point } from '@pv/core';
import { getEmbedderModel, getModel } from '@pv/models';
import { describe, expect, it } from 'vitest';

/**
 * dlib's mean face (the "average positions of face points 17-67" `get_face_chip_details` aligns 68-point
 * shapes to, in [0, 1] chip coordinates), at the 68-point indices the five pipeline landmarks average.
 */
const DLIB_MEAN_FACE: Readonly<Record<number, Point>> = {
  30: { x: 0.490127, y: 0.515625 },
  37: { x: 0.187122, y: 0.178758 },
  38: { x: 0.265825, y: 0.179852 },
  40: { x: 0.260918, y: 0.245099 },
  41: { x: 0.182743, y: 0.244077 },
  43: { x: 0.714428, y: 0.179852 },
  44: { x: 0.793132, y: 0.178758 },
  46: { x: 0.79751, y: 0.245099 },
  47: { x: 0.719335, y: 0.244077 },
  48: { x: 0.254149, y: 0.780233 },
  54: { x: 0.726104, y: 0.780233 },
  60: { x: 0.290379, y: 0.784792 },
  64: { x: 0.689874, y: 0.784792 },
};

/** The landmark model's five-point groups (the catalog's `landmarks68.fivePointIndices`). */
const FIVE_POINT_GROUPS = [[37, 38, 40, 41], [43, 44, 46, 47], [30], [48, 60], [54, 64]];

/**
 * `get_face_chip_details(shape, size, padding)` puts mean-face point p at `(padding + p) / (2 padding + 1) * size`
 * (dlib's pixel centres are integers; pv's are at +0.5).
 */
function chipTemplate(size: number, padding: number): Point[] {
  return FIVE_POINT_GROUPS.map((group) => {
    const at = (axis: 'x' | 'y') =>
      group.reduce((sum, i) => sum + ((padding + (DLIB_MEAN_FACE[i] as Point)[axis]) / (2 * padding + 1)) * size, 0) / group.length + 0.5;
    return { x: at('x'), y: at('y') };
  });
}

describe('the dlib-resnet alignment', () => {
  it("is dlib's 150 px face chip with padding 0.25 (what dlib's face recognition example extracts)", () => {
    const { alignment } = getEmbedderModel('dlib-resnet');
    if (alignment.kind !== 'similarity-5pt') throw new Error(`dlib-resnet aligns by ${alignment.kind}`);
    expect(alignment).toMatchObject({ width: 150, height: 150 });
    const expected = chipTemplate(150, 0.25);
    alignment.template.forEach((point, i) => {
      expect(point.x).toBeCloseTo((expected[i] as Point).x, 3);
      expect(point.y).toBeCloseTo((expected[i] as Point).y, 3);
    });
  });

  it("was derived with the default landmark model's five-point groups", () => {
    const landmarks = getModel('landmarks68');
    expect(landmarks.task === 'landmarks' ? landmarks.fivePointIndices : undefined).toEqual(FIVE_POINT_GROUPS);
  });
});
