import { describe, expect, it } from 'vitest';
import { createRgbImage, type AlignmentSpec, type FaceDetection, type FiveLandmarks, type Point } from '@pv/core';
import { applyAffine, type AffineMatrix } from './affine.js';
import { alignFace, boxCropRegion } from './align.js';
import { coordinateImage, pixelAt } from './test-images.fixture.js';

const template: FiveLandmarks = [
  { x: 38.2946, y: 51.6963 },
  { x: 73.5318, y: 51.5014 },
  { x: 56.0252, y: 71.7366 },
  { x: 41.5493, y: 92.3655 },
  { x: 70.7299, y: 92.2041 },
];
type BoxCropSpec = Extract<AlignmentSpec, { kind: 'box-crop' }>;
const arcface: AlignmentSpec = { kind: 'similarity-5pt', width: 112, height: 112, template };
const colours: [number, number, number][] = [
  [255, 0, 0],
  [0, 255, 0],
  [0, 0, 255],
  [255, 255, 0],
  [0, 255, 255],
];

/** Centroid of the pixels of `image` close to `rgb`. */
function centroid(image: ReturnType<typeof createRgbImage>, rgb: readonly number[]): Point {
  let sx = 0;
  let sy = 0;
  let n = 0;
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const p = pixelAt(image, x, y);
      if (p.every((v, c) => Math.abs(v - (rgb[c] as number)) < 60)) {
        sx += x + 0.5;
        sy += y + 0.5;
        n++;
      }
    }
  }
  return { x: sx / n, y: sy / n };
}

describe('alignFace (similarity-5pt)', () => {
  it('puts the five landmarks of a rotated, scaled face onto the template', () => {
    // Draw five coloured discs where the template lands under a known similarity (scale 2, 25°).
    const angle = (25 * Math.PI) / 180;
    const truth: AffineMatrix = [2 * Math.cos(angle), -2 * Math.sin(angle), 140, 2 * Math.sin(angle), 2 * Math.cos(angle), 30];
    const landmarks = template.map((p) => applyAffine(truth, p)) as unknown as FiveLandmarks;
    const photo = createRgbImage(400, 360);
    landmarks.forEach((p, k) => {
      for (let y = Math.floor(p.y - 6); y <= p.y + 6; y++) {
        for (let x = Math.floor(p.x - 6); x <= p.x + 6; x++) {
          if ((x + 0.5 - p.x) ** 2 + (y + 0.5 - p.y) ** 2 <= 25) photo.data.set(colours[k]!, (y * 400 + x) * 3);
        }
      }
    });
    const detection: FaceDetection = { box: { x: 0, y: 0, width: 400, height: 360 }, score: 1, landmarks };
    const face = alignFace(photo, detection, arcface);
    expect(face.width).toBe(112);
    expect(face.height).toBe(112);
    template.forEach((p, k) => {
      const found = centroid(face, colours[k]!);
      expect(Math.hypot(found.x - p.x, found.y - p.y)).toBeLessThan(0.35);
    });
  });

  it('fills what lies outside the photo with black', () => {
    const photo = createRgbImage(60, 60, new Uint8Array(60 * 60 * 3).fill(200));
    // Landmarks near the top-left corner: most of the crop falls outside the photo.
    const landmarks = template.map((p) => ({ x: p.x - 50, y: p.y - 60 })) as unknown as FiveLandmarks;
    const face = alignFace(photo, { box: { x: 0, y: 0, width: 10, height: 10 }, score: 1, landmarks }, arcface);
    expect(pixelAt(face, 100, 100)).toEqual([200, 200, 200]);
    expect(pixelAt(face, 5, 5)).toEqual([0, 0, 0]);
  });
});

describe('alignFace (box-crop)', () => {
  const photo = coordinateImage(200, 150);
  const spec = (margin: number, square: boolean, size = 160): BoxCropSpec => ({
    kind: 'box-crop',
    width: size,
    height: size,
    margin,
    square,
  });
  const detection = (x: number, y: number, width: number, height: number): FaceDetection => ({
    box: { x, y, width, height },
    score: 1,
    landmarks: template,
  });

  it('with margin 0 and the output size equal to the box, is the exact sub-image', () => {
    const face = alignFace(photo, detection(30, 20, 100, 100), spec(0, false, 100));
    expect(pixelAt(face, 0, 0)).toEqual(pixelAt(photo, 30, 20));
    expect(pixelAt(face, 99, 99)).toEqual(pixelAt(photo, 129, 119));
  });

  it('grows the box by margin output pixels in all, half on each side', () => {
    // Box 100 px, output 120, margin 20: 20·100/(120 − 20) = 20 source pixels, 10 on each side.
    expect(boxCropRegion({ x: 30, y: 20, width: 100, height: 100 }, spec(20, false, 120), 200, 150)).toEqual({
      x: 20,
      y: 10,
      width: 120,
      height: 120,
    });
    const face = alignFace(photo, detection(30, 20, 100, 100), spec(20, false, 120));
    expect(pixelAt(face, 0, 0)).toEqual(pixelAt(photo, 20, 10));
  });

  it('squares around the centre first and clips to the photo', () => {
    const region = boxCropRegion({ x: 150, y: 50, width: 40, height: 100 }, spec(0, true), 200, 150);
    // Square of side 100 centred at x = 170 → [120, 220) clipped to 200; y [50, 150).
    expect(region).toEqual({ x: 120, y: 50, width: 80, height: 100 });
  });

  it('shrinks with area averaging', () => {
    const face = alignFace(photo, detection(0, 0, 200, 150), spec(0, false, 50));
    // 4x horizontally: output column 0 averages source columns 0..3 (red channel holds x).
    expect(pixelAt(face, 0, 0)[0]).toBe(2);
  });
});
