import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { AbortedError, InvalidArgumentError, PvError, type FacePolicy, type PvErrorCode } from '@pv/core';
import { fetchModels } from '@pv/model-fetch';
import type { ImageLoaderOptions } from './image-loader.js';
import type {
  FileEmbeddings,
  PoolDetectorOptions,
  PoolEmbedderOptions,
  PoolReply,
  PoolRequest,
  PoolWorkerSettings,
} from './pool-protocol.js';

export type { FileEmbeddings, PoolDetectorOptions, PoolEmbedderOptions } from './pool-protocol.js';

/** Options of {@link createWorkerPool}. Everything is plain data: it is copied into each worker. */
export interface WorkerPoolOptions {
  /** Worker threads, each with its own sessions (default: available cores). */
  readonly workers?: number;
  readonly detector?: PoolDetectorOptions;
  readonly embedder?: PoolEmbedderOptions;
  readonly images?: ImageLoaderOptions;
  /** Which faces of each photo to embed (default `largest`). */
  readonly facePolicy?: FacePolicy;
  /** The models cache directory (default: `@pv/model-fetch`'s). */
  readonly cacheDir?: string;
}

/** Options of {@link WorkerPool.embedFiles}. */
export interface EmbedFilesOptions {
  /** Called as each file finishes (in completion order), e.g. to save progressively. */
  readonly onResult?: (result: FileEmbeddings, index: number) => void;
  /** Stops handing out files; the call then rejects with `E_ABORTED` once running files finish. */
  readonly signal?: AbortSignal;
}

/** Embeds many image files in parallel on worker threads. */
export interface WorkerPool {
  readonly workers: number;
  /**
   * The faces of every file (by the pool's face policy), in input order. A file that cannot be used is a
   * result with `ok: false` and a failure, never an exception.
   */
  embedFiles(files: readonly string[], options?: EmbedFilesOptions): Promise<FileEmbeddings[]>;
  /** Closes every worker's sessions and ends the threads. */
  close(): Promise<void>;
}

/**
 * Starts `workers` worker threads, each opening its own detector and embedder sessions (one intra-op thread
 * each by default), and returns a pool that spreads files over them. Model files are fetched and verified
 * once, before any worker starts. Rejects when a worker cannot open the models.
 *
 * @example
 * ```ts
 * const pool = await createWorkerPool({ workers: 2 });
 * const results = await pool.embedFiles(['a.jpg', 'b.jpg']);
 * await pool.close();
 * ```
 */
export async function createWorkerPool(options: WorkerPoolOptions = {}): Promise<WorkerPool> {
  const count = options.workers ?? availableParallelism();
  if (!Number.isInteger(count) || count < 1) {
    throw new InvalidArgumentError(`workers must be a positive integer, got ${count}`, { workers: count });
  }
  const settings: PoolWorkerSettings = {
    detector: options.detector ?? {},
    embedder: options.embedder ?? {},
    images: options.images ?? {},
    facePolicy: options.facePolicy ?? 'largest',
    cacheDir: options.cacheDir,
  };
  const cache = options.cacheDir !== undefined ? { cacheDir: options.cacheDir } : {};
  const ids = [settings.detector.model ?? 'rfb320', settings.detector.landmarks?.model ?? 'landmarks68', settings.embedder.model ?? 'mobilefacenet'];
  await fetchModels(ids, cache);
  const workers = await Promise.all(Array.from({ length: count }, () => startWorker(settings).catch((error: unknown) => error)));
  const started = workers.filter((w): w is Worker => w instanceof Worker);
  const failed = workers.find((w) => !(w instanceof Worker));
  if (failed !== undefined) {
    await Promise.all(started.map((w) => w.terminate()));
    throw failed;
  }
  return new ThreadPool(started);
}

/** The run in progress: where results and a broken worker are reported. */
interface ActiveRun {
  onResult(thread: Worker, id: number, result: FileEmbeddings): void;
  onBroken(error: Error): void;
}

class ThreadPool implements WorkerPool {
  readonly workers: number;
  readonly #threads: Worker[];
  readonly #alive: Set<Worker>;
  #tail: Promise<unknown> = Promise.resolve();
  #active: ActiveRun | undefined;
  #broken: Error | undefined;
  #closing = false;

  constructor(threads: Worker[]) {
    this.#threads = threads;
    this.#alive = new Set(threads);
    this.workers = threads.length;
    for (const thread of threads) {
      thread.on('message', (reply: PoolReply) => {
        if (reply.type === 'result') this.#active?.onResult(thread, reply.id, reply.result);
      });
      thread.on('error', (error: Error) => this.#fail(error));
      thread.on('exit', (code: number) => {
        this.#alive.delete(thread);
        if (!this.#closing) this.#fail(new Error(`exit code ${code}`));
      });
    }
  }

  embedFiles(files: readonly string[], options: EmbedFilesOptions = {}): Promise<FileEmbeddings[]> {
    const run = this.#tail.then(() => this.#run(files, options));
    this.#tail = run.catch(() => undefined);
    return run;
  }

  #fail(cause: Error): void {
    this.#broken ??= new Error(`A pool worker stopped (${cause.message}); the pool cannot be used any more`, { cause });
    this.#active?.onBroken(this.#broken);
  }

  #run(files: readonly string[], options: EmbedFilesOptions): Promise<FileEmbeddings[]> {
    if (this.#broken) return Promise.reject(this.#broken);
    if (this.#closing) return Promise.reject(new InvalidArgumentError('The worker pool is closed'));
    const results = new Array<FileEmbeddings>(files.length);
    let next = 0;
    let running = 0;
    return new Promise<FileEmbeddings[]>((resolve, reject) => {
      const feed = (thread: Worker): void => {
        if (options.signal?.aborted || next >= files.length) {
          if (running > 0) return;
          this.#active = undefined;
          if (options.signal?.aborted) reject(new AbortedError());
          else resolve(results);
          return;
        }
        const id = next++;
        running++;
        thread.postMessage({ type: 'job', id, file: files[id] as string } satisfies PoolRequest);
      };
      this.#active = {
        onResult: (thread, id, result) => {
          running--;
          results[id] = result;
          options.onResult?.(result, id);
          feed(thread);
        },
        onBroken: (error) => {
          this.#active = undefined;
          reject(error);
        },
      };
      for (const thread of this.#threads) feed(thread);
    });
  }

  async close(): Promise<void> {
    await this.#tail;
    this.#closing = true;
    await Promise.all(
      [...this.#alive].map(
        (thread) =>
          new Promise<void>((resolve) => {
            thread.once('exit', () => resolve());
            thread.postMessage({ type: 'close' } satisfies PoolRequest);
          }),
      ),
    );
  }
}

/**
 * Starts the worker script. Built (`dist/`), it is plain JavaScript. Run from the TypeScript sources (tests,
 * `tsx`), the worker registers tsx's loader first and resolves workspace packages to their sources too.
 */
function spawnWorker(settings: PoolWorkerSettings): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./pool-worker.js', import.meta.url), { workerData: settings });
  const loader = import.meta.resolve('tsx/esm/api');
  const script = new URL('./pool-worker.ts', import.meta.url).href;
  const code = `import(${JSON.stringify(loader)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(script)}); });`;
  return new Worker(code, { eval: true, workerData: settings, execArgv: ['--conditions=pv-source'] });
}

/** Starts one worker and waits until its sessions are open. */
function startWorker(settings: PoolWorkerSettings): Promise<Worker> {
  const worker = spawnWorker(settings);
  return new Promise((resolve, reject) => {
    const onMessage = (reply: PoolReply): void => {
      cleanup();
      if (reply.type === 'ready') resolve(worker);
      else if (reply.type === 'init-error') {
        void worker.terminate();
        // The code came from a PvError thrown in the worker, or is E_UNEXPECTED for anything else.
        const { code, message } = reply.failure;
        reject(code === 'E_UNEXPECTED' ? new Error(message) : new PvError(code as PvErrorCode, message));
      }
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const onExit = (code: number): void => {
      cleanup();
      reject(new Error(`A pool worker exited during start-up (code ${code})`));
    };
    const cleanup = (): void => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
}
