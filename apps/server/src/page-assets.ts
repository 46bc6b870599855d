import { existsSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cachedModelPath, modelsCacheDir } from '@pv/model-fetch';
import { getModel } from '@pv/models';
import type { PageAssets } from './context.js';

/** The bundle file of `@pv/embedder-onnx-web` the page loads for private mode. */
const BROWSER_BUNDLE = '@pv/embedder-onnx-web/dist-browser/pv-web.js';

/** The folder of the prebuilt browser bundle, or `undefined` when `@pv/embedder-onnx-web` has not been built. */
function browserBundleDir(): string | undefined {
  try {
    const file = fileURLToPath(import.meta.resolve(BROWSER_BUNDLE));
    return existsSync(file) ? dirname(file) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Where the page's files are: `public/` of this package, the browser bundle when built, and the verified
 * model files of `modelIds` in the models cache (the server fetched and checked them before starting).
 */
export function locatePageAssets(modelIds: readonly string[], cacheDir: string | undefined): PageAssets {
  const modelFiles = new Map<string, { file: string; path: string }>();
  for (const id of modelIds) {
    const path = cachedModelPath(getModel(id), cacheDir ?? modelsCacheDir());
    modelFiles.set(id, { file: basename(path), path });
  }
  return {
    publicDir: fileURLToPath(new URL('../public/', import.meta.url)),
    browserBundleDir: browserBundleDir(),
    modelFiles,
  };
}
