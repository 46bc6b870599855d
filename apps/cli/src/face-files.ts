import type { EncodedFace, FacePolicy, FileFailure } from '@pv/core';
import type { ResolvedSettings } from '@pv/settings';
import { openEncoder } from './pipeline.js';

export { failureOf } from '@pv/core';

/** The outcome for one file. */
export type FileEmbeddings =
  | { readonly file: string; readonly ok: true; readonly faces: EncodedFace[] }
  | { readonly file: string; readonly ok: false; readonly failure: FileFailure };

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
export interface FaceFileSourceOptions {
  /** 1: in this thread; more: a worker pool with that many threads (any detector and model). */
  readonly jobs: number;
  /** Which faces of each photo are embedded. */
  readonly facePolicy: FacePolicy;
}

/** Opens the settings' encoder (in this thread, or in `jobs` worker threads) as a per-file callback source. */
export async function openFaceFileSource(settings: ResolvedSettings, options: FaceFileSourceOptions): Promise<FaceFileSource> {
  const encoder = await openEncoder(settings, options);
  return {
    modelId: encoder.info.model.id,
    async embedFiles(files, onResult, signal) {
      for await (const result of encoder.encodeMany(files, { signal })) {
        onResult(result.ok ? { file: result.name, ok: true, faces: result.faces } : { file: result.name, ok: false, failure: result.failure });
      }
    },
    close: () => encoder.close(),
  };
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
    case 'E_FACE_REJECTED':
      return 'rejected';
    default:
      return 'error';
  }
}
