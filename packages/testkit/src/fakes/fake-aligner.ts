import { createRgbImage, type FaceAligner } from '@pv/core';

/**
 * A deterministic {@link FaceAligner} for tests: crops the detection box and resizes it to the spec's
 * output size by nearest-neighbour sampling (pixels outside the photo are black). It ignores landmarks,
 * templates and margins, so a painted fake face always gives a crop of its own colour.
 */
export const fakeAlignFace: FaceAligner = (image, detection, spec) => {
  const { box } = detection;
  const out = createRgbImage(spec.width, spec.height);
  for (let y = 0; y < spec.height; y++) {
    const sy = Math.floor(box.y + ((y + 0.5) * box.height) / spec.height);
    for (let x = 0; x < spec.width; x++) {
      const sx = Math.floor(box.x + ((x + 0.5) * box.width) / spec.width);
      if (sx < 0 || sy < 0 || sx >= image.width || sy >= image.height) continue;
      const from = (sy * image.width + sx) * 3;
      out.data.set(image.data.subarray(from, from + 3), (y * spec.width + x) * 3);
    }
  }
  return out;
};
