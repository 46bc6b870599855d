import type { AnalysisKind, EmbedderModelInfo, EncodedFace, ErrorData, FacePolicy, ImageInput } from '@pv/core';
import type { ModelEntry } from '@pv/models';
import type { FaceEncoderSpec } from '../spec.js';

/** What every worker starts with: plain data only (it crosses a thread boundary). */
export interface WorkerSettings {
  readonly spec: FaceEncoderSpec;
  /** Run-time catalog entries (imported models) the main thread resolved; registered before opening. */
  readonly entries: readonly ModelEntry[];
}

/** Main thread → worker. */
export type WorkerRequest =
  | {
      readonly type: 'encode';
      readonly id: number;
      readonly input: ImageInput;
      readonly facePolicy: FacePolicy | undefined;
      readonly analyses: readonly AnalysisKind[] | undefined;
    }
  | { readonly type: 'close' };

/** Worker → main thread. Errors travel as {@link ErrorData} and are rebuilt to their class. */
export type WorkerReply =
  | { readonly type: 'ready'; readonly detector: string; readonly model: EmbedderModelInfo; readonly analyses: readonly AnalysisKind[] }
  | { readonly type: 'init-error'; readonly error: ErrorData }
  | { readonly type: 'faces'; readonly id: number; readonly faces: EncodedFace[] }
  | { readonly type: 'error'; readonly id: number; readonly error: ErrorData }
  | { readonly type: 'closed' };
