import { InvalidArgumentError, isPvError, PvError, type FacePolicy, type FileFailure } from '@pv/core';
import { createWorkerPool, type FileEmbeddings } from '@pv/embedder-onnx-node';
import type { PipelineOptions } from './cli-options.js';
import { openRecognizer, preparePipeline } from './pipeline.js';

export type { FileEmbeddings } from '@pv/embedder-onnx-node';

/**
 * Embeds the faces of many image files, one result per file. The CLI's batch commands (enroll, cluster,
 * eval, demo) all go through this, so one bad file never stops a batch and `--jobs` works everywhere.
 */
export interface FaceFileSource {
  /** The embedder model id of every embedding. */
  readonly modelId: string;
  /**
   * Calls `onResult` once per file, in completion order. A file that cannot be used gives a result with
   * `ok: false`, never an exception. Stops handing out files once `signal` is aborted and resolves when the
   * files already started are done.
   */
  embedFiles(files: readonly string[], onResult: (result: FileEmbeddings) => void, signal: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

/** Options of {@link openFaceFileSource}. */
export interface FaceFileSourceOptions extends PipelineOptions {
  /** 1: in this thread; more: a worker pool with that many threads. */
  readonly jobs: number;
  /** Which faces of each photo are embedded. */
  readonly facePolicy: FacePolicy;
}

/** Opens the models (in this thread, or in `jobs` worker threads). */
export async function openFaceFileSource(options: FaceFileSourceOptions): Promise<FaceFileSource> {
  if (options.jobs > 1) {
    await preparePipeline(options);
    if (options.detector !== 'rfb320') {
      throw new InvalidArgumentError(`--jobs ${options.jobs} runs the rfb320 detector only; use --jobs 1 with ${options.detector}`, {
        detector: options.detector,
      });
    }
    const pool = await createWorkerPool({ workers: options.jobs, embedder: { model: options.model }, facePolicy: options.facePolicy });
    return {
      modelId: options.model,
      async embedFiles(files, onResult, signal) {
        try {
          await pool.embedFiles(files, { onResult, signal });
        } catch (error) {
          if (!(signal.aborted && isPvError(error, 'E_ABORTED'))) throw error;
        }
      },
      close: () => pool.close(),
    };
  }
  const recognizer = await openRecognizer(options);
  return {
    modelId: recognizer.encoder.info.model.id,
    async embedFiles(files, onResult, signal) {
      for (const file of files) {
        if (signal.aborted) return;
        try {
          onResult({ file, ok: true, faces: await recognizer.embedFaces(file, options.facePolicy) });
        } catch (error) {
          onResult({ file, ok: false, failure: failureOf(file, error) });
        }
      }
    },
    close: () => recognizer.close(),
  };
}

/** A thrown error as a per-file failure: its `PvError` code, or `E_UNEXPECTED`. */
export function failureOf(file: string, error: unknown): FileFailure {
  if (error instanceof PvError) return { file, code: error.code, message: error.message };
  return { file, code: 'E_UNEXPECTED', message: error instanceof Error ? error.message : String(error) };
}

/** What a failure code means for a person reading a batch report. */
export function failureReason(code: string): string {
  switch (code) {
    case 'E_NO_FACE':
      return 'no face';
    case 'E_MULTIPLE_FACES':
      return 'several faces';
    case 'E_BAD_IMAGE':
    case 'E_NOT_FOUND':
      return 'unreadable';
    case 'E_INVALID_ARGUMENT':
      return 'invalid';
    default:
      return 'error';
  }
}
