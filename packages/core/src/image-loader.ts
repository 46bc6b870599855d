import { InvalidArgumentError } from './errors.js';
import type { RgbImage } from './image.js';

/** An image as callers may pass it: a file path, encoded bytes (JPEG, PNG, …) or decoded pixels. */
export type ImageInput = string | Uint8Array | RgbImage;

/** An image file found in a directory. */
export interface ImageFileEntry {
  /** A path the loader can `load`. */
  readonly path: string;
  /** The path relative to the listed directory, with `/` separators (e.g. `alice/1.jpg`). */
  readonly relativePath: string;
}

/**
 * Reads images for the facade. Runtime-specific: `@pv/embedder-onnx-node` provides one over sharp and
 * the file system; a browser app can provide one over `fetch` and canvas.
 */
export interface ImageLoader {
  /** Decodes a file path or encoded bytes into RGB. A missing file is `E_NOT_FOUND`; anything undecodable (or over the pixel limit) is `E_BAD_IMAGE`; both name the file. */
  load(input: string | Uint8Array): Promise<RgbImage>;
  /**
   * Lists the image files of `directory` and of its direct subdirectories, sorted by relative path.
   * Throws `E_NOT_FOUND` when the directory does not exist.
   */
  listImageFiles(directory: string): Promise<ImageFileEntry[]>;
}

/** How labels are read from a directory. */
export type DirectoryLayout = 'file-names' | 'subfolders' | 'auto';

/**
 * The label a file name stands for, as the reference workflow reads it: the name without its extension
 * and without a trailing copy number (`alice.jpg`, `alice_2.jpg`, `alice-02.png`, `alice (3).jpg` → `alice`;
 * LFW's `Aaron_Peirsol_0001.jpg` → `Aaron_Peirsol`).
 */
export function labelFromFileName(fileName: string): string {
  const base = fileName.split('/').pop() ?? fileName;
  const stem = base.includes('.') ? base.slice(0, base.lastIndexOf('.')) : base;
  const label = stem.replace(/(?:[_-]\d+|\s*\(\d+\))$/u, '').trim();
  return label.length > 0 ? label : stem;
}

/**
 * The label of a directory entry: its subfolder for `subfolders`, its file name for `file-names`, and for
 * `auto` the subfolder when the file sits in one, else the file name. Under `subfolders`, a file outside
 * any subfolder has no label: `E_INVALID_ARGUMENT`.
 */
export function labelForEntry(entry: Pick<ImageFileEntry, 'relativePath'>, layout: DirectoryLayout): string {
  const parts = entry.relativePath.split('/');
  const inSubfolder = parts.length > 1;
  if (layout === 'subfolders' && !inSubfolder) {
    throw new InvalidArgumentError(`${entry.relativePath} is not in a subfolder, so it has no label`, {
      file: entry.relativePath,
    });
  }
  if (layout === 'subfolders' || (layout === 'auto' && inSubfolder)) {
    return parts[0] as string;
  }
  const label = labelFromFileName(parts[parts.length - 1] as string);
  if (label.trim() === '') {
    throw new InvalidArgumentError(`${entry.relativePath}: no label can be read from this file name`, {
      file: entry.relativePath,
    });
  }
  return label;
}
