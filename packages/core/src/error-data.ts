import {
  AbortedError,
  BadImageError,
  DimensionMismatchError,
  InvalidArgumentError,
  MetricUnsupportedError,
  ModelFormatError,
  ModelIntegrityError,
  ModelMismatchError,
  ModelUnavailableError,
  MultipleFacesError,
  NoFaceError,
  NotFoundError,
  PvError,
  StoreClosedError,
  StoreCorruptError,
  StoreLockedError,
  StoreWriteError,
  StoreKeyError,
  FaceRejectedError,
  type PvErrorCode,
  type PvErrorDetails,
} from './errors.js';
import type { FileFailure } from './face-encoder.js';

/** An error as plain data: what crosses a thread, a process or the network. */
export interface ErrorData {
  /** A {@link PvErrorCode}, or `E_UNEXPECTED` for an error pv did not throw on purpose. */
  readonly code: string;
  readonly message: string;
  readonly details?: PvErrorDetails;
}

/** The class behind each code, so an error rebuilt from data is `instanceof` the class that was thrown. */
const CLASS_OF_CODE: Readonly<Record<PvErrorCode, { readonly prototype: PvError }>> = {
  E_NO_FACE: NoFaceError,
  E_MULTIPLE_FACES: MultipleFacesError,
  E_BAD_IMAGE: BadImageError,
  E_DIM_MISMATCH: DimensionMismatchError,
  E_MODEL_MISMATCH: ModelMismatchError,
  E_METRIC_UNSUPPORTED: MetricUnsupportedError,
  E_STORE_CORRUPT: StoreCorruptError,
  E_STORE_LOCKED: StoreLockedError,
  E_STORE_CLOSED: StoreClosedError,
  E_STORE_KEY: StoreKeyError,
  E_NOT_FOUND: NotFoundError,
  E_INVALID_ARGUMENT: InvalidArgumentError,
  E_MODEL_UNAVAILABLE: ModelUnavailableError,
  E_MODEL_INTEGRITY: ModelIntegrityError,
  E_MODEL_FORMAT: ModelFormatError,
  E_ABORTED: AbortedError,
  E_STORE_WRITE: StoreWriteError,
  E_FACE_REJECTED: FaceRejectedError,
};

/** True when `code` is one of pv's stable error codes. */
export function isPvErrorCode(code: string): code is PvErrorCode {
  return Object.hasOwn(CLASS_OF_CODE, code);
}

/** An error as plain data (its code, message and details; `E_UNEXPECTED` for anything but a {@link PvError}). */
export function errorToData(error: unknown): ErrorData {
  if (error instanceof PvError) return { code: error.code, message: error.message, details: error.details };
  return { code: 'E_UNEXPECTED', message: error instanceof Error ? error.message : String(error) };
}

/**
 * Rebuilds an error from {@link ErrorData}: a known code gives an instance of the same class that was
 * thrown (so `instanceof NoFaceError` and `isPvError(e, 'E_NO_FACE')` hold after a thread hop); anything
 * else gives a plain `Error`.
 */
export function errorFromData(data: ErrorData): Error {
  if (!isPvErrorCode(data.code)) return new Error(data.message);
  const error = new PvError(data.code, data.message, data.details ?? {});
  const prototype = CLASS_OF_CODE[data.code].prototype;
  Object.setPrototypeOf(error, prototype);
  error.name = prototype.constructor.name;
  return error;
}

/** A thrown error as a per-input failure of `file`. */
export function failureOf(file: string, error: unknown): FileFailure {
  const { code, message, details } = errorToData(error);
  return details !== undefined && Object.keys(details).length > 0 ? { file, code, message, details } : { file, code, message };
}
