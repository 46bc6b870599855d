import { InvalidArgumentError, NotFoundError } from '@pv/core';
import { dlibResnetConverters } from '@pv/dlib-resnet';
import { fetchModels, loadLocalModels } from '@pv/model-fetch';
import { defaultCatalog, type ModelConverter, type ModelEntry } from '@pv/models';
import { detectorLabel, detectorMissingMessage, detectorModels } from './detectors.js';
import type { FaceEncoderSpec } from './spec.js';

/**
 * Converters of the built-in models that are built on first use (`npm-converted` sources), by converter
 * id: `dlib-resnet` is converted from face-api's weights by `@pv/dlib-resnet`.
 */
export const MODEL_CONVERTERS: Readonly<Record<string, ModelConverter>> = { ...dlibResnetConverters };

/** The default embedder model id. */
export const DEFAULT_MODEL = 'mobilefacenet';

/** The default detector id. */
export const DEFAULT_DETECTOR = 'rfb320';

/**
 * Makes every model a spec needs present and verified in the cache, once, in this thread: registers the
 * cache's imported models (`local-models.json`) in the process-wide catalog, then fetches (npm), converts
 * (`dlib-resnet`) or verifies (imported) each file. Returns the run-time catalog entries the models use, so
 * worker threads can register the same entries without reading the cache again.
 *
 * Errors: `E_INVALID_ARGUMENT` (unknown detector, or `model` is not an embedder), `E_NOT_FOUND` (a model is
 * neither built in nor imported; the message says how to import it), and what `fetchModels` throws.
 */
export async function prepareModels(spec: FaceEncoderSpec): Promise<ModelEntry[]> {
  const cache = spec.cacheDir !== undefined ? { cacheDir: spec.cacheDir } : {};
  await loadLocalModels(cache);
  const detector = spec.detector ?? DEFAULT_DETECTOR;
  const model = spec.model ?? DEFAULT_MODEL;
  const detectorIds = detectorModels(detector);
  const missing = detectorIds.filter((id) => !defaultCatalog.has(id));
  if (missing.length > 0) {
    throw new NotFoundError(detectorMissingMessage(detector, missing), {
      detector: detectorLabel(detector),
      missing,
    });
  }
  const entry = defaultCatalog.get(model);
  if (entry.task !== 'embedder') {
    throw new InvalidArgumentError(`Model "${model}" is a ${entry.task}, not an embedder`, { model, task: entry.task });
  }
  // Analysis models ship in the default models' package (quality needs none; eyes also needs landmarks68).
  const analysisIds: string[] = (spec.analyses ?? []).filter((kind) => kind !== 'quality');
  if ((spec.analyses ?? []).includes('eyes')) analysisIds.push('landmarks68');
  const ids = [...new Set([...detectorIds, model, ...analysisIds])];
  await fetchModels(ids, { ...cache, converters: MODEL_CONVERTERS });
  return ids.map((id) => defaultCatalog.get(id)).filter((e) => !defaultCatalog.isBuiltIn(e.id));
}

/** Registers run-time entries (from {@link prepareModels} in another thread) in this thread's catalog. */
export function registerEntries(entries: readonly ModelEntry[]): void {
  for (const entry of entries) defaultCatalog.register(entry, { replace: true });
}
