import { createRgbImage, type RgbImage } from '@pv/core';
import { seededRandom } from './random.js';

/**
 * `count` deterministic, distinct RGB images of `width`×`height`: a face-like layout (bright oval, two
 * dark eyes, a mouth) with colours, position and noise varied per image by a seeded PRNG. Good enough to
 * exercise an embedder's plumbing; not real faces.
 */
export function syntheticCrops(width: number, height: number, count: number, seed = 7): RgbImage[] {
  return Array.from({ length: count }, (_, n) => {
    const random = seededRandom(seed * 1000 + n);
    const skin = [150 + random() * 90, 110 + random() * 80, 80 + random() * 70];
    const cx = width * (0.45 + random() * 0.1);
    const cy = height * (0.45 + random() * 0.1);
    const rx = width * (0.3 + random() * 0.08);
    const ry = height * (0.38 + random() * 0.08);
    const eyes = [
      [cx - rx * 0.4, cy - ry * 0.2],
      [cx + rx * 0.4, cy - ry * 0.2],
    ] as const;
    const eyeRadius = Math.max(1, width * 0.05);
    const image = createRgbImage(width, height);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const inFace = ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1;
        const inEye = eyes.some(([ex, ey]) => (x - ex) ** 2 + (y - ey) ** 2 <= eyeRadius ** 2);
        const inMouth = Math.abs(y - (cy + ry * 0.5)) <= Math.max(1, height * 0.02) && Math.abs(x - cx) <= rx * 0.35;
        const i = (y * width + x) * 3;
        for (let c = 0; c < 3; c++) {
          const base = inEye || inMouth ? 40 : inFace ? (skin[c] as number) : 30 + ((x + y + c * 17) % 60);
          image.data[i + c] = Math.max(0, Math.min(255, Math.round(base + (random() - 0.5) * 24)));
        }
      }
    }
    return image;
  });
}
