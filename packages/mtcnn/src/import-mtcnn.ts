import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InvalidArgumentError, NotFoundError } from '@pv/core';
import { modelsCacheDir, saveLocalModel } from '@pv/model-fetch';
import type { DetectorModelEntry, ModelCatalog, OriginalWeights } from '@pv/models';
import { readCheckpoint, toStateDict } from '@pv/torch-checkpoint';
import { MTCNN_MODEL_IDS, mtcnnCatalogEntry } from './catalog-entries.js';
import { MTCNN_NETWORKS, type MtcnnNetworkName } from './networks/architecture.js';
import { buildMtcnnOnnx } from './networks/build-onnx.js';

/** Options of {@link importMtcnn}. */
export interface ImportMtcnnOptions {
  /** A folder holding `pnet.pt`, `rnet.pt` and `onet.pt` (facenet-pytorch's `data/` folder). */
  readonly directory?: string;
  /** Path of `pnet.pt` (default: in `directory`). */
  readonly pnet?: string;
  /** Path of `rnet.pt` (default: in `directory`). */
  readonly rnet?: string;
  /** Path of `onet.pt` (default: in `directory`). */
  readonly onet?: string;
  /** The models cache directory (default: `modelsCacheDir()` of `@pv/model-fetch`, i.e. `PV_MODELS_DIR` or `~/.cache/pv/models`). */
  readonly modelsDir?: string;
  /** The catalog to register into (default: `defaultCatalog` of `@pv/models`). */
  readonly catalog?: ModelCatalog;
  /** Where the files were downloaded from, recorded in `source.convertedFrom.url` (`fetchMtcnn` sets it). */
  readonly urls?: Readonly<Partial<Record<MtcnnNetworkName, string>>>;
}

/** One imported network. */
export interface ImportedMtcnnModel {
  /** Catalog id: `mtcnn-pnet`, `mtcnn-rnet` or `mtcnn-onet`. */
  readonly id: string;
  /** Absolute path of the written ONNX file. */
  readonly onnxFile: string;
  /** The PyTorch file it was converted from (absolute path), with its SHA-256, size, `torch.save` format and download URL if any. */
  readonly source: OriginalWeights;
  /** The catalog entry registered and saved in `<modelsDir>/local-models.json`. */
  readonly entry: DetectorModelEntry;
}

const NETWORK_ORDER: readonly MtcnnNetworkName[] = ['pnet', 'rnet', 'onet'];

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

async function readWeights(file: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(file));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new NotFoundError(`MTCNN weights file not found: ${file}`, { file });
    throw error;
  }
}

/** Writes `bytes` to `file` through a temporary file and a rename, so readers never see half a model. */
async function writeAtomically(file: string, bytes: Uint8Array): Promise<void> {
  const temp = `${file}.${process.pid}-${randomBytes(6).toString('hex')}.part`;
  try {
    await writeFile(temp, bytes);
    await rename(temp, file);
  } finally {
    await rm(temp, { force: true });
  }
}

function weightsFile(options: ImportMtcnnOptions, name: MtcnnNetworkName): string {
  const file = options[name] ?? (options.directory === undefined ? undefined : path.join(options.directory, `${name}.pt`));
  if (file === undefined) throw new InvalidArgumentError(`importMtcnn needs a directory holding ${name}.pt, or the path of ${name}.pt`, { network: name });
  return path.resolve(file);
}

/**
 * Imports facenet-pytorch's MTCNN weights (`pnet.pt`, `rnet.pt`, `onet.pt`, as its `data/` folder holds
 * them): checks every key and shape, converts each network to ONNX, writes `<modelsDir>/mtcnn-pnet.onnx`,
 * `mtcnn-rnet.onnx` and `mtcnn-onet.onnx`, and registers the catalog entries `mtcnn-pnet`, `mtcnn-rnet`
 * and `mtcnn-onet` (saved in `<modelsDir>/local-models.json`, so later processes find them with
 * `loadLocalModels`; `MtcnnDetector.create` does that itself). Every entry records its ONNX file's SHA-256 and
 * size (verified whenever the model is opened) and names the source file with its SHA-256 and size. All three
 * files are read and checked before anything is written; importing again replaces the earlier import.
 *
 * Errors: `E_INVALID_ARGUMENT` (a file is not given), `E_NOT_FOUND` (a file is missing), `E_MODEL_FORMAT`
 * (a file is not a readable PyTorch checkpoint, or its keys or shapes differ from the network's: the message
 * names the file and the first mismatch, e.g. `tensor conv1.weight has shape [28, 3, 3, 3], expected
 * [10, 3, 3, 3]` for R-Net's file given as P-Net's).
 */
export async function importMtcnn(options: ImportMtcnnOptions): Promise<ImportedMtcnnModel[]> {
  const files = NETWORK_ORDER.map((name) => ({ name, file: weightsFile(options, name) }));
  const converted: { name: MtcnnNetworkName; source: OriginalWeights; onnx: Uint8Array }[] = [];
  for (const { name, file } of files) {
    const bytes = await readWeights(file);
    const checkpoint = readCheckpoint(bytes);
    const url = options.urls?.[name];
    const source: OriginalWeights = { file, sha256: sha256(bytes), size: bytes.length, format: `pytorch-${checkpoint.format}`, ...(url === undefined ? {} : { url }) };
    const onnx = buildMtcnnOnnx(MTCNN_NETWORKS[name], toStateDict(checkpoint.root), {
      what: `file ${path.basename(file)} (as ${name}.pt)`,
      metadata: { source_file: path.basename(file), source_sha256: source.sha256, source_size: String(source.size), pv_model_id: MTCNN_MODEL_IDS[name] },
    });
    converted.push({ name, source, onnx });
  }
  const modelsDir = path.resolve(options.modelsDir ?? modelsCacheDir());
  await mkdir(modelsDir, { recursive: true });
  const imported: ImportedMtcnnModel[] = [];
  for (const { name, source, onnx } of converted) {
    const id = MTCNN_MODEL_IDS[name];
    const fileName = `${id}.onnx`;
    const onnxFile = path.join(modelsDir, fileName);
    await writeAtomically(onnxFile, onnx);
    const entry = mtcnnCatalogEntry(MTCNN_NETWORKS[name], { file: fileName, sha256: sha256(onnx), size: onnx.length }, source);
    await saveLocalModel(entry, { cacheDir: modelsDir, ...(options.catalog === undefined ? {} : { catalog: options.catalog }) });
    imported.push({ id, onnxFile, source, entry });
  }
  return imported;
}
