import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { InvalidArgumentError, NotFoundError, type ImageFileEntry } from '@pv/core';

/**
 * File extensions {@link listImageFiles} picks up (lower case, matched case-insensitively): what sharp's
 * prebuilt libvips decodes. BMP and HEIC are left out because it cannot decode them.
 */
export const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set(['.jpg', '.jpeg', '.png', '.webp', '.avif', '.gif', '.tif', '.tiff']);

/**
 * The image files of `directory` and of its direct subdirectories (the ImageLoader contract), sorted by
 * relative path. Hidden entries (names starting with `.`) are skipped; symbolic links are followed.
 * Throws `E_NOT_FOUND` when the directory does not exist and `E_INVALID_ARGUMENT` when it is a file.
 */
export async function listImageFiles(directory: string): Promise<ImageFileEntry[]> {
  const root = path.resolve(directory);
  const info = await stat(root).catch(() => undefined);
  if (!info) throw new NotFoundError(`Directory not found: ${directory}`, { directory });
  if (!info.isDirectory()) throw new InvalidArgumentError(`Not a directory: ${directory}`, { directory });
  const entries: ImageFileEntry[] = [];
  for (const name of await readdir(root)) {
    if (name.startsWith('.')) continue;
    const full = path.join(root, name);
    const kind = await stat(full).catch(() => undefined);
    if (kind?.isFile() && isImageName(name)) {
      entries.push({ path: full, relativePath: name });
    } else if (kind?.isDirectory()) {
      for (const inner of await readdir(full)) {
        if (inner.startsWith('.') || !isImageName(inner)) continue;
        const file = path.join(full, inner);
        if ((await stat(file).catch(() => undefined))?.isFile()) entries.push({ path: file, relativePath: `${name}/${inner}` });
      }
    }
  }
  return entries.sort((a, b) => (a.relativePath < b.relativePath ? -1 : a.relativePath > b.relativePath ? 1 : 0));
}

function isImageName(name: string): boolean {
  return IMAGE_EXTENSIONS.has(path.extname(name).toLowerCase());
}
