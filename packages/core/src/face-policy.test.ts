import { describe, expect, it } from 'vitest';
import { checkFaceFilter, faceFilterVerdict } from './face-policy.js';
import type { FaceDetection } from './image.js';

const face = (width: number, height: number, score: number): FaceDetection => ({ box: { x: 0, y: 0, width, height }, score }) as FaceDetection;

describe('faceFilterVerdict', () => {
  it('drops a face whose shorter side is under the minimum size, then one scoring under the minimum score', () => {
    const filter = { minFaceSize: 40, minScore: 0.8 };
    expect(faceFilterVerdict(face(39, 100, 0.99), filter)).toBe('too-small');
    expect(faceFilterVerdict(face(100, 39.5, 0.1), filter)).toBe('too-small');
    expect(faceFilterVerdict(face(40, 40, 0.79), filter)).toBe('low-score');
    expect(faceFilterVerdict(face(40, 40, 0.8), filter)).toBeUndefined();
  });

  it('keeps every face without limits', () => {
    expect(faceFilterVerdict(face(1, 1, 0), {})).toBeUndefined();
  });
});

describe('checkFaceFilter', () => {
  it('refuses a negative size and a score outside 0..1', () => {
    expect(() => checkFaceFilter({ minFaceSize: -1 })).toThrow(expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }));
    expect(() => checkFaceFilter({ minFaceSize: Number.NaN })).toThrow(expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }));
    expect(() => checkFaceFilter({ minScore: 1.5 })).toThrow(expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }));
    expect(checkFaceFilter({ minFaceSize: 0, minScore: 1 })).toEqual({ minFaceSize: 0, minScore: 1 });
  });
});
