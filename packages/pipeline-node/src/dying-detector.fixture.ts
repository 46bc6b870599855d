// A plugin detector for tests (loaded by path, as a user's plugin would be): a fixed face in the middle of
// every image, except that an image exactly `dieOnWidth` pixels wide ends the thread it runs in.
import type { FaceDetection, FaceDetector, RgbImage } from '@pv/core';
import type { DetectorOpenContext } from './detectors.js';

export async function openDyingDetector(context: DetectorOpenContext): Promise<FaceDetector> {
  const dieOnWidth = typeof context.options.dieOnWidth === 'number' ? context.options.dieOnWidth : -1;
  return {
    id: 'dying-test-detector',
    async detect(image: RgbImage): Promise<FaceDetection[]> {
      if (image.width === dieOnWidth) process.exit(7);
      const size = Math.min(image.width, image.height) / 2;
      const x = (image.width - size) / 2;
      const y = (image.height - size) / 2;
      const at = (fx: number, fy: number) => ({ x: x + fx * size, y: y + fy * size });
      return [{ box: { x, y, width: size, height: size }, score: 0.9, landmarks: [at(0.3, 0.35), at(0.7, 0.35), at(0.5, 0.55), at(0.35, 0.75), at(0.65, 0.75)] }];
    },
    async close(): Promise<void> {},
  };
}
