import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRgbImage, type RgbImage } from '@pv/core';
import { modelsCacheDir, prefetchDefaultModels } from '@pv/model-fetch';
import { importMtcnn } from '@pv/mtcnn';

/** The shared, read-only test data folder (`../shared/data` beside the checkout). */
export const SHARED_DATA = path.resolve(fileURLToPath(new URL('../../../', import.meta.url)), '../shared/data');

/** facenet-pytorch's `data/` folder: MTCNN weights, test photos and `multiface.jpg`. */
export const FACENET_DATA = path.join(SHARED_DATA, 'facenet-pytorch');

/** An LFW fold-1 photo by person and number. */
export function lfwImage(name: string, index: number): string {
  return path.join(SHARED_DATA, 'lfw-fold1', 'images', name, `${name}_${String(index).padStart(4, '0')}.jpg`);
}

/** Real photos that show exactly one face. */
export const ONE_FACE_PHOTOS: readonly string[] = [
  lfwImage('Abel_Pacheco', 1),
  lfwImage('Abel_Pacheco', 4),
  lfwImage('Akhmed_Zakayev', 1),
  lfwImage('Amber_Tamblyn', 1),
  lfwImage('Akhmed_Zakayev', 3),
  lfwImage('Amber_Tamblyn', 2),
];

/** A 96x96 mid-grey image: no face. */
export function blankImage(): RgbImage {
  return createRgbImage(96, 96, new Uint8Array(96 * 96 * 3).fill(128));
}

/** A real photo with several faces. */
export const MULTI_FACE_PHOTO = path.join(FACENET_DATA, 'multiface.jpg');

/** A models cache for tests: the shared cache's default models (linked) plus MTCNN imported from the test data. */
export interface TestCache {
  readonly cacheDir: string;
  remove(): Promise<void>;
}

/**
 * A temporary models cache holding links to the default models of the user's cache (fetched there first
 * when missing) and MTCNN imported from facenet-pytorch's weights, registered in the process-wide catalog.
 */
export async function openTestCache(): Promise<TestCache> {
  await prefetchDefaultModels();
  const cacheDir = await mkdtemp(path.join(tmpdir(), 'pv-pipeline-node-'));
  for (const id of ['rfb320', 'landmarks68', 'mobilefacenet']) await symlink(path.join(modelsCacheDir(), id), path.join(cacheDir, id));
  await importMtcnn({ directory: FACENET_DATA, modelsDir: cacheDir });
  return { cacheDir, remove: () => rm(cacheDir, { recursive: true, force: true }) };
}
