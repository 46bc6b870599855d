import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RgbImage } from '@pv/core';

/** The shared, read-only test data folder (`../shared/data` beside the checkout). */
export const SHARED_DATA = path.resolve(fileURLToPath(new URL('../../../../', import.meta.url)), '../shared/data');

/** facenet-pytorch's `data/` files: the weights, test photos, aligned crops and `multiface.jpg`. */
export const FACENET_DATA = path.join(SHARED_DATA, 'facenet-pytorch');

/** The people of `test_images/` (bradley_cooper's photo is absent, only his aligned crop is there). */
export const TEST_PEOPLE = ['angelina_jolie', 'kate_siegel', 'paul_rudd', 'shea_whigham'] as const;

/** Every image of the LFW fold-1 copy, sorted. */
export function lfwFold1Images(): string[] {
  const root = path.join(SHARED_DATA, 'lfw-fold1', 'images');
  return readdirSync(root)
    .flatMap((person) => readdirSync(path.join(root, person)).map((file) => path.join(root, person, file)))
    .sort();
}

/** Sum of `value · (index mod 251 + 1)` over the RGB bytes (what scripts/make-torch-reference.py records). */
export function pixelChecksum(image: RgbImage): number {
  let sum = 0;
  for (let i = 0; i < image.data.length; i++) sum += (image.data[i] as number) * ((i % 251) + 1);
  return sum;
}
