import path from 'node:path';
import { cachedModelPath, checkFile, fetchRemoteWeights, loadLocalModels, modelsCacheDir, type DownloadedWeights, type FetchRemoteWeightsOptions } from '@pv/model-fetch';
import { defaultCatalog, type ModelCatalog } from '@pv/models';
import { MTCNN_MODEL_IDS } from './catalog-entries.js';
import { importMtcnn, type ImportedMtcnnModel } from './import-mtcnn.js';
import type { MtcnnNetworkName } from './networks/architecture.js';

/** Options of {@link fetchMtcnn} and {@link ensureMtcnnModels}. */
export interface FetchMtcnnOptions extends Omit<FetchRemoteWeightsOptions, 'sha256'> {
  /** The catalog to register into (default: `defaultCatalog` of `@pv/models`). */
  readonly catalog?: ModelCatalog;
}

/** What {@link fetchMtcnn} did. */
export interface FetchedMtcnn {
  readonly imported: readonly ImportedMtcnnModel[];
  /** The three downloaded files (`pnet.pt`, `rnet.pt`, `onet.pt`), each pinned by SHA-256 and size. */
  readonly downloads: readonly DownloadedWeights[];
}

/**
 * Downloads facenet-pytorch's `data/pnet.pt`, `rnet.pt` and `onet.pt` at the pinned commit (from GitHub or the
 * mirror), checks each against its pinned SHA-256 and size, then converts and registers them exactly as
 * {@link importMtcnn} does. See `fetchRemoteWeights` of `@pv/model-fetch` for the download's guarantees and
 * errors.
 */
export async function fetchMtcnn(options: FetchMtcnnOptions = {}): Promise<FetchedMtcnn> {
  const modelsDir = path.resolve(options.cacheDir ?? modelsCacheDir());
  const { files, result } = await fetchRemoteWeights(
    'mtcnn',
    async (downloads) => {
      const byName = (name: MtcnnNetworkName): DownloadedWeights => downloads.find((d) => d.name === `${name}.pt`) as DownloadedWeights;
      const networks = ['pnet', 'rnet', 'onet'] as const;
      return importMtcnn({
        ...Object.fromEntries(networks.map((n) => [n, byName(n).path])),
        urls: Object.fromEntries(networks.map((n) => [n, byName(n).url])),
        modelsDir,
        ...(options.catalog ? { catalog: options.catalog } : {}),
      });
    },
    { ...options, cacheDir: modelsDir },
  );
  return { imported: result, downloads: files };
}

/**
 * Makes sure the three MTCNN networks are imported and their converted files verify, fetching them
 * ({@link fetchMtcnn}) only when not. An import from files you gave (`pv models import mtcnn`) counts.
 */
export async function ensureMtcnnModels(options: FetchMtcnnOptions = {}): Promise<void> {
  const catalog = options.catalog ?? defaultCatalog;
  const cacheDir = path.resolve(options.cacheDir ?? modelsCacheDir());
  await loadLocalModels({ cacheDir, catalog });
  const ids = Object.values(MTCNN_MODEL_IDS);
  const present = await Promise.all(
    ids.map(async (id) => catalog.has(id) && (await checkFile(cachedModelPath(catalog.get(id), cacheDir), catalog.get(id).source)) === 'ok'),
  );
  if (present.every(Boolean)) return;
  await fetchMtcnn({ ...options, cacheDir, catalog });
}
