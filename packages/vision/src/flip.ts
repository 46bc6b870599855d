import { createRgbImage, type RgbImage } from '@pv/core';

/** The mirror image of `image` (left and right swapped), as a new image. */
export function flipHorizontal(image: RgbImage): RgbImage {
  const { width, height } = image;
  const out = createRgbImage(width, height);
  for (let y = 0; y < height; y++) {
    const row = y * width * 3;
    for (let x = 0; x < width; x++) {
      const from = row + x * 3;
      const to = row + (width - 1 - x) * 3;
      out.data[to] = image.data[from] as number;
      out.data[to + 1] = image.data[from + 1] as number;
      out.data[to + 2] = image.data[from + 2] as number;
    }
  }
  return out;
}
