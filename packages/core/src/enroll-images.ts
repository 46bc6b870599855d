import { errorToData, failureOf, type ErrorData } from './error-data.js';
import type { AnalysisKind, FaceAnalysis } from './analysis.js';
import { InvalidArgumentError, ModelMismatchError, PvError, StoreWriteError } from './errors.js';
import { enrollmentAnalyses, enrollmentReasons, faceRejectedError, type ReviewMode } from './review.js';
import type { AbortSignalLike, EncodedFace, FaceEncoder, FacePolicy, FileFailure } from './face-encoder.js';
import { faceRecordId, type FaceToEnroll, type Gallery } from './gallery.js';
import type { ImageInput } from './image-loader.js';
import { checkLabel } from './labels.js';
import type { EmbeddingRecord } from './store.js';
import { newRecordId } from './store-binding.js';

/** One image to enroll: the image, the name it is reported (and recorded) under, and whose face it shows. */
export interface EnrollItem {
  readonly input: ImageInput;
  /** A file path for files (recorded as the records' source and used to skip what is enrolled); any name otherwise. */
  readonly name: string;
  readonly label: string;
  /** False when `name` is not a file (no source file is recorded, nothing is skipped by name). Default true. */
  readonly isFile?: boolean;
}

/** A file whose faces are on disk in the store. */
export interface EnrolledFile {
  readonly file: string;
  readonly label: string;
  /** Faces saved from it. */
  readonly faces: number;
}

/** What happened to one item, reported as it happens. `enrolled` is reported only once the records are stored. */
export type EnrollEvent =
  | { readonly type: 'skipped'; readonly file: string; readonly label: string }
  | {
      readonly type: 'enrolled';
      readonly file: string;
      readonly label: string;
      /** The records written now (fewer than `faces` when some were already stored under the same id). */
      readonly records: readonly EmbeddingRecord[];
      /** The faces found, with their detections. */
      readonly faces: readonly EncodedFace[];
    }
  | { readonly type: 'failed'; readonly failure: FileFailure }
  | { readonly type: 'progress'; readonly done: number; readonly total: number; readonly file: string; readonly ok: boolean };

/** Options of {@link enrollImages}. */
export interface EnrollImagesOptions {
  /** Skip files the store already holds under the same label (default true), so a rerun resumes. */
  readonly skipEnrolled?: boolean;
  /** Which faces of each photo to enroll (default `largest`). */
  readonly facePolicy?: FacePolicy;
  /** Files per store write: a crash loses at most the files of one unwritten batch (default 16). */
  readonly batchSize?: number;
  /** Stops starting new images; what finished is still saved, and the summary says `aborted`. */
  readonly signal?: AbortSignalLike;
  readonly onEvent?: (event: EnrollEvent) => void;
  /**
   * The enrollment review (`reviewFace`): `standard` or `strict` reject faces that are too small, blurred, too
   * dark or washed out, in profile, with eyes closed or not live, each file with its reasons
   * (`E_FACE_REJECTED`). Default `off`. The encoder must offer the analyses the mode needs.
   */
  readonly review?: ReviewMode;
  /** Enroll only faces the liveness check calls live (needs the `liveness` analysis). Default false. */
  readonly requireLive?: boolean;
}

/** The truthful end of an enrollment: what is stored, what failed and why, what was never tried. */
export interface EnrollSummary {
  /** Items given. */
  readonly total: number;
  /** Skipped because the store already held them under the same label. */
  readonly alreadyEnrolled: number;
  /** Files whose faces are now stored (reported only after their records were written). */
  readonly enrolled: readonly EnrolledFile[];
  readonly failures: readonly FileFailure[];
  /** Items never finished: aborted before they ran, or in a batch the store could not write. */
  readonly notProcessed: number;
  /** Records written by this call. */
  readonly facesSaved: number;
  /** Distinct labels of the enrolled files. */
  readonly people: number;
  readonly aborted: boolean;
  /** Why writing stopped (e.g. `E_STORE_WRITE` for a full disk); what was saved before it stays saved. */
  readonly error?: ErrorData;
}

interface Pending {
  readonly item: EnrollItem;
  readonly label: string;
  readonly faces: FaceToEnroll[];
  readonly encoded: readonly EncodedFace[];
}

/**
 * Batch enrollment, the one implementation the library facade, the CLI and the server use: encodes the
 * items with any {@link FaceEncoder} (in-thread or a pool), skips what is enrolled, writes through the
 * {@link Gallery} in batches (record ids derived from model, label, file and face box, so enrolling is
 * idempotent; with `skipEnrolled: false` the records get fresh ids and are added again), and reports every file: `enrolled` only after its records are stored, `failed` with a
 * reason, never silently dropped. A store that cannot write (a full disk) ends the run with `error` set
 * and a summary of exactly what was saved; it does not throw.
 *
 * Throws only before any work: `E_MODEL_MISMATCH` when the encoder's model is not the gallery's or the
 * store holds another model's embeddings.
 */
export async function enrollImages(
  encoder: FaceEncoder,
  gallery: Gallery,
  items: readonly EnrollItem[],
  options: EnrollImagesOptions = {},
): Promise<EnrollSummary> {
  if (encoder.info.model.id !== gallery.modelId) throw new ModelMismatchError(gallery.modelId, encoder.info.model.id);
  await gallery.checkModel();
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? 16));
  const emit = options.onEvent ?? (() => undefined);
  const failures: FileFailure[] = [];
  const todo: { item: EnrollItem; label: string }[] = [];
  for (const item of items) {
    try {
      todo.push({ item, label: checkLabel(item.label) });
    } catch (error) {
      const failure = failureOf(item.name, error);
      failures.push(failure);
      emit({ type: 'failed', failure });
    }
  }
  const enrolledBefore = options.skipEnrolled === false ? new Set<string>() : await enrolledKeys(gallery, todo);
  const run = todo.filter(({ item, label }) => {
    if (!enrolledBefore.has(key(item.name, label)) || item.isFile === false) return true;
    emit({ type: 'skipped', file: item.name, label });
    return false;
  });
  const alreadyEnrolled = todo.length - run.length;

  const enrolled: EnrolledFile[] = [];
  let facesSaved = 0;
  let error: ErrorData | undefined;
  let pending: Pending[] = [];
  let unsaved = 0;
  const flush = async (): Promise<void> => {
    const batch = pending;
    pending = [];
    if (batch.length === 0 || error !== undefined) {
      unsaved += batch.length;
      return;
    }
    try {
      const written = await gallery.enroll(batch.flatMap((p) => p.faces));
      facesSaved += written.length;
      const byId = new Map(written.map((r) => [r.id, r]));
      for (const p of batch) {
        const records = p.faces.map((f) => byId.get(f.id as string)).filter((r): r is EmbeddingRecord => r !== undefined);
        enrolled.push({ file: p.item.name, label: p.label, faces: p.faces.length });
        emit({ type: 'enrolled', file: p.item.name, label: p.label, records, faces: p.encoded });
      }
    } catch (cause) {
      error = errorToData(asStoreError(cause));
      unsaved += batch.length;
    }
  };

  const labelOf = new Map(run.map(({ item, label }, index) => [index, { item, label }]));
  let stopped = false;
  const signal: AbortSignalLike = {
    get aborted() {
      return stopped || options.signal?.aborted === true;
    },
  };
  let done = 0;
  const inputs = run.map(({ item }) => ({ input: item.input, name: item.name }));
  const review = options.review ?? 'off';
  const analyses = new Set<AnalysisKind>(enrollmentAnalyses(review, options.requireLive === true));
  const encodeOptions = {
    signal,
    ...(options.facePolicy ? { facePolicy: options.facePolicy } : {}),
    ...(analyses.size > 0 ? { analyses: [...analyses] } : {}),
  };
  for await (const result of encoder.encodeMany(inputs, encodeOptions)) {
    const job = labelOf.get(result.index);
    if (!job) throw new InvalidArgumentError(`The encoder returned an unknown index ${result.index}`);
    done++;
    const rejection = result.ok ? rejectionOf(result.name, result.faces, review, options.requireLive === true) : undefined;
    if (rejection) {
      failures.push(rejection);
      emit({ type: 'failed', failure: rejection });
    } else if (result.ok) {
      const modelId = gallery.modelId;
      // Ids derived from model, label, file and box make a rerun (or a second process) store a face once;
      // with skipEnrolled: false, fresh ids add it again.
      const deterministic = job.item.isFile !== false && options.skipEnrolled !== false;
      const faces = result.faces.map((face) => ({
        label: job.label,
        embedding: face.embedding,
        source: job.item.isFile === false ? { box: face.detection.box } : { file: job.item.name, box: face.detection.box },
        id: deterministic ? faceRecordId({ modelId, label: job.label, file: job.item.name, box: face.detection.box }) : newRecordId(),
      }));
      pending.push({ item: job.item, label: job.label, faces, encoded: result.faces });
    } else {
      failures.push(result.failure);
      emit({ type: 'failed', failure: result.failure });
    }
    emit({ type: 'progress', done, total: run.length, file: result.name, ok: result.ok });
    if (pending.length >= batchSize) {
      await flush();
      if (error !== undefined) stopped = true;
    }
  }
  await flush();
  const aborted = options.signal?.aborted === true;
  return {
    total: items.length,
    alreadyEnrolled,
    enrolled,
    failures,
    notProcessed: run.length - done + unsaved,
    facesSaved,
    people: new Set(enrolled.map((e) => e.label)).size,
    aborted,
    ...(error !== undefined ? { error } : {}),
  };
}

/** Why a file's faces may not be enrolled under the review and the liveness requirement, or nothing. */
function rejectionOf(file: string, faces: readonly { readonly analysis?: FaceAnalysis }[], mode: ReviewMode, requireLive: boolean): FileFailure | undefined {
  const reasons = faces.flatMap((face) => enrollmentReasons(face.analysis ?? {}, mode, requireLive));
  if (reasons.length === 0) return undefined;
  return failureOf(file, faceRejectedError(reasons, file, { file }));
}

function key(file: string, label: string): string {
  return `${label}\u0000${file}`;
}

/** `label + file` of every record in the store whose file is among the items. */
async function enrolledKeys(gallery: Gallery, todo: readonly { item: EnrollItem; label: string }[]): Promise<Set<string>> {
  const wanted = new Set(todo.map(({ item, label }) => key(item.name, label)));
  const found = new Set<string>();
  if (wanted.size === 0) return found;
  for await (const record of gallery.store.records()) {
    const file = record.source?.file;
    if (file !== undefined && wanted.has(key(file, record.label))) found.add(key(file, record.label));
  }
  return found;
}

/** A store failure as a typed error: pv's own errors as they are, system errors (ENOSPC, EROFS…) as `E_STORE_WRITE`. */
function asStoreError(error: unknown): Error {
  if (error instanceof PvError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  const reason = code === 'ENOSPC' || code === 'SQLITE_FULL' ? 'the disk is full' : 'it could not be written';
  return new StoreWriteError(`The store stopped accepting writes: ${reason} (${message})`, typeof code === 'string' ? { cause: code } : {}, {
    cause: error,
  });
}
