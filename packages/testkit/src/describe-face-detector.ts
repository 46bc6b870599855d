import type { FaceDetection, FaceDetector, RgbImage } from '@pv/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** Makes the detector under test; called once per suite and closed after it. */
export type FaceDetectorFactory = () => FaceDetector | Promise<FaceDetector>;

/** The images {@link describeFaceDetector} runs the detector on. */
export interface FaceDetectorFixtures {
  /** Images that each show exactly one clear face (at least one). */
  readonly oneFace: readonly RgbImage[];
  /** An image without a face. */
  readonly noFace: RgbImage;
  /** An image with at least two faces (checked when given). */
  readonly manyFaces?: RgbImage;
}

/**
 * Registers a vitest suite that checks a {@link FaceDetector} against the contract of `@pv/core`: an id;
 * detections sorted by descending score, each with a finite box of positive size centred in the image, a
 * finite score and five landmarks near the box; none for an image without a face; several for a group
 * photo; the same detections twice; the image left unchanged; `close()`.
 *
 * @example
 * ```ts
 * describeFaceDetector('my detector', () => MyDetector.create(), { oneFace: [photo], noFace: blank });
 * ```
 */
export function describeFaceDetector(name: string, factory: FaceDetectorFactory, fixtures: FaceDetectorFixtures): void {
  describe(`FaceDetector conformance: ${name}`, () => {
    let detector: FaceDetector;
    let found: FaceDetection[][];

    beforeAll(async () => {
      detector = await factory();
      found = [];
      for (const image of fixtures.oneFace) found.push(await detector.detect(image));
    });

    afterAll(async () => {
      await detector?.close();
    });

    const expectWellFormed = (detections: readonly FaceDetection[], image: RgbImage): void => {
      for (let i = 1; i < detections.length; i++) {
        expect((detections[i] as FaceDetection).score, 'sorted by descending score').toBeLessThanOrEqual((detections[i - 1] as FaceDetection).score);
      }
      for (const { box, score, landmarks } of detections) {
        expect([box.x, box.y, box.width, box.height, score].every(Number.isFinite)).toBe(true);
        expect(box.width > 0 && box.height > 0).toBe(true);
        const cx = box.x + box.width / 2;
        const cy = box.y + box.height / 2;
        expect(cx >= 0 && cx <= image.width && cy >= 0 && cy <= image.height, 'box centre inside the image').toBe(true);
        expect(landmarks).toHaveLength(5);
        for (const p of landmarks) {
          expect(Number.isFinite(p.x) && Number.isFinite(p.y)).toBe(true);
          // Landmarks lie on the face: within the box grown by half its size on every side.
          expect(p.x >= box.x - box.width / 2 && p.x <= box.x + 1.5 * box.width, 'landmark x near the box').toBe(true);
          expect(p.y >= box.y - box.height / 2 && p.y <= box.y + 1.5 * box.height, 'landmark y near the box').toBe(true);
        }
      }
    };

    it('has an id', () => {
      expect(typeof detector.id).toBe('string');
      expect(detector.id.length).toBeGreaterThan(0);
    });

    it('finds the face of every one-face image, well formed', () => {
      expect(fixtures.oneFace.length).toBeGreaterThanOrEqual(1);
      found.forEach((detections, i) => {
        expect(detections.length, `image ${i}`).toBeGreaterThanOrEqual(1);
        expectWellFormed(detections, fixtures.oneFace[i] as RgbImage);
      });
    });

    it('finds nothing in an image without a face', async () => {
      expect(await detector.detect(fixtures.noFace)).toEqual([]);
    });

    it.skipIf(fixtures.manyFaces === undefined)('finds several faces in a group photo, well formed', async () => {
      const image = fixtures.manyFaces as RgbImage;
      const detections = await detector.detect(image);
      expect(detections.length).toBeGreaterThanOrEqual(2);
      expectWellFormed(detections, image);
    });

    it('gives the same detections twice and leaves the image unchanged', async () => {
      const image = fixtures.oneFace[0] as RgbImage;
      const copy = Uint8Array.from(image.data);
      expect(await detector.detect(image)).toEqual(found[0]);
      expect(image.data).toEqual(copy);
    });
  });
}
