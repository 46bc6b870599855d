import { stat } from 'node:fs/promises';
import path from 'node:path';
import { FaceRecognizer, InvalidArgumentError, NotFoundError, PvError, withinThreshold, type FileFailure, type ImageInput, type LabelledEmbedding } from '@pv/core';
import { createImageLoader, OnnxEmbedder } from '@pv/embedder-onnx-node';
import { ensureFacenetModel, type FacenetPretrained, type FetchFacenetOptions } from '@pv/facenet';
import { l2 } from '@pv/metric-l2';
import { ensureMtcnnModels, MtcnnDetector } from '@pv/mtcnn';
import { alignFace } from '@pv/vision';
import { referenceLabel } from './reference-labels.js';
import { loadEmbeddings, saveEmbeddings } from './saved-embeddings.js';

/** The reference constructor's arguments (camelCase), with its defaults. */
export interface FacenetOptions {
  /** `casia-webface` (default, as in the reference) or `vggface2`. Fetched and converted on first use. */
  readonly pretrained?: FacenetPretrained;
  /** The backbone; the reference knows only `InceptionResnetV1` (default). */
  readonly model?: 'InceptionResnetV1';
  /** The reference's device; pv runs on the CPU (onnxruntime-node), so only `cpu` (default) is accepted. */
  readonly device?: 'cpu';
  /** MTCNN's face probability threshold, used for all three stages as the reference does (default 0.7). */
  readonly faceConf?: number;
  /** A folder to save embeddings in (created if missing); default none: nothing is saved unless `save` is given. */
  readonly saveLoc?: string;
  /** The file name inside `saveLoc` (default `embeddings.pkl`, the reference's; the file is a pv file store). */
  readonly saveName?: string;
  /** pv's addition: where weights come from (models cache, mirror, `sha256` pin, proxy environment, progress). */
  readonly fetch?: FetchFacenetOptions;
}

/** One embedding as the reference returns it (`{"name": …, "embedding": …}`, with pv's field name `label`). */
export interface FacenetEmbedding {
  readonly label: string;
  /** 512 values, unit length. */
  readonly embedding: Float32Array;
}

/** The reference's `compare_embeddings()` answer: `[didMatch, predictedLabel, distance]`. */
export type FacenetComparison = [didMatch: boolean, predicted: string | null, distance: number];

/** The reference's thresholds (L2 between unit embeddings): at most 0.5 is a match, beyond 0.8 `Unknown`. */
export const REFERENCE_THRESHOLD = 0.5;
/** Beyond this L2 distance the reference predicts `Unknown`; between the two thresholds it predicts `null`. */
export const REFERENCE_UNKNOWN_DISTANCE = 0.8;

interface Pipeline {
  readonly detector: MtcnnDetector;
  readonly embedder: OnnxEmbedder;
}

/**
 * The reference's `Facenet` class, call for call, on pv: FaceNet Inception-ResNet-v1 (facenet-pytorch's
 * weights, fetched, verified and converted on first use) behind MTCNN, 160x160 crops, L2 distance. Models load
 * on the first call; `close()` frees them (the reference has no such call: Python frees them for you).
 *
 * | reference | pv |
 * | --- | --- |
 * | `Facenet(pretrained="casia-webface", saveLoc="save", saveName="det.pkl")` | `new Facenet({ pretrained: 'casia-webface', saveLoc: 'save', saveName: 'det.pkl' })` |
 * | `generate_embeddings(img=None, path=p, label=None, save=None)` | `await generateEmbeddings(p, label?, save?)` |
 * | `compare_embeddings(embeddings, img, label, thresh=0.5, embedLoc=None)` | `await compareEmbeddings(img, label, embeddingsOrPath?, thresh?)` |
 */
export class Facenet {
  readonly pretrained: FacenetPretrained;
  readonly faceConf: number;
  readonly saveLoc: string | undefined;
  readonly saveName: string;
  /** Files of the last `generateEmbeddings` call that were skipped (unreadable, no face), with the reason. */
  lastFailures: FileFailure[] = [];
  readonly #fetch: FetchFacenetOptions;
  #pipeline: Promise<Pipeline> | undefined;

  constructor(options: FacenetOptions = {}) {
    const pretrained = options.pretrained ?? 'casia-webface';
    if (pretrained !== 'casia-webface' && pretrained !== 'vggface2') {
      throw new InvalidArgumentError(`pretrained must be "casia-webface" or "vggface2", got "${String(pretrained)}"`, { pretrained });
    }
    if ((options.model ?? 'InceptionResnetV1') !== 'InceptionResnetV1') {
      throw new InvalidArgumentError(`model must be "InceptionResnetV1", got "${String(options.model)}"`, { model: String(options.model) });
    }
    if ((options.device ?? 'cpu') !== 'cpu') throw new InvalidArgumentError('pv runs FaceNet on the CPU: device must be "cpu"', { device: String(options.device) });
    const faceConf = options.faceConf ?? 0.7;
    if (!(faceConf >= 0 && faceConf <= 1)) throw new InvalidArgumentError(`faceConf must be a probability, got ${faceConf}`, { faceConf });
    if (options.saveLoc !== undefined && (options.saveName ?? 'embeddings.pkl') === '') {
      throw new InvalidArgumentError('saveName cannot be empty when saveLoc is given');
    }
    this.pretrained = pretrained;
    this.faceConf = faceConf;
    this.saveLoc = options.saveLoc;
    this.saveName = options.saveName ?? 'embeddings.pkl';
    this.#fetch = options.fetch ?? {};
  }

  /** `saveLoc/saveName`, where embeddings are saved when `save` is not given; undefined without `saveLoc`. */
  get savePath(): string | undefined {
    return this.saveLoc === undefined ? undefined : path.join(this.saveLoc, this.saveName);
  }

  /**
   * The reference's `generate_embeddings()`. A folder: every image directly in it, labelled by its file name
   * up to the first dot (`label` is ignored, as in the reference); a file or decoded image: one embedding
   * labelled `label` (required). Saves to `save`, else to `saveLoc/saveName` when `saveLoc` was given, as a pv
   * file store holding exactly this call's embeddings. Unlike the reference, a file that cannot be read or
   * shows no face does not stop a folder: it is skipped and listed in {@link lastFailures}.
   */
  async generateEmbeddings(dirOrImage: ImageInput, label?: string, save?: string): Promise<FacenetEmbedding[]> {
    const recognizer = await this.#recognizer(REFERENCE_THRESHOLD);
    const jobs = await this.#jobs(dirOrImage, label);
    const out: FacenetEmbedding[] = [];
    const failures: FileFailure[] = [];
    for (const job of jobs) {
      const source = job.file === undefined ? { image: job.image, label: job.label } : { image: job.image, label: job.label, file: job.file };
      try {
        const { embeddings } = await recognizer.generateEmbeddings(source);
        out.push(...embeddings.map((e) => ({ label: e.label, embedding: e.embedding })));
      } catch (error) {
        // One image: its error is the answer. A folder goes on past a bad file, as pv's generateEmbeddings does.
        if (!job.inFolder) throw error;
        failures.push({ file: job.file ?? '<image>', code: error instanceof PvError ? error.code : 'E_UNEXPECTED', message: error instanceof Error ? error.message : String(error) });
      }
    }
    this.lastFailures = failures;
    const target = save ?? this.savePath;
    if (target !== undefined) {
      const model = recognizer.encoder.info.model;
      await saveEmbeddings(target, out, { modelId: model.id, dimension: model.dimension });
    }
    return out;
  }

  /**
   * The reference's `compare_embeddings()`: embeds the face in `image` and finds the nearest of the known
   * embeddings by L2 distance. `embeddingsOrPath`: the list `generateEmbeddings` returned, or the path of a
   * saved file (any pv file store); default the file at `saveLoc/saveName`. Returns `[didMatch, predicted,
   * distance]` as the reference does: `distance` to the nearest known embedding; `predicted` its label when
   * within `thresh` (default 0.5), `null` up to 0.8, else `'Unknown'`; `didMatch` when `predicted` is `label`.
   */
  async compareEmbeddings(
    image: ImageInput,
    label: string,
    embeddingsOrPath?: readonly FacenetEmbedding[] | string,
    thresh: number = REFERENCE_THRESHOLD,
  ): Promise<FacenetComparison> {
    const known = await this.#known(embeddingsOrPath);
    if (known.length === 0) throw new NotFoundError('There are no embeddings to compare with');
    const recognizer = await this.#recognizer(thresh);
    // pv's verify reports the nearest known embedding whatever label is claimed; claim one that exists.
    const claim = known.some((k) => k.label === label) ? label : (known[0] as LabelledEmbedding).label;
    const result = await recognizer.verify(image, claim, known);
    const distance = result.nearestDistance;
    const predicted = withinThreshold(l2, distance, thresh) ? result.prediction : withinThreshold(l2, distance, REFERENCE_UNKNOWN_DISTANCE) ? null : 'Unknown';
    return [predicted === label, predicted, distance];
  }

  /** Frees MTCNN's and FaceNet's sessions. The object can be used again afterwards (they load again). */
  async close(): Promise<void> {
    const pipeline = this.#pipeline;
    this.#pipeline = undefined;
    if (pipeline === undefined) return;
    const { detector, embedder } = await pipeline;
    await Promise.all([detector.close(), embedder.close()]);
  }

  async #recognizer(threshold: number): Promise<FaceRecognizer> {
    if (this.#pipeline === undefined) {
      this.#pipeline = this.#load();
      this.#pipeline.catch(() => (this.#pipeline = undefined));
    }
    const { detector, embedder } = await this.#pipeline;
    return new FaceRecognizer({ detector, embedder, align: alignFace, metric: l2, threshold, images: createImageLoader() });
  }

  async #load(): Promise<Pipeline> {
    const entry = await ensureFacenetModel(this.pretrained, this.#fetch);
    await ensureMtcnnModels(withoutPin(this.#fetch));
    const models = { ...(this.#fetch.cacheDir ? { cacheDir: this.#fetch.cacheDir } : {}), ...(this.#fetch.catalog ? { catalog: this.#fetch.catalog } : {}) };
    const f = this.faceConf;
    const detector = await MtcnnDetector.create({ thresholds: [f, f, f], models });
    try {
      return { detector, embedder: await OnnxEmbedder.create({ model: entry.id, models }) };
    } catch (error) {
      await detector.close();
      throw error;
    }
  }

  async #jobs(dirOrImage: ImageInput, label: string | undefined): Promise<{ image: ImageInput; label: string; file?: string; inFolder: boolean }[]> {
    if (typeof dirOrImage === 'string' && (await isDirectory(dirOrImage))) {
      const entries = (await createImageLoader().listImageFiles(dirOrImage)).filter((e) => !e.relativePath.includes('/'));
      if (entries.length === 0) throw new InvalidArgumentError(`${dirOrImage} holds no images`, { directory: dirOrImage });
      return entries.map((e) => ({ image: e.path, label: referenceLabel(e.relativePath), file: e.path, inFolder: true }));
    }
    if (label === undefined || label.trim() === '') throw new InvalidArgumentError('label cannot be empty when a single image is given');
    return [{ image: dirOrImage, label, inFolder: false, ...(typeof dirOrImage === 'string' ? { file: dirOrImage } : {}) }];
  }

  async #known(embeddingsOrPath: readonly FacenetEmbedding[] | string | undefined): Promise<readonly LabelledEmbedding[]> {
    if (Array.isArray(embeddingsOrPath)) return embeddingsOrPath as readonly FacenetEmbedding[];
    const file = (embeddingsOrPath as string | undefined) ?? this.savePath;
    if (file === undefined) throw new InvalidArgumentError('Give the embeddings (or the path of a saved file), or construct Facenet with saveLoc');
    return loadEmbeddings(file);
  }
}

function withoutPin(options: FetchFacenetOptions): Omit<FetchFacenetOptions, 'sha256' | 'normalization'> {
  const { sha256: _pin, normalization: _normalization, ...rest } = options;
  return rest;
}

async function isDirectory(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isDirectory();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new NotFoundError(`No such file or folder: ${file}`, { file });
    throw error;
  }
}
