import type { Dirent, Stats } from 'node:fs';
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { InvalidArgumentError, NotFoundError, type ImageFileEntry } from '@pv/core';

/**
 * File extensions {@link listImageFiles} picks up (lower case, matched case-insensitively): what sharp's
 * prebuilt libvips decodes. BMP and HEIC are left out because it cannot decode them.
 */
export const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set(['.jpg', '.jpeg', '.png', '.webp', '.avif', '.gif', '.tif', '.tiff']);

/** Files larger than this are skipped by a directory scan and refused by the image loader, unless configured otherwise: 64 MiB. */
export const DEFAULT_MAX_IMAGE_BYTES = 64 * 2 ** 20;

/**
 * Why {@link scanImageFiles} did not list an entry:
 * - `hidden`: the name starts with `.`;
 * - `not-an-image`: a file whose extension is not in {@link IMAGE_EXTENSIONS};
 * - `not-a-regular-file`: a FIFO, socket or device (reading one could hang or never end);
 * - `too-large`: a file over the size cap;
 * - `non-utf8-name`: a name that is not valid UTF-8 (it could not be named or opened through a string path);
 * - `dangling-symlink`: a symbolic link whose target does not exist;
 * - `symlink-loop`: a link that resolves to itself or to a folder above it;
 * - `unreadable`: an entry or folder that could not be read (permissions, I/O error);
 * - `too-deep`: a folder inside a person's folder (only the top folder and its direct subfolders are read).
 */
export type SkipReason =
  | 'hidden'
  | 'not-an-image'
  | 'not-a-regular-file'
  | 'too-large'
  | 'non-utf8-name'
  | 'dangling-symlink'
  | 'symlink-loop'
  | 'unreadable'
  | 'too-deep';

/** An entry of the scanned folder that is not listed, and why. */
export interface SkippedEntry {
  /** The entry's path; a name that is not valid UTF-8 shows each undecodable byte as `\xNN`. */
  readonly path: string;
  /** The path relative to the scanned folder, with `/` separators (same escaping). */
  readonly relativePath: string;
  readonly reason: SkipReason;
  /** A human-readable detail (the system error code, the size, the loop's target). */
  readonly detail: string;
}

/** What {@link scanImageFiles} found: the images to load and every other entry with its reason. */
export interface ImageFileScan {
  /** Image files, sorted by relative path (what {@link listImageFiles} returns). */
  readonly files: ImageFileEntry[];
  /** Every entry that is not in `files`, sorted by relative path. */
  readonly skipped: SkippedEntry[];
}

/** Options of {@link scanImageFiles}. */
export interface ScanImageFilesOptions {
  /** Files larger than this many bytes are skipped as `too-large`. Default {@link DEFAULT_MAX_IMAGE_BYTES}. */
  readonly maxFileBytes?: number;
}

/**
 * The image files of `directory` and of its direct subdirectories (the ImageLoader contract), and every
 * entry that is not one, with its reason ({@link SkipReason}). Symbolic links are followed; nothing is
 * dropped silently and nothing but a missing or non-folder `directory` stops the scan: an unreadable
 * subfolder is reported and the rest is listed. Throws `E_NOT_FOUND` when the directory does not exist and
 * `E_INVALID_ARGUMENT` when it is not a directory or `maxFileBytes` is not a positive integer.
 *
 * @example
 * ```ts
 * const { files, skipped } = await scanImageFiles('photos');
 * for (const s of skipped) console.warn(`skipped ${s.relativePath}: ${s.reason} (${s.detail})`);
 * ```
 */
export async function scanImageFiles(directory: string, options: ScanImageFilesOptions = {}): Promise<ImageFileScan> {
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_IMAGE_BYTES;
  if (!Number.isSafeInteger(maxFileBytes) || maxFileBytes < 1) {
    throw new InvalidArgumentError(`maxFileBytes must be a positive integer, not ${maxFileBytes}`, { maxFileBytes });
  }
  const root = path.resolve(directory);
  const info = await stat(root).catch(() => undefined);
  if (!info) throw new NotFoundError(`Directory not found: ${directory}`, { directory });
  if (!info.isDirectory()) throw new InvalidArgumentError(`Not a directory: ${directory}`, { directory });
  const rootReal = await realpath(root);
  const files: ImageFileEntry[] = [];
  const skipped: SkippedEntry[] = [];
  const skip = (full: string, relative: string, reason: SkipReason, detail: string): void => {
    skipped.push({ path: full, relativePath: relative, reason, detail });
  };

  const visit = async (folder: string, prefix: string, depth: number): Promise<void> => {
    let names: Dirent<Buffer>[];
    try {
      names = await readdir(folder, { withFileTypes: true, encoding: 'buffer' });
    } catch (error) {
      skip(folder, prefix === '' ? '.' : prefix.slice(0, -1), 'unreadable', errorCode(error));
      return;
    }
    for (const dirent of names) {
      const decoded = decodeName(dirent.name);
      const full = path.join(folder, decoded.text);
      const relative = `${prefix}${decoded.text}`;
      if (!decoded.valid) {
        skip(full, relative, 'non-utf8-name', 'the name is not valid UTF-8');
        continue;
      }
      if (decoded.text.startsWith('.')) {
        skip(full, relative, 'hidden', 'the name starts with "."');
        continue;
      }
      let target: Stats;
      try {
        target = await stat(full);
      } catch (error) {
        const code = errorCode(error);
        const isLink = await lstat(full).then((l) => l.isSymbolicLink(), () => false);
        if (isLink && code === 'ENOENT') skip(full, relative, 'dangling-symlink', 'the link target does not exist');
        else if (isLink && code === 'ELOOP') skip(full, relative, 'symlink-loop', 'the link resolves to itself');
        else skip(full, relative, 'unreadable', code);
        continue;
      }
      if (target.isDirectory()) {
        const real = await realpath(full).catch(() => full);
        if (real === rootReal || rootReal.startsWith(`${real}${path.sep}`) || real === folder) {
          skip(full, relative, 'symlink-loop', `resolves to ${real}, a folder above it`);
        } else if (depth > 0) {
          skip(full, relative, 'too-deep', 'only the folder and its direct subfolders are read');
        } else {
          await visit(full, `${relative}/`, depth + 1);
        }
      } else if (!target.isFile()) {
        skip(full, relative, 'not-a-regular-file', describeKind(target));
      } else if (!isImageName(decoded.text)) {
        skip(full, relative, 'not-an-image', `extension "${path.extname(decoded.text)}" is not one of ${[...IMAGE_EXTENSIONS].join(' ')}`);
      } else if (target.size > maxFileBytes) {
        skip(full, relative, 'too-large', `${target.size} bytes, over the ${maxFileBytes}-byte cap`);
      } else {
        files.push({ path: full, relativePath: relative });
      }
    }
  };

  await visit(root, '', 0);
  const byRelativePath = (a: { relativePath: string }, b: { relativePath: string }): number =>
    a.relativePath < b.relativePath ? -1 : a.relativePath > b.relativePath ? 1 : 0;
  return { files: files.sort(byRelativePath), skipped: skipped.sort(byRelativePath) };
}

/**
 * The image files of `directory` and of its direct subdirectories (the ImageLoader contract), sorted by
 * relative path: {@link scanImageFiles}'s `files`. Use `scanImageFiles` to learn what was left out and why.
 * Throws `E_NOT_FOUND` when the directory does not exist and `E_INVALID_ARGUMENT` when it is a file.
 */
export async function listImageFiles(directory: string): Promise<ImageFileEntry[]> {
  return (await scanImageFiles(directory)).files;
}

function isImageName(name: string): boolean {
  return IMAGE_EXTENSIONS.has(path.extname(name).toLowerCase());
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The name as text; a name that is not valid UTF-8 gets each byte outside printable ASCII written as `\xNN`. */
function decodeName(name: Buffer): { text: string; valid: boolean } {
  try {
    return { text: strictUtf8.decode(name), valid: true };
  } catch {
    let text = '';
    for (const byte of name) text += byte >= 0x20 && byte < 0x7f && byte !== 0x5c ? String.fromCharCode(byte) : `\\x${byte.toString(16).padStart(2, '0')}`;
    return { text, valid: false };
  }
}

function describeKind(info: Stats): string {
  if (info.isFIFO()) return 'a FIFO (named pipe)';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

function errorCode(error: unknown): string {
  return String((error as { code?: unknown }).code ?? (error as Error).message);
}
