import { createRgbImage, type Box, type RgbImage } from '@pv/core';
import type { BorderMode } from './border.js';

/** `box` snapped to whole pixels: corners rounded to the nearest pixel edge, at least 1x1. */
export function pixelBox(box: Box): Box {
  const x = Math.round(box.x);
  const y = Math.round(box.y);
  return {
    x,
    y,
    width: Math.max(1, Math.round(box.x + box.width) - x),
    height: Math.max(1, Math.round(box.y + box.height) - y),
  };
}

/** Options of {@link cropImage}. */
export interface CropOptions {
  /** What fills the parts of the box outside the image (default `zero`). */
  readonly border?: BorderMode;
}

/**
 * Copies the pixels under `box` (snapped with {@link pixelBox}) into a new image. The box may extend beyond
 * the image; those pixels are filled as `border` says.
 */
export function cropImage(image: RgbImage, box: Box, options: CropOptions = {}): RgbImage {
  const { x, y, width, height } = pixelBox(box);
  const out = createRgbImage(width, height);
  const replicate = options.border === 'replicate';
  const lastX = image.width - 1;
  const lastY = image.height - 1;
  for (let row = 0; row < height; row++) {
    let sy = y + row;
    if (sy < 0 || sy > lastY) {
      if (!replicate) continue;
      sy = sy < 0 ? 0 : lastY;
    }
    const rowOut = row * width * 3;
    const rowIn = sy * image.width * 3;
    // Copy the inside span in one go; pad either side.
    const inStart = Math.max(0, -x);
    const inEnd = Math.min(width, image.width - x);
    if (inEnd > inStart) {
      out.data.set(image.data.subarray(rowIn + (x + inStart) * 3, rowIn + (x + inEnd) * 3), rowOut + inStart * 3);
    }
    if (replicate) {
      for (let col = 0; col < width; col++) {
        if (col >= inStart && col < inEnd) continue;
        const sx = x + col < 0 ? 0 : lastX;
        out.data.set(image.data.subarray(rowIn + sx * 3, rowIn + sx * 3 + 3), rowOut + col * 3);
      }
    }
  }
  return out;
}
