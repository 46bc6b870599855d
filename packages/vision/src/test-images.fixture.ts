import { createRgbImage, type RgbImage } from '@pv/core';

/** An image whose pixel (x, y) holds `[x, y, (x + y) % 256]`: lets tests read back where a pixel came from. */
export function coordinateImage(width: number, height: number): RgbImage {
  const image = createRgbImage(width, height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      image.data[o] = x;
      image.data[o + 1] = y;
      image.data[o + 2] = (x + y) % 256;
    }
  }
  return image;
}

/** The RGB triple at (x, y). */
export function pixelAt(image: RgbImage, x: number, y: number): [number, number, number] {
  const o = (y * image.width + x) * 3;
  return [image.data[o] as number, image.data[o + 1] as number, image.data[o + 2] as number];
}

/** An image of one colour. */
export function solidImage(width: number, height: number, rgb: readonly [number, number, number]): RgbImage {
  const image = createRgbImage(width, height);
  for (let i = 0; i < width * height; i++) image.data.set(rgb, i * 3);
  return image;
}
