import { PvError } from '@pv/core';
import { fetchModels } from '@pv/model-fetch';
import { Piscina } from 'piscina';
import { ApiError } from '../api-error.js';
import type { FaceChoice, ImageFaces, InferenceReply, InferenceTask, InferenceWorkerSettings } from './protocol.js';

/** Options of {@link InferencePool.start}. */
export interface InferencePoolOptions {
  /** Worker threads, each with its own model sessions. */
  readonly workers: number;
  /** Jobs that may wait while every worker is busy; beyond that, {@link InferencePool.embedImage} refuses with 503. */
  readonly maxQueue: number;
  /** Seconds a refused client is told to wait (`Retry-After`). */
  readonly retryAfterSeconds: number;
  /** Embedder model id. */
  readonly model: string;
  /** Pixel limit applied again by the decoder in the worker. */
  readonly limitInputPixels: number;
  /** Models cache directory (default: `@pv/model-fetch`'s). */
  readonly cacheDir: string | undefined;
}

/** The worker script: built JavaScript next to this file, or the TypeScript sources through a tsx bootstrap. */
function workerFile(): string {
  return import.meta.url.endsWith('.ts')
    ? new URL('./worker.dev.mjs', import.meta.url).href
    : new URL('./worker.js', import.meta.url).href;
}

/**
 * Face detection and embedding off the event loop: a fixed set of worker threads (piscina), each with its
 * own ONNX sessions, behind a bounded queue. While `workers + maxQueue` jobs are in flight, new jobs are
 * refused at once with 503 and `Retry-After` rather than piling up in memory; the event loop stays free
 * for health checks and store reads.
 */
export class InferencePool {
  readonly #piscina: Piscina;
  readonly #capacity: number;
  readonly #retryAfterSeconds: number;
  #inFlight = 0;

  private constructor(piscina: Piscina, options: InferencePoolOptions) {
    this.#piscina = piscina;
    this.#capacity = options.workers + options.maxQueue;
    this.#retryAfterSeconds = options.retryAfterSeconds;
  }

  /**
   * Fetches and verifies the model files once, starts the workers and waits until each has opened its
   * models. Rejects (and stops the threads) when the models cannot be opened.
   */
  static async start(options: InferencePoolOptions): Promise<InferencePool> {
    const settings: InferenceWorkerSettings = {
      detector: {},
      embedder: { model: options.model },
      limitInputPixels: options.limitInputPixels,
      cacheDir: options.cacheDir,
    };
    await fetchModels(['rfb320', 'landmarks68', options.model], options.cacheDir !== undefined ? { cacheDir: options.cacheDir } : {});
    const piscina = new Piscina({
      filename: workerFile(),
      minThreads: options.workers,
      maxThreads: options.workers,
      idleTimeout: Number.POSITIVE_INFINITY,
      concurrentTasksPerWorker: 1,
      atomics: 'disabled',
      workerData: settings,
      execArgv: import.meta.url.endsWith('.ts') ? ['--conditions=pv-source'] : [],
    });
    try {
      const warmUp: InferenceTask = { kind: 'warm-up' };
      await Promise.all(Array.from({ length: options.workers }, () => piscina.run(warmUp)));
    } catch (error) {
      await piscina.destroy();
      throw error;
    }
    return new InferencePool(piscina, options);
  }

  /** Jobs running or waiting now. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /**
   * Decodes `bytes` in a worker and embeds its main face (`largest`) or every face (`all`). A photo without
   * faces gives an empty list. Refuses with 503 `E_BUSY` (and `Retry-After`) when the queue is full; library
   * failures (e.g. `E_BAD_IMAGE`) are rethrown as {@link PvError}s.
   */
  async embedImage(bytes: Uint8Array, faces: FaceChoice): Promise<ImageFaces> {
    if (this.#inFlight >= this.#capacity) {
      throw new ApiError(503, 'E_BUSY', 'The server is busy; retry later', {
        headers: { 'retry-after': String(this.#retryAfterSeconds) },
      });
    }
    this.#inFlight++;
    try {
      const task: InferenceTask = { kind: 'embed', bytes, faces };
      const reply = (await this.#piscina.run(task)) as InferenceReply;
      if (reply.kind === 'failure') throw new PvError(reply.failure.code, reply.failure.message, reply.failure.details);
      if (reply.kind !== 'faces') throw new Error(`Unexpected inference reply "${reply.kind}"`);
      return reply.result;
    } finally {
      this.#inFlight--;
    }
  }

  /** Waits for running and queued jobs, then stops the threads. */
  async close(): Promise<void> {
    await this.#piscina.close();
  }
}
