import { describe, expect, it } from 'vitest';
import type { FaceAnalysis } from './analysis.js';
import { REVIEW_LIMITS, livenessRejection, parseReviewMode, reviewAnalyses, reviewFace } from './review.js';

const good: FaceAnalysis = {
  quality: { faceSize: 120, detectorScore: 0.99, sharpness: 150, brightness: 120, contrast: 50 },
  pose: { yaw: 5, pitch: -3, roll: 2 },
  eyes: { left: { openProbability: 0.97, open: true }, right: { openProbability: 0.95, open: true }, bothOpen: true },
  liveness: { score: 0.98, threshold: 0.5, live: true },
};

describe('reviewFace', () => {
  it('accepts a good face in every mode', () => {
    for (const mode of ['off', 'standard', 'strict'] as const) expect(reviewFace(good, mode)).toEqual({ mode, accepted: true, reasons: [] });
  });

  it('names each failed check with its measured value and limit', () => {
    const bad: FaceAnalysis = {
      ...good,
      quality: { faceSize: 40, detectorScore: 0.95, sharpness: 20, brightness: 30, contrast: 10 },
      pose: { yaw: -70, pitch: 0, roll: 0 },
      eyes: { left: { openProbability: 0.1, open: false }, right: { openProbability: 0.9, open: true }, bothOpen: false },
      liveness: { score: 0.2, threshold: 0.5, live: false },
    };
    const review = reviewFace(bad, 'strict');
    expect(review.accepted).toBe(false);
    expect(review.reasons.map((r) => r.code)).toEqual(['too-small', 'blurred', 'too-dark', 'low-contrast', 'profile', 'eyes-closed', 'not-live']);
    const small = review.reasons[0]!;
    expect(small).toMatchObject({ measured: 40, limit: REVIEW_LIMITS.strict.minFaceSize });
    expect(small.message).toContain('40');
    expect(review.reasons.find((r) => r.code === 'profile')).toMatchObject({ measured: 70, limit: REVIEW_LIMITS.strict.maxYaw });
    // the standard mode does not look at eyes or liveness, and tolerates more
    expect(reviewFace(bad, 'standard').reasons.map((r) => r.code)).toEqual(['too-dark', 'low-contrast', 'profile']);
  });

  it('flags washed-out faces above the brightness maximum', () => {
    const bright = { ...good, quality: { ...good.quality!, brightness: 240 } };
    expect(reviewFace(bright, 'standard').reasons).toEqual([expect.objectContaining({ code: 'washed-out', measured: 240, limit: 225 })]);
  });

  it('refuses to review without the analyses the mode needs', () => {
    expect(() => reviewFace({ quality: good.quality! }, 'standard')).toThrow(/pose/);
    expect(() => reviewFace({ quality: good.quality!, pose: good.pose! }, 'strict')).toThrow(/eyes, liveness/);
    expect(reviewFace({}, 'off').accepted).toBe(true);
  });

  it('lists the analyses per mode and parses modes', () => {
    expect(reviewAnalyses('off')).toEqual([]);
    expect(reviewAnalyses('standard')).toEqual(['quality', 'pose']);
    expect(reviewAnalyses('strict')).toEqual(['quality', 'pose', 'eyes', 'liveness']);
    expect(parseReviewMode('strict')).toBe('strict');
    expect(() => parseReviewMode('lenient')).toThrow(expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }));
  });
});

describe('livenessRejection', () => {
  it('is undefined for a live face, E_FACE_REJECTED with the measured score otherwise, E_INVALID_ARGUMENT without the analysis', () => {
    expect(livenessRejection({ liveness: { score: 0.8, threshold: 0.5, live: true } })).toBeUndefined();
    const error = livenessRejection({ liveness: { score: 0.25, threshold: 0.5, live: false } }, 'photo.jpg');
    expect(error?.code).toBe('E_FACE_REJECTED');
    expect(error?.message).toBe('photo.jpg: Liveness score 0.250 is below the minimum 0.5');
    expect(error?.details).toEqual({
      liveness: { score: 0.25, threshold: 0.5 },
      reasons: [{ code: 'not-live', message: 'Liveness score 0.250 is below the minimum 0.5', measured: 0.25, limit: 0.5 }],
    });
    expect(() => livenessRejection({ pose: { yaw: 0, pitch: 0, roll: 0 } })).toThrow(expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }));
  });
});
