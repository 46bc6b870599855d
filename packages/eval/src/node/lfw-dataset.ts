import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import { NotFoundError } from '@pv/core';
import { parseLfwPairs, type LfwPairList } from '../pairs.js';

/** An LFW-style pairs list on disk and where its images are. */
export interface LfwDataset extends LfwPairList {
  /** The folder holding `<Name>/<Name>_<%04d>.jpg`. */
  readonly imagesDirectory: string;
  /** The absolute file of an image reference from {@link LfwPairList.pairs} (`a` or `b`). */
  imagePath(image: string): string;
}

/** Where {@link loadLfwDataset} reads from. */
export interface LfwDatasetLocation {
  /** The pairs list (default `<directory>/pairs.txt`). */
  readonly pairsFile?: string;
  /** The image folder (default: the first of {@link LFW_IMAGE_FOLDERS} that holds the list's first image). */
  readonly imagesDirectory?: string;
}

/** The image folders tried, in order, when no `imagesDirectory` is given (relative to the dataset folder). */
export const LFW_IMAGE_FOLDERS = ['images', 'lfw', '.'] as const;

/**
 * Reads an LFW pairs list and checks that every image it names exists. Without `imagesDirectory` the images
 * are looked for in `<directory>/images/<Name>/<Name>_<%04d>.jpg`, then in `<directory>/lfw/<Name>/…` (the
 * original download unpacked beside `pairs.txt`), then in `<directory>/<Name>/…` (the unpacked `lfw/`
 * folder itself, with `pairs.txt` put inside): the first folder holding the list's first image is used.
 *
 * @throws NotFoundError (`E_NOT_FOUND`) when the pairs file or any image is missing (naming up to five of them).
 * @throws InvalidArgumentError (`E_INVALID_ARGUMENT`) when the pairs file is malformed (see `parseLfwPairs`).
 */
export async function loadLfwDataset(directory: string, location: LfwDatasetLocation = {}): Promise<LfwDataset> {
  const pairsFile = path.resolve(directory, location.pairsFile ?? 'pairs.txt');
  const text = await readFile(pairsFile, 'utf8').catch((error: unknown) => {
    throw new NotFoundError(`Cannot read the pairs list ${pairsFile}: ${error instanceof Error ? error.message : String(error)}`, {
      file: pairsFile,
    });
  });
  const list = parseLfwPairs(text);
  const images = [...new Set(list.pairs.flatMap((p) => [p.a, p.b]))];
  const tried = (location.imagesDirectory !== undefined ? [location.imagesDirectory] : LFW_IMAGE_FOLDERS).map((d) => path.resolve(directory, d));
  const found = await firstHolding(tried, images[0]);
  const imagesDirectory = found ?? (tried[0] as string);
  const imagePath = (image: string): string => path.join(imagesDirectory, ...image.split('/'));
  const present = await Promise.all(images.map((image) => access(imagePath(image)).then(() => true, () => false)));
  const missing = images.filter((_, i) => !present[i]);
  if (missing.length > 0) {
    throw new NotFoundError(
      `${missing.length} image(s) named in ${pairsFile} are missing under ${found ?? tried.join(' or ')}: ${missing.slice(0, 5).join(', ')}`,
      { file: pairsFile, imagesDirectory, missing: missing.length },
    );
  }
  return { ...list, imagesDirectory, imagePath };
}

/** The first folder that holds `image` (a `Name/Name_0001.jpg` reference), if any. */
async function firstHolding(folders: readonly string[], image: string | undefined): Promise<string | undefined> {
  if (image === undefined) return undefined;
  for (const folder of folders) {
    if (await access(path.join(folder, ...image.split('/'))).then(() => true, () => false)) return folder;
  }
  return undefined;
}
