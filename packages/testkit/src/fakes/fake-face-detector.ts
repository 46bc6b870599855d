import type { FaceDetection, FaceDetector, RgbImage } from '@pv/core';
import { FAKE_FACE_MARKER, fakeDetection } from './fake-face.js';

/** Options of {@link FakeFaceDetector}. */
export interface FakeFaceDetectorOptions {
  /** Detector id. Default `fake-detector`. */
  readonly id?: string;
  /**
   * Where the faces come from. Default: the rectangles painted by `paintFakeFace` / `createFakePhoto`.
   * Pass a function to script detections, e.g. `(image) => table.get(image) ?? []` with `fakeDetection`.
   */
  readonly detect?: (image: RgbImage) => readonly FaceDetection[];
}

/**
 * A deterministic {@link FaceDetector} for tests. By default it finds the solid rectangles painted by
 * `paintFakeFace`; each becomes a detection with {@link fakeLandmarks}-style landmarks and a score that
 * grows with the face's area (`1 − 1 / (1 + area / 256)`: 16×16 → 0.5, 64×64 → 0.94), so larger faces
 * come first. Results are always sorted by descending score, as the contract requires.
 */
export class FakeFaceDetector implements FaceDetector {
  readonly id: string;
  /** How many times `detect` was called. */
  calls = 0;
  /** Whether `close` was called. */
  closed = false;
  readonly #detect: (image: RgbImage) => readonly FaceDetection[];

  constructor(options: FakeFaceDetectorOptions = {}) {
    this.id = options.id ?? 'fake-detector';
    this.#detect = options.detect ?? findPaintedFaces;
  }

  async detect(image: RgbImage): Promise<FaceDetection[]> {
    this.calls++;
    return [...this.#detect(image)].sort((a, b) => b.score - a.score);
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

/** Finds painted fake faces: maximal rectangles of one marker colour, scanned top to bottom. */
function findPaintedFaces(image: RgbImage): FaceDetection[] {
  const { width, height, data } = image;
  const seen = new Uint8Array(width * height);
  const faces: FaceDetection[] = [];
  const colourAt = (x: number, y: number): number => {
    const i = (y * width + x) * 3;
    return data[i] === FAKE_FACE_MARKER ? ((data[i + 1] as number) << 8) | (data[i + 2] as number) : -1;
  };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const colour = colourAt(x, y);
      if (colour < 0 || seen[y * width + x]) continue;
      let w = 1;
      while (x + w < width && colourAt(x + w, y) === colour) w++;
      let h = 1;
      while (y + h < height && colourAt(x, y + h) === colour) h++;
      for (let yy = y; yy < y + h; yy++) seen.fill(1, yy * width + x, yy * width + x + w);
      const area = w * h;
      faces.push(fakeDetection({ x, y, width: w, height: h }, 1 - 1 / (1 + area / 256)));
    }
  }
  return faces;
}
