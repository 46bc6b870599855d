import { isPvError, type EncodedFace, type FaceEncoder } from '@pv/core';
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
}

/**
 * Face detection and embedding off the event loop: `@pv/pipeline-node`'s worker pool (any detector and
 * model, on worker threads even when there is one) behind a bounded queue. While
 * `workers + maxQueue` jobs are in flight, new jobs are refused at once with 503 and `Retry-After` rather
 * than piling up in memory; the event loop stays free for health checks and store reads.
 */
export class InferencePool {
  readonly #encoder: FaceEncoder;
  readonly #capacity: number;
  readonly #retryAfterSeconds: number;
  #inFlight = 0;

  private constructor(encoder: FaceEncoder, options: InferencePoolOptions) {
    this.#encoder = encoder;
    this.#capacity = options.workers + options.maxQueue;
    this.#retryAfterSeconds = options.retryAfterSeconds;
  }

  /**
   * Fetches and verifies the model files once, starts the workers and waits until each has opened its
   * models. Rejects (and stops the threads) when the models cannot be opened.
   */
  static async start(options: InferencePoolOptions): Promise<InferencePool> {
    const encoder = await openFaceEncoderPool({
      detector: options.detector,
      model: options.model,
      threads: options.workers,
      images: { limitInputPixels: options.limitInputPixels },
      ...(options.cacheDir !== undefined ? { cacheDir: options.cacheDir } : {}),
    });
    return new InferencePool(encoder, options);
  }

  /** Jobs running or waiting now. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /**
   * Decodes `bytes` in a worker and embeds its main face (`largest`) or every face (`all`). A photo without
   * faces gives an empty list. Refuses with 503 `E_BUSY` (and `Retry-After`) when the queue is full; library
   * failures (e.g. `E_BAD_IMAGE`) are rethrown as the {@link PvError} class thrown in the worker.
   */
  async embedImage(bytes: Uint8Array, faces: FaceChoice): Promise<ImageFaces> {
    if (this.#inFlight >= this.#capacity) {
      throw new ApiError(503, 'E_BUSY', 'The server is busy; retry later', {
        headers: { 'retry-after': String(this.#retryAfterSeconds) },
      });
    }
    this.#inFlight++;
    try {
      let found: EncodedFace[] = [];
      try {
        found = await this.#encoder.encode(bytes, { facePolicy: faces });
      } catch (error) {
        // No face is an answer here (identify reports an empty list); the caller decides what it means.
        if (!isPvError(error, 'E_NO_FACE')) throw error;
      }
      return { ...(await orientedSize(bytes)), faces: found };
    } finally {
      this.#inFlight--;
    }
  }

  /** Waits for running and queued jobs, then stops the threads. */
  async close(): Promise<void> {
    await this.#encoder.close();
  }
}

/** The size of a decodable image after its EXIF orientation is applied (read from its header only). */
async function orientedSize(bytes: Uint8Array): Promise<{ width: number; height: number }> {
  const { autoOrient } = await sharp(bytes, { limitInputPixels: false }).metadata();
  return { width: autoOrient.width, height: autoOrient.height };
}
