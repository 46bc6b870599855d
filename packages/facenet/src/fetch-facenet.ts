import path from 'node:path';
import { cachedModelPath, checkFile, fetchRemoteWeights, loadLocalModels, modelsCacheDir, type DownloadedWeights, type FetchRemoteWeightsOptions } from '@pv/model-fetch';
import { defaultCatalog, type EmbedderModelEntry, type ModelCatalog } from '@pv/models';
import { importFacenet, type ImportedFacenetModel } from './import-facenet.js';
import type { FacenetNormalization } from './inception-resnet-v1/normalization.js';
import { CASIA_WEBFACE, VGGFACE2, type FacenetVariant } from './variants.js';

/** The reference's names for the two pretrained models (`Facenet(pretrained=…)`, `InceptionResnetV1(pretrained=…)`). */
export type FacenetPretrained = 'vggface2' | 'casia-webface';

/** Options of {@link fetchFacenet} and {@link ensureFacenetModel}. */
export interface FetchFacenetOptions extends FetchRemoteWeightsOptions {
  /** Input normalisation built into the graph (default `fixed`). */
  readonly normalization?: FacenetNormalization;
  /** The catalog to register into (default: `defaultCatalog` of `@pv/models`). */
  readonly catalog?: ModelCatalog;
}

/** What {@link fetchFacenet} did. */
export interface FetchedFacenet {
  readonly imported: ImportedFacenetModel;
  /** The downloaded checkpoint, its SHA-256 and how it is vouched for (`first-use`: recorded now). */
  readonly download: DownloadedWeights;
}

/** The variant a reference name or a catalog id stands for. */
export function facenetVariant(name: FacenetPretrained | FacenetVariant['id']): FacenetVariant {
  return name === 'vggface2' || name === VGGFACE2.id ? VGGFACE2 : CASIA_WEBFACE;
}

/**
 * Downloads one of facenet-pytorch's pretrained FaceNet checkpoints (GitHub release v2.2.9, or the mirror),
 * verifies it (size, SHA-256 against `sha256` or the hash recorded at the first download, every key and shape)
 * and converts and registers it exactly as {@link importFacenet} does. See `fetchRemoteWeights` of
 * `@pv/model-fetch` for the download's guarantees and errors; the importer's refusals (`E_MODEL_FORMAT`) leave
 * nothing behind and record no trust.
 */
export async function fetchFacenet(pretrained: FacenetPretrained, options: FetchFacenetOptions = {}): Promise<FetchedFacenet> {
  const variant = facenetVariant(pretrained);
  const key = variant === VGGFACE2 ? 'vggface2' : 'casiaWebface';
  const modelsDir = path.resolve(options.cacheDir ?? modelsCacheDir());
  const { files, result } = await fetchRemoteWeights(
    variant.id,
    async ([file]) => {
      const checkpoint = file as DownloadedWeights;
      const [imported] = await importFacenet({
        [key]: checkpoint.path,
        urls: { [key]: checkpoint.url },
        modelsDir,
        ...(options.normalization ? { normalization: options.normalization } : {}),
        ...(options.catalog ? { catalog: options.catalog } : {}),
      });
      return imported as ImportedFacenetModel;
    },
    {
      ...options,
      cacheDir: modelsDir,
    },
  );
  return { imported: result, download: files[0] as DownloadedWeights };
}

/**
 * The catalog entry of `pretrained`, fetching and converting it first when it is not imported yet (or its
 * converted file no longer verifies). An import from a file you gave (`pv models import facenet`) counts: it is
 * used as it is, with no request.
 */
export async function ensureFacenetModel(pretrained: FacenetPretrained, options: FetchFacenetOptions = {}): Promise<EmbedderModelEntry> {
  const variant = facenetVariant(pretrained);
  const catalog = options.catalog ?? defaultCatalog;
  const cacheDir = path.resolve(options.cacheDir ?? modelsCacheDir());
  await loadLocalModels({ cacheDir, catalog });
  if (catalog.has(variant.id)) {
    const entry = catalog.getEmbedder(variant.id);
    if ((await checkFile(cachedModelPath(entry, cacheDir), entry.source)) === 'ok') return entry;
  }
  return (await fetchFacenet(pretrained, { ...options, cacheDir, catalog })).imported.entry;
}
