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
  /** The image folder (default `<directory>/images`). */
  readonly imagesDirectory?: string;
}

/**
 * Reads an LFW pairs list and checks that every image it names exists. The default layout is
 * `<directory>/pairs.txt` and `<directory>/images/<Name>/<Name>_<%04d>.jpg`; the original LFW download
 * (`lfw/<Name>/…` beside `pairs.txt`) is read with `{ imagesDirectory: '<…>/lfw' }`.
 *
 * @throws NotFoundError (`E_NOT_FOUND`) when the pairs file or any image is missing (naming up to five of them).
 * @throws InvalidArgumentError (`E_INVALID_ARGUMENT`) when the pairs file is malformed (see `parseLfwPairs`).
 */
export async function loadLfwDataset(directory: string, location: LfwDatasetLocation = {}): Promise<LfwDataset> {
  const pairsFile = path.resolve(directory, location.pairsFile ?? 'pairs.txt');
  const imagesDirectory = path.resolve(directory, location.imagesDirectory ?? 'images');
  const text = await readFile(pairsFile, 'utf8').catch((error: unknown) => {
    throw new NotFoundError(`Cannot read the pairs list ${pairsFile}: ${error instanceof Error ? error.message : String(error)}`, {
      file: pairsFile,
    });
  });
  const list = parseLfwPairs(text);
  const imagePath = (image: string): string => path.join(imagesDirectory, ...image.split('/'));
  const images = [...new Set(list.pairs.flatMap((p) => [p.a, p.b]))];
  const present = await Promise.all(images.map((image) => access(imagePath(image)).then(() => true, () => false)));
  const missing = images.filter((_, i) => !present[i]);
  if (missing.length > 0) {
    throw new NotFoundError(
      `${missing.length} image(s) named in ${pairsFile} are missing under ${imagesDirectory}: ${missing.slice(0, 5).join(', ')}`,
      { file: pairsFile, imagesDirectory, missing: missing.length },
    );
  }
  return { ...list, imagesDirectory, imagePath };
}
