import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { InvalidArgumentError, NotFoundError } from '@pv/core';
import { modelsCacheDir, saveLocalModel, writeFileAtomically } from '@pv/model-fetch';
import type { EmbedderModelEntry, ModelCatalog, OriginalWeights } from '@pv/models';
import { assertStateDictLayout, readCheckpoint, toStateDict } from '@pv/torch-checkpoint';
import { facenetCatalogEntry } from './catalog-entry.js';
import { buildInceptionResnetV1Onnx } from './inception-resnet-v1/build-onnx.js';
import type { FacenetNormalization } from './inception-resnet-v1/normalization.js';
import { CASIA_WEBFACE, VGGFACE2, variantLayout, type FacenetVariant } from './variants.js';

/** Options of {@link importFacenet}. */
export interface ImportFacenetOptions {
  /** Path of facenet-pytorch's `20180402-114759-vggface2.pt`. */
  readonly vggface2?: string;
  /** Path of facenet-pytorch's `20180408-102900-casia-webface.pt`. */
  readonly casiaWebface?: string;
  /** The models cache directory (default: `modelsCacheDir()` of `@pv/model-fetch`, i.e. `PV_MODELS_DIR` or `~/.cache/pv/models`). */
  readonly modelsDir?: string;
  /** Input normalisation built into the graph (default `fixed`, what facenet-pytorch's models were trained with). */
  readonly normalization?: FacenetNormalization;
  /** The catalog to register into (default: `defaultCatalog` of `@pv/models`). */
  readonly catalog?: ModelCatalog;
  /** Where the files were downloaded from, recorded in `source.convertedFrom.url` (`fetchFacenet` sets it). */
  readonly urls?: { readonly vggface2?: string; readonly casiaWebface?: string };
}

/** One imported model. */
export interface ImportedFacenetModel {
  readonly id: FacenetVariant['id'];
  /** Absolute path of the written ONNX file. */
  readonly onnxFile: string;
  /** The checkpoint it was converted from (absolute path), its SHA-256, size and `torch.save` format (`pytorch-zip` or `pytorch-legacy`), as recorded in the entry's `source.convertedFrom`. */
  readonly source: OriginalWeights;
  /** The catalog entry registered and saved in `<modelsDir>/local-models.json`. */
  readonly entry: EmbedderModelEntry;
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

async function readCheckpointFile(file: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(file));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new NotFoundError(`No such file: ${file}`, { file });
    throw error;
  }
}

/**
 * Converts the user's facenet-pytorch FaceNet checkpoints (either or both) to ONNX once, writes
 * `<modelsDir>/facenet-vggface2.onnx` / `facenet-casia-webface.onnx`, and registers the catalog entries
 * `facenet-vggface2` / `facenet-casia-webface` (saved in `<modelsDir>/local-models.json`, so later
 * processes find them with `loadLocalModels`). Every file is read and checked before anything is written:
 * a file that is not a PyTorch checkpoint, or whose keys or shapes differ from facenet-pytorch's
 * `InceptionResnetV1` (including a classifier of the other variant's class count, i.e. swapped files), is
 * refused with `E_MODEL_FORMAT` naming the first mismatch; a missing file with `E_NOT_FOUND`.
 */
export async function importFacenet(options: ImportFacenetOptions): Promise<ImportedFacenetModel[]> {
  const requested = [
    [VGGFACE2, options.vggface2, options.urls?.vggface2],
    [CASIA_WEBFACE, options.casiaWebface, options.urls?.casiaWebface],
  ].filter((triple): triple is [FacenetVariant, string, string | undefined] => triple[1] !== undefined);
  if (requested.length === 0) throw new InvalidArgumentError('importFacenet needs the path of vggface2 and/or casiaWebface');
  const normalization = options.normalization ?? 'fixed';
  const modelsDir = path.resolve(options.modelsDir ?? modelsCacheDir());

  const converted: { variant: FacenetVariant; source: OriginalWeights; onnx: Uint8Array }[] = [];
  for (const [variant, file, url] of requested) {
    const absolute = path.resolve(file);
    const bytes = await readCheckpointFile(absolute);
    const checkpoint = readCheckpoint(bytes);
    const source: OriginalWeights = {
      file: absolute,
      sha256: sha256(bytes),
      size: bytes.length,
      format: `pytorch-${checkpoint.format}`,
      ...(url === undefined ? {} : { url }),
    };
    const stateDict = toStateDict(checkpoint.root);
    assertStateDictLayout(stateDict, variantLayout(variant), `file ${path.basename(absolute)} (as ${variant.fileName})`);
    const onnx = buildInceptionResnetV1Onnx(stateDict, {
      normalization,
      metadata: { source_file: path.basename(absolute), source_sha256: source.sha256, source_size: String(source.size), pv_model_id: variant.id },
    });
    converted.push({ variant, source, onnx });
  }

  const imported: ImportedFacenetModel[] = [];
  for (const { variant, source, onnx } of converted) {
    const fileName = `${variant.id}.onnx`;
    const onnxFile = path.join(modelsDir, fileName);
    await writeFileAtomically(onnxFile, onnx);
    const entry = facenetCatalogEntry(variant, { file: fileName, sha256: sha256(onnx), size: onnx.length }, source, normalization);
    const saved = await saveLocalModel(entry, { cacheDir: modelsDir, ...(options.catalog === undefined ? {} : { catalog: options.catalog }) });
    imported.push({ id: variant.id, onnxFile, source, entry: saved as EmbedderModelEntry });
  }
  return imported;
}
