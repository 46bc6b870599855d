import { BadImageError, InvalidArgumentError, NotFoundError, type ImageLoader, type RgbImage } from '@pv/core';
import type { FetchFunction } from './model-download.js';
import { toRgbImage } from './image-input.js';

/** Options of {@link createBrowserImageLoader}. */
export interface BrowserImageLoaderOptions {
  /** Downloads images given as URLs (default: the global `fetch`). */
  readonly fetch?: FetchFunction;
}

/**
 * `@pv/core`'s {@link ImageLoader} for browsers: a string is an image URL (fetched), bytes are an encoded
 * image; both are decoded by the browser (`createImageBitmap`, EXIF orientation applied) and read back as
 * RGB. A URL answering 404 is `E_NOT_FOUND`; anything else that fails is `E_BAD_IMAGE`. Browsers cannot list
 * directories: `listImageFiles` is `E_INVALID_ARGUMENT`.
 */
export function createBrowserImageLoader(options: BrowserImageLoaderOptions = {}): ImageLoader {
  const fetchFunction = options.fetch ?? globalThis.fetch;
  return {
    async load(input: string | Uint8Array): Promise<RgbImage> {
      const name = typeof input === 'string' ? input : '<bytes>';
      let blob: Blob;
      if (typeof input === 'string') {
        const response = await fetchFunction(input).catch((error: unknown) => {
          throw new BadImageError(`Cannot download ${input}`, { file: input }, { cause: error });
        });
        if (response.status === 404) throw new NotFoundError(`Image not found: ${input}`, { file: input });
        if (!response.ok) throw new BadImageError(`Downloading ${input} failed: HTTP ${response.status}`, { file: input });
        blob = await response.blob();
      } else {
        blob = new Blob([new Uint8Array(input)]);
      }
      let bitmap: ImageBitmap;
      try {
        bitmap = await createImageBitmap(blob, { imageOrientation: 'from-image' });
      } catch (error) {
        throw new BadImageError(`Cannot decode ${name}`, { file: name }, { cause: error });
      }
      try {
        return toRgbImage(bitmap);
      } finally {
        bitmap.close();
      }
    },
    async listImageFiles(directory: string) {
      throw new InvalidArgumentError('Browsers cannot list directories; pass images one by one', { directory });
    },
  };
}
