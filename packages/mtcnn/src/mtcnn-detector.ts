import { NotFoundError, type FaceDetection, type FaceDetector, type RgbImage } from '@pv/core';
import { openSession, resolveModel, type ModelSourceOptions, type OnnxSessionOptions } from '@pv/embedder-onnx-node';
import { loadLocalModels } from '@pv/model-fetch';
import { defaultCatalog } from '@pv/models';
import type ort from 'onnxruntime-node';
import { MTCNN_MODEL_IDS } from './catalog-entries.js';
import type { MtcnnNetworkName } from './networks/architecture.js';
import { OnnxMtcnnNetworks } from './onnx-networks.js';
import { detectFaces, resolveDetectionOptions, type MtcnnDetectionOptions } from './pipeline/detect-faces.js';

/** Options of {@link MtcnnDetector.create}. */
export interface MtcnnDetectorOptions extends OnnxSessionOptions, MtcnnDetectionOptions {
  /** Where the imported models are found (catalog and cache directory; see `@pv/model-fetch`). */
  readonly models?: ModelSourceOptions;
}

/**
 * `@pv/core`'s {@link FaceDetector} over MTCNN (P-Net → R-Net → O-Net on onnxruntime-node), detecting as
 * facenet-pytorch does (see {@link detectFaces}); each face comes with MTCNN's five landmarks. Needs the
 * networks imported once with `importMtcnn`. Boxes are not clipped to the image (facenet-pytorch's crops
 * clip them when cutting).
 */
export class MtcnnDetector implements FaceDetector {
  readonly id = 'mtcnn';
  readonly #networks: OnnxMtcnnNetworks;
  readonly #options: Required<MtcnnDetectionOptions>;

  private constructor(networks: OnnxMtcnnNetworks, options: Required<MtcnnDetectionOptions>) {
    this.#networks = networks;
    this.#options = options;
  }

  /**
   * Opens the three imported networks, verifying their files by SHA-256. Entries missing from the catalog
   * are read from the cache's `local-models.json` first; when they are still missing, `E_NOT_FOUND` says
   * to import the weights.
   */
  static async create(options: MtcnnDetectorOptions = {}): Promise<MtcnnDetector> {
    const detection = resolveDetectionOptions(options);
    const models = options.models ?? {};
    const catalog = models.catalog ?? defaultCatalog;
    const ids = Object.values(MTCNN_MODEL_IDS);
    if (!ids.every((id) => catalog.has(id))) await loadLocalModels({ catalog, ...(models.cacheDir ? { cacheDir: models.cacheDir } : {}) });
    const missing = ids.filter((id) => !catalog.has(id));
    if (missing.length > 0) {
      throw new NotFoundError(
        `MTCNN is not imported (missing ${missing.join(', ')}): import facenet-pytorch's pnet.pt, rnet.pt and onet.pt with importMtcnn()`,
        { missing },
      );
    }
    const sessions: ort.InferenceSession[] = [];
    try {
      for (const name of ['pnet', 'rnet', 'onet'] as const satisfies readonly MtcnnNetworkName[]) {
        const { entry, file } = await resolveModel(MTCNN_MODEL_IDS[name], 'detector', { ...models, catalog });
        sessions.push(await openSession(entry, file, options));
      }
    } catch (error) {
      await Promise.all(sessions.map((s) => s.release()));
      throw error;
    }
    const [pnet, rnet, onet] = sessions as [ort.InferenceSession, ort.InferenceSession, ort.InferenceSession];
    return new MtcnnDetector(new OnnxMtcnnNetworks(pnet, rnet, onet), detection);
  }

  /** Faces in `image`, best score first, with five landmarks each. */
  detect(image: RgbImage): Promise<FaceDetection[]> {
    return detectFaces(image, this.#networks, this.#options);
  }

  /** Frees the three sessions. */
  async close(): Promise<void> {
    await this.#networks.release();
  }
}
