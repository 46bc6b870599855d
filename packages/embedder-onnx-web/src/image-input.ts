import { BadImageError, createRgbImage, type RgbImage } from '@pv/core';

/** Browser images pv can read pixels from. */
export type BrowserImageSource = ImageData | ImageBitmap | HTMLImageElement | HTMLVideoElement | HTMLCanvasElement | OffscreenCanvas;

/** An 8-bit RGB colour. */
export interface RgbColour {
  readonly r: number;
  readonly g: number;
  readonly b: number;
}

const WHITE: RgbColour = { r: 255, g: 255, b: 255 };

/**
 * RGBA pixels (an `ImageData` or anything shaped like one) as an {@link RgbImage}, alpha composited onto
 * `background` (default white, as the Node image loader does).
 */
export function rgbFromImageData(image: Pick<ImageData, 'width' | 'height' | 'data'>, background: RgbColour = WHITE): RgbImage {
  const { width, height, data } = image;
  if (data.length !== width * height * 4) {
    throw new BadImageError(`RGBA buffer of ${data.length} bytes does not match ${width}x${height}x4`, { width, height });
  }
  const rgb = new Uint8Array(width * height * 3);
  const under = [background.r, background.g, background.b];
  for (let i = 0, o = 0; o < rgb.length; i += 4, o += 3) {
    const alpha = (data[i + 3] as number) / 255;
    for (let c = 0; c < 3; c++) {
      rgb[o + c] = Math.round(alpha * (data[i + c] as number) + (1 - alpha) * (under[c] as number));
    }
  }
  return createRgbImage(width, height, rgb);
}

/** The pixel size of a drawable source: natural size for images, the current frame's size for videos. */
function sourceSize(source: Exclude<BrowserImageSource, ImageData>): { width: number; height: number } {
  if (typeof HTMLImageElement !== 'undefined' && source instanceof HTMLImageElement) {
    return { width: source.naturalWidth, height: source.naturalHeight };
  }
  if (typeof HTMLVideoElement !== 'undefined' && source instanceof HTMLVideoElement) {
    return { width: source.videoWidth, height: source.videoHeight };
  }
  return { width: source.width, height: source.height };
}

/** A 2D context to read pixels back from: an OffscreenCanvas where there is one, else a DOM canvas. */
function readbackContext(width: number, height: number): OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D {
  const canvas =
    typeof OffscreenCanvas !== 'undefined'
      ? new OffscreenCanvas(width, height)
      : Object.assign(document.createElement('canvas'), { width, height });
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) throw new BadImageError('This browser gives no 2D canvas context to read pixels with');
  return context;
}

/**
 * The pixels of a browser image as an {@link RgbImage}: `ImageData` is converted directly; bitmaps,
 * `<img>` (natural size), `<video>` (the current frame) and canvases are drawn onto a canvas over
 * `background` (default white) and read back. Throws `E_BAD_IMAGE` for an image not loaded yet, a video
 * without a frame, or a canvas the page may not read (cross-origin pixels without CORS).
 */
export function toRgbImage(source: BrowserImageSource, background: RgbColour = WHITE): RgbImage {
  if (typeof ImageData !== 'undefined' && source instanceof ImageData) return rgbFromImageData(source, background);
  const drawable = source as Exclude<BrowserImageSource, ImageData>;
  const { width, height } = sourceSize(drawable);
  if (!(width > 0 && height > 0)) {
    throw new BadImageError('The image has no pixels yet (not loaded, or a video without a current frame)', { width, height });
  }
  const context = readbackContext(width, height);
  context.fillStyle = `rgb(${background.r}, ${background.g}, ${background.b})`;
  context.fillRect(0, 0, width, height);
  context.drawImage(drawable, 0, 0, width, height);
  let pixels: ImageData;
  try {
    pixels = context.getImageData(0, 0, width, height);
  } catch (error) {
    throw new BadImageError(`Cannot read the image's pixels: ${(error as Error).message}`, { width, height }, { cause: error });
  }
  return rgbFromImageData(pixels, background);
}
