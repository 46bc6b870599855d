import { Worker } from 'node:worker_threads';
import {
  type AnalysisKind,
  AbortedError,
  errorFromData,
  InvalidArgumentError,
  type AbortSignalLike,
  type EncodedFace,
  type EncodeManyOptions,
  type EncodeOptions,
  type EncodeResult,
  type FaceEncoder,
  type FaceEncoderInfo,
  type FacePolicy,
  type ImageInput,
  type NamedImageInput,
} from '@pv/core';
import { encodeConcurrently } from './encode-many.js';
import type { WorkerReply, WorkerRequest, WorkerSettings } from './protocol.js';

/**
 * A worker thread stopped (crashed, ran out of memory, or was terminated) while the pool was open. The
 * pool cannot be used any more: every call after that, and every input queued or running then, fails with
 * this error (it is not a per-input failure: `encodeMany` throws it).
 */
export class WorkerPoolBrokenError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WorkerPoolBrokenError';
  }
}

interface Job {
  readonly id: number;
  readonly input: ImageInput;
  readonly facePolicy: FacePolicy | undefined;
  readonly analyses: readonly AnalysisKind[] | undefined;
  readonly signal: AbortSignalLike | undefined;
  readonly resolve: (faces: EncodedFace[]) => void;
  readonly reject: (error: Error) => void;
}

/**
 * A {@link FaceEncoder} over a fixed set of worker threads, each with its own detector and embedder
 * sessions. Inputs queue in the main thread and go to the next idle worker; errors thrown in a worker come
 * back as the same {@link PvError} class (rebuilt from their code). Made by `openFaceEncoder` with
 * `threads > 1`.
 */
export class WorkerPoolFaceEncoder implements FaceEncoder {
  readonly info: FaceEncoderInfo;
  readonly #idle: Worker[];
  readonly #running = new Map<Worker, Job>();
  readonly #queue: Job[] = [];
  readonly #alive: Set<Worker>;
  #nextId = 0;
  #broken: WorkerPoolBrokenError | undefined;
  #closing: Promise<void> | undefined;
  #onDrained: (() => void) | undefined;

  private constructor(threads: Worker[], info: FaceEncoderInfo) {
    this.info = info;
    this.#idle = [...threads];
    this.#alive = new Set(threads);
    for (const thread of threads) {
      thread.on('message', (reply: WorkerReply) => this.#onReply(thread, reply));
      thread.on('error', (error: Error) => this.#fail(thread, `failed: ${error.message}`, error));
      thread.on('exit', (code: number) => {
        this.#alive.delete(thread);
        if (this.#closing === undefined) this.#fail(thread, `exited with code ${code}`);
      });
    }
  }

  /**
   * Starts `threads` workers with `settings` and waits until every one has opened its models. Rejects
   * (and stops the threads already started) when one cannot: with the worker's error rebuilt to its class.
   */
  static async start(settings: WorkerSettings, threads: number): Promise<WorkerPoolFaceEncoder> {
    const started = await Promise.allSettled(Array.from({ length: threads }, () => startWorker(settings)));
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    const workers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    if (failed) {
      await Promise.all(workers.map(({ worker }) => closeThread(worker)));
      throw failed.reason;
    }
    const first = workers[0];
    if (!first) throw new InvalidArgumentError('A worker pool needs at least one thread');
    const info: FaceEncoderInfo = { detector: first.ready.detector, model: first.ready.model, concurrency: threads, analyses: first.ready.analyses };
    return new WorkerPoolFaceEncoder(
      workers.map((w) => w.worker),
      info,
    );
  }

  encode(input: ImageInput, options: EncodeOptions = {}): Promise<EncodedFace[]> {
    if (options.signal?.aborted) return Promise.reject(new AbortedError());
    if (this.#broken) return Promise.reject(this.#broken);
    if (this.#closing) return Promise.reject(new InvalidArgumentError('The face encoder is closed'));
    return new Promise<EncodedFace[]>((resolve, reject) => {
      this.#queue.push({ id: this.#nextId++, input, facePolicy: options.facePolicy, analyses: options.analyses, signal: options.signal, resolve, reject });
      this.#dispatch();
    });
  }

  encodeMany(inputs: Iterable<NamedImageInput> | AsyncIterable<NamedImageInput>, options: EncodeManyOptions = {}): AsyncIterable<EncodeResult> {
    return encodeConcurrently(this, inputs, options, (error) => error instanceof WorkerPoolBrokenError);
  }

  /** Waits for queued and running inputs, then closes every worker's sessions and ends the threads. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    if (this.#queue.length > 0 || this.#running.size > 0) await new Promise<void>((resolve) => (this.#onDrained = resolve));
    await Promise.all(
      // A broken pool already asked its threads to close.
      [...this.#alive].map((thread) => (this.#broken ? new Promise<void>((resolve) => thread.once('exit', () => resolve())) : closeThread(thread))),
    );
  }

  #dispatch(): void {
    while (this.#idle.length > 0 && this.#queue.length > 0) {
      const job = this.#queue.shift() as Job;
      if (job.signal?.aborted) {
        job.reject(new AbortedError());
        continue;
      }
      const thread = this.#idle.pop() as Worker;
      this.#running.set(thread, job);
      const request: WorkerRequest = { type: 'encode', id: job.id, input: job.input, facePolicy: job.facePolicy, analyses: job.analyses };
      thread.postMessage(request);
    }
  }

  #onReply(thread: Worker, reply: WorkerReply): void {
    if (reply.type !== 'faces' && reply.type !== 'error') return;
    const job = this.#running.get(thread);
    if (!job || job.id !== reply.id) return;
    this.#running.delete(thread);
    this.#idle.push(thread);
    if (reply.type === 'faces') job.resolve(reply.faces);
    else job.reject(errorFromData(reply.error));
    this.#dispatch();
    if (this.#queue.length === 0 && this.#running.size === 0) this.#onDrained?.();
  }

  #fail(thread: Worker, what: string, cause?: Error): void {
    const job = this.#running.get(thread);
    this.#running.delete(thread);
    const idle = this.#idle.indexOf(thread);
    if (idle >= 0) this.#idle.splice(idle, 1);
    const during = job ? ` while encoding ${describeInput(job.input)}` : '';
    this.#broken ??= new WorkerPoolBrokenError(
      `A face encoder worker thread ${what}${during}; the pool cannot be used any more (close it and open a new one)`,
      cause ? { cause } : undefined,
    );
    job?.reject(this.#broken);
    for (const queued of this.#queue.splice(0)) queued.reject(this.#broken);
    for (const running of this.#running.values()) running.reject(this.#broken);
    this.#running.clear();
    this.#onDrained?.();
    // The other threads are of no use without the pool: ask them to close their sessions and end (never
    // `terminate()` a thread with open onnxruntime sessions: that aborts the whole process).
    for (const other of this.#alive) if (other !== thread) other.postMessage({ type: 'close' } satisfies WorkerRequest);
  }
}

/** Asks a started worker to close its sessions and waits until its thread has ended. */
function closeThread(thread: Worker): Promise<void> {
  return new Promise<void>((resolve) => {
    thread.once('exit', () => resolve());
    thread.postMessage({ type: 'close' } satisfies WorkerRequest);
  });
}

function describeInput(input: ImageInput): string {
  if (typeof input === 'string') return input;
  if (input instanceof Uint8Array) return `an encoded image of ${input.length} bytes`;
  return `a ${input.width}x${input.height} image`;
}

/**
 * Starts the worker script. Built (`dist/`), it is plain JavaScript. Run from the TypeScript sources (tests,
 * `tsx`), the worker registers tsx's loader first and resolves workspace packages to their sources too.
 */
function spawnWorker(settings: WorkerSettings): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./worker.js', import.meta.url), { workerData: settings });
  const loader = import.meta.resolve('tsx/esm/api');
  const script = new URL('./worker.ts', import.meta.url).href;
  const code = `import(${JSON.stringify(loader)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(script)}); });`;
  return new Worker(code, { eval: true, workerData: settings, execArgv: ['--conditions=pv-source'] });
}

type Ready = Extract<WorkerReply, { type: 'ready' }>;

/** Starts one worker and waits until its sessions are open. */
function startWorker(settings: WorkerSettings): Promise<{ worker: Worker; ready: Ready }> {
  const worker = spawnWorker(settings);
  return new Promise((resolve, reject) => {
    const onMessage = (reply: WorkerReply): void => {
      cleanup();
      if (reply.type === 'ready') resolve({ worker, ready: reply });
      else if (reply.type === 'init-error') {
        // The worker closes its port and ends by itself (it has no sessions open).
        reject(errorFromData(reply.error));
      }
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(new WorkerPoolBrokenError(`A face encoder worker thread failed during start-up: ${error.message}`, { cause: error }));
    };
    const onExit = (code: number): void => {
      cleanup();
      reject(new WorkerPoolBrokenError(`A face encoder worker thread exited during start-up (code ${code})`));
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
