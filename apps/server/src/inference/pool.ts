import { isPvError, type AnalysisKind, type EncodedFace, type FaceEncoder } from '@pv/core';
import { openFaceEncoderPool, type DetectorSpec } from '@pv/pipeline-node';
import sharp from 'sharp';
import { ApiError } from '../api-error.js';

/** Which faces of a photo to embed: the main one (`largest`) or every face (`all`). */
export type FaceChoice = 'largest' | 'all';

/** The faces of one image. */
export interface ImageFaces {
  /** Size of the decoded image (after its EXIF orientation was applied). */
  readonly width: number;
  readonly height: number;
  /** Most confident first; empty when the photo shows no face. */
  readonly faces: EncodedFace[];
}

/** Options of {@link InferencePool.start}. */
export interface InferencePoolOptions {
  /** Worker threads, each with its own model sessions. */
  readonly workers: number;
  /** Jobs that may wait while every worker is busy; beyond that, {@link InferencePool.embedImage} refuses with 503. */
  readonly maxQueue: number;
  /** Seconds a refused client is told to wait (`Retry-After`). */
  readonly retryAfterSeconds: number;
  /** Face detector: an id of `@pv/pipeline-node`'s table (`rfb320`, `mtcnn`) or a plugin. */
  readonly detector: DetectorSpec;
  /** Embedder model id (built in, converted such as `dlib-resnet`, or imported). */
  readonly model: string;
  /** Pixel limit applied again by the decoder in the worker. */
  readonly limitInputPixels: number;
  /** Models cache directory (default: `@pv/model-fetch`'s). */
  readonly cacheDir: string | undefined;
  /**
   * Analyses the workers open at start (those a setting needs on every request: `requireLive`, a default
   * review). Others are opened lazily, on the first request that asks for them. Default none.
   */
  readonly analyses?: readonly AnalysisKind[];
}

/**
 * Face detection and embedding off the event loop: `@pv/pipeline-node`'s worker pool (any detector and
 * model, on worker threads even when there is one) behind a bounded queue. While
 * `workers + maxQueue` jobs are in flight, new jobs are refused at once with 503 and `Retry-After` rather
 * than piling up in memory; the event loop stays free for health checks and store reads.
 */
export class InferencePool {
  #encoder: FaceEncoder;
  /** The analyses the current workers can run. */
  #analyses: ReadonlySet<AnalysisKind>;
  /** A pool with more analyses being started (one at a time), and what it will offer. */
  #upgrade: Promise<void> | undefined;
  #closed = false;
  readonly #options: InferencePoolOptions;
  readonly #capacity: number;
  readonly #retryAfterSeconds: number;
  #inFlight = 0;

  private constructor(encoder: FaceEncoder, options: InferencePoolOptions) {
    this.#encoder = encoder;
    this.#options = options;
    this.#analyses = new Set(options.analyses ?? []);
    this.#capacity = options.workers + options.maxQueue;
    this.#retryAfterSeconds = options.retryAfterSeconds;
  }

  /**
   * Fetches and verifies the model files once, starts the workers and waits until each has opened its
   * models (the analysis models of `options.analyses` only). Rejects (and stops the threads) when the models
   * cannot be opened.
   */
  static async start(options: InferencePoolOptions): Promise<InferencePool> {
    return new InferencePool(await openPool(options, options.analyses ?? []), options);
  }

  /** Jobs running or waiting now. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** The analyses the workers can run now (grows as requests ask for more). */
  get analyses(): readonly AnalysisKind[] {
    return [...this.#analyses];
  }

  /**
   * Decodes `bytes` in a worker and embeds its main face (`largest`) or every face (`all`), running the
   * `analyses` asked for on each face. A photo without faces gives an empty list. Refuses with 503 `E_BUSY`
   * (and `Retry-After`) when the queue is full; library failures (e.g. `E_BAD_IMAGE`) are rethrown as the
   * {@link PvError} class thrown in the worker.
   *
   * Analysis models are loaded lazily: the first request that asks for an analysis the workers lack starts a
   * new pool with it (the old one keeps answering the requests that need no analyses, then is closed), so a
   * server nobody asks for analyses never loads them.
   */
  async embedImage(bytes: Uint8Array, faces: FaceChoice, analyses: readonly AnalysisKind[] = []): Promise<ImageFaces> {
    if (this.#inFlight >= this.#capacity) {
      throw new ApiError(503, 'E_BUSY', 'The server is busy; retry later', {
        headers: { 'retry-after': String(this.#retryAfterSeconds) },
      });
    }
    this.#inFlight++;
    try {
      if (analyses.some((kind) => !this.#analyses.has(kind))) await this.#offer(analyses);
      let found: EncodedFace[] = [];
      try {
        found = await this.#encoder.encode(bytes, { facePolicy: faces, ...(analyses.length > 0 ? { analyses } : {}) });
      } catch (error) {
        // No face is an answer here (identify reports an empty list); the caller decides what it means.
        if (!isPvError(error, 'E_NO_FACE')) throw error;
      }
      return { ...(await orientedSize(bytes)), faces: found };
    } finally {
      this.#inFlight--;
    }
  }

  /** Makes the workers offer `analyses` too: starts a pool with every analysis asked for so far and swaps it in. */
  async #offer(analyses: readonly AnalysisKind[]): Promise<void> {
    while (analyses.some((kind) => !this.#analyses.has(kind))) {
      if (this.#closed) throw new ApiError(503, 'E_SHUTTING_DOWN', 'The server is shutting down');
      if (this.#upgrade) {
        await this.#upgrade;
        continue;
      }
      const wanted = [...new Set([...this.#analyses, ...analyses])];
      this.#upgrade = (async () => {
        try {
          const next = await openPool(this.#options, wanted);
          if (this.#closed) {
            await next.close();
            return;
          }
          const previous = this.#encoder;
          this.#encoder = next;
          this.#analyses = new Set(wanted);
          // Jobs already sent to the old workers finish there; close() waits for them.
          void previous.close();
        } finally {
          this.#upgrade = undefined;
        }
      })();
      await this.#upgrade;
    }
  }

  /** Waits for running and queued jobs, then stops the threads. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#upgrade?.catch(() => undefined);
    await this.#encoder.close();
  }
}

/** A worker pool with the options' detector and model and the given analyses. */
function openPool(options: InferencePoolOptions, analyses: readonly AnalysisKind[]): Promise<FaceEncoder> {
  return openFaceEncoderPool({
    detector: options.detector,
    model: options.model,
    threads: options.workers,
    images: { limitInputPixels: options.limitInputPixels },
    ...(options.cacheDir !== undefined ? { cacheDir: options.cacheDir } : {}),
    ...(analyses.length > 0 ? { analyses } : {}),
  });
}

/** The size of a decodable image after its EXIF orientation is applied (read from its header only). */
async function orientedSize(bytes: Uint8Array): Promise<{ width: number; height: number }> {
  const { autoOrient } = await sharp(bytes, { limitInputPixels: false }).metadata();
  return { width: autoOrient.width, height: autoOrient.height };
}
