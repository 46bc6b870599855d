import {
  BadImageError,
  NotFoundError,
  createRgbImage,
  type ImageFileEntry,
  type ImageLoader,
  type RgbImage,
} from '@pv/core';

/** What a fake file holds: pixels, or `null` for a file that cannot be decoded. */
export type FakeFile = RgbImage | null;

const MAGIC = [0x46, 0x41, 0x4b, 0x45] as const; // "FAKE"
const HEADER = 12;

/**
 * Encodes pixels in the fake format `FakeImageLoader` decodes: `FAKE`, width and height as 32-bit
 * little-endian integers, then the RGB bytes. Stands in for JPEG/PNG bytes in tests.
 */
export function encodeFakeImage(image: RgbImage): Uint8Array {
  const bytes = new Uint8Array(HEADER + image.data.length);
  bytes.set(MAGIC, 0);
  const view = new DataView(bytes.buffer);
  view.setUint32(4, image.width, true);
  view.setUint32(8, image.height, true);
  bytes.set(image.data, HEADER);
  return bytes;
}

/**
 * An {@link ImageLoader} over an in-memory file table (path → pixels), for tests without a file system.
 * Paths use `/`. A directory exists when some file lies beneath it; `listImageFiles` lists its files and
 * those of its direct subfolders, sorted by relative path. A `null` file fails to load with `E_BAD_IMAGE`;
 * an unknown path is `E_NOT_FOUND`. Bytes are decoded only in the format of {@link encodeFakeImage}.
 *
 * @example
 * ```ts
 * const images = new FakeImageLoader({ 'people/alice.jpg': createFakePhoto(64, 64, [face]), 'people/bad.jpg': null });
 * ```
 */
export class FakeImageLoader implements ImageLoader {
  readonly #files: ReadonlyMap<string, FakeFile>;
  /** Paths (or `<bytes>`) passed to `load`, in call order. */
  readonly loaded: string[] = [];

  constructor(files: Readonly<Record<string, FakeFile>> | ReadonlyMap<string, FakeFile>) {
    this.#files = files instanceof Map ? new Map(files) : new Map(Object.entries(files));
  }

  async load(input: string | Uint8Array): Promise<RgbImage> {
    if (typeof input !== 'string') {
      this.loaded.push('<bytes>');
      return decodeFakeImage(input);
    }
    this.loaded.push(input);
    const file = this.#files.get(input);
    if (file === undefined) throw new NotFoundError(`No such file: ${input}`, { file: input });
    if (file === null) throw new BadImageError(`Cannot decode ${input}`, { file: input });
    return file;
  }

  async listImageFiles(directory: string): Promise<ImageFileEntry[]> {
    const prefix = directory.endsWith('/') ? directory : `${directory}/`;
    const beneath = [...this.#files.keys()].filter((path) => path.startsWith(prefix));
    if (beneath.length === 0) throw new NotFoundError(`No such directory: ${directory}`, { directory });
    return beneath
      .map((path) => ({ path, relativePath: path.slice(prefix.length) }))
      .filter((entry) => entry.relativePath.split('/').length <= 2)
      .sort((a, b) => (a.relativePath < b.relativePath ? -1 : a.relativePath > b.relativePath ? 1 : 0));
  }
}

function decodeFakeImage(bytes: Uint8Array): RgbImage {
  if (bytes.length < HEADER || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new BadImageError('Not a fake-encoded image');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return createRgbImage(view.getUint32(4, true), view.getUint32(8, true), bytes.slice(HEADER));
}
