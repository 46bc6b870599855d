import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { StoreCorruptError } from '@pv/core';
import { defaultCatalog, parseModelEntry, type ModelCatalog, type ModelEntry } from '@pv/models';
import { writeFileAtomically } from './atomic-write.js';
import { modelsCacheDir } from './cache-dir.js';

/** Name of the file, in the cache directory, that keeps run-time model entries. */
export const LOCAL_MODELS_FILE = 'local-models.json';

/** Where {@link loadLocalModels} and friends read and write. */
export interface LocalModelsOptions {
  /** The cache directory; {@link modelsCacheDir} by default. */
  readonly cacheDir?: string;
  /** The catalog to register into; `defaultCatalog` of `@pv/models` by default. */
  readonly catalog?: ModelCatalog;
}

interface LocalModelsFile {
  readonly version: 1;
  readonly models: readonly ModelEntry[];
}

/**
 * Reads `<cacheDir>/local-models.json` and registers its entries in the catalog (replacing earlier
 * registrations of the same ids). A missing file means no entries. A file that is not valid JSON of the
 * expected shape is `E_STORE_CORRUPT` and is left untouched.
 */
export async function loadLocalModels(options: LocalModelsOptions = {}): Promise<ModelEntry[]> {
  const catalog = options.catalog ?? defaultCatalog;
  return (await readEntries(fileOf(options))).map((entry) => catalog.register(entry, { replace: true }));
}

/**
 * Registers `entry` in the catalog and records it in `<cacheDir>/local-models.json` (written to a temporary
 * file and renamed, so readers never see half a file). An entry with the same id is replaced. Two processes
 * saving at the same moment may lose one of the two updates: the last rename wins.
 */
export async function saveLocalModel(entry: ModelEntry, options: LocalModelsOptions = {}): Promise<ModelEntry> {
  const catalog = options.catalog ?? defaultCatalog;
  const file = fileOf(options);
  const existing = await readEntries(file);
  const registered = catalog.register(entry, { replace: true });
  await writeEntries(file, [...existing.filter((e) => e.id !== registered.id), registered]);
  return registered;
}

/** Removes a run-time entry from the catalog and from the file; returns whether the file held it. */
export async function removeLocalModel(id: string, options: LocalModelsOptions = {}): Promise<boolean> {
  const catalog = options.catalog ?? defaultCatalog;
  const file = fileOf(options);
  const existing = await readEntries(file);
  catalog.unregister(id);
  const kept = existing.filter((e) => e.id !== id);
  if (kept.length === existing.length) return false;
  await writeEntries(file, kept);
  return true;
}

function fileOf(options: LocalModelsOptions): string {
  return join(resolve(options.cacheDir ?? modelsCacheDir()), LOCAL_MODELS_FILE);
}

async function readEntries(file: string): Promise<ModelEntry[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as Partial<LocalModelsFile>;
    if (parsed.version !== 1 || !Array.isArray(parsed.models)) throw new Error('expected { "version": 1, "models": [...] }');
    return parsed.models.map((m) => parseModelEntry(m));
  } catch (error) {
    throw new StoreCorruptError(`${file} is not a valid pv local models file: ${(error as Error).message}`, { file }, { cause: error });
  }
}

async function writeEntries(file: string, models: readonly ModelEntry[]): Promise<void> {
  const content: LocalModelsFile = { version: 1, models };
  await writeFileAtomically(file, `${JSON.stringify(content, null, 2)}\n`);
}
