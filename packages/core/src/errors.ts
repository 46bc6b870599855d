/**
 * Stable error codes. Codes never change meaning once released; new ones may be added.
 */
export type PvErrorCode =
  | 'E_NO_FACE'
  | 'E_MULTIPLE_FACES'
  | 'E_BAD_IMAGE'
  | 'E_DIM_MISMATCH'
  | 'E_MODEL_MISMATCH'
  | 'E_METRIC_UNSUPPORTED'
  | 'E_STORE_CORRUPT'
  | 'E_STORE_LOCKED'
  | 'E_STORE_CLOSED'
  | 'E_STORE_KEY'
  | 'E_NOT_FOUND'
  | 'E_INVALID_ARGUMENT'
  | 'E_MODEL_UNAVAILABLE'
  | 'E_MODEL_INTEGRITY'
  | 'E_MODEL_FORMAT'
  | 'E_ABORTED'
  | 'E_STORE_WRITE'
  | 'E_FACE_REJECTED';

/** Extra, machine-readable facts about an error (file names, expected vs actual values). */
export type PvErrorDetails = Readonly<Record<string, unknown>>;

/**
 * Base class of every error pv throws on purpose. Switch on {@link PvError.code}, never on the message.
 */
export class PvError extends Error {
  /** The stable code. */
  readonly code: PvErrorCode;
  /** Machine-readable context. */
  readonly details: PvErrorDetails;

  constructor(code: PvErrorCode, message: string, details: PvErrorDetails = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }
}

/** No face was found where one was required. */
export class NoFaceError extends PvError {
  constructor(message = 'No face was found in the image', details: PvErrorDetails = {}) {
    super('E_NO_FACE', message, details);
  }
}

/** Several faces were found under the `strict` face policy. */
export class MultipleFacesError extends PvError {
  constructor(count: number, details: PvErrorDetails = {}) {
    super('E_MULTIPLE_FACES', `Expected exactly one face but found ${count}`, { count, ...details });
  }
}

/** The input is not a decodable image (or exceeds the pixel limit). */
export class BadImageError extends PvError {
  constructor(message: string, details: PvErrorDetails = {}, options?: { cause?: unknown }) {
    super('E_BAD_IMAGE', message, details, options);
  }
}

/** A vector's length differs from the dimension a store or model expects. */
export class DimensionMismatchError extends PvError {
  constructor(expected: number, actual: number, details: PvErrorDetails = {}) {
    super('E_DIM_MISMATCH', `Expected vectors of dimension ${expected} but got ${actual}`, { expected, actual, ...details });
  }
}

/** Embeddings of one model were offered to a store or comparison holding another model's embeddings. */
export class ModelMismatchError extends PvError {
  constructor(expected: string, actual: string, details: PvErrorDetails = {}) {
    super(
      'E_MODEL_MISMATCH',
      `This store holds embeddings of model "${expected}"; refusing embeddings of model "${actual}"`,
      { expected, actual, ...details },
    );
  }
}

/** A store bound to one metric (e.g. an ANN index) was asked to rank by another. */
export class MetricUnsupportedError extends PvError {
  constructor(metric: string, supported: readonly string[], details: PvErrorDetails = {}) {
    super(
      'E_METRIC_UNSUPPORTED',
      `This store cannot rank by metric "${metric}"; it supports ${supported.map((m) => `"${m}"`).join(', ')}`,
      { metric, supported, ...details },
    );
  }
}

/** A stored file or database is truncated, tampered with or of an unknown format. It is never overwritten. */
export class StoreCorruptError extends PvError {
  constructor(message: string, details: PvErrorDetails = {}, options?: { cause?: unknown }) {
    super('E_STORE_CORRUPT', message, details, options);
  }
}

/** Another writer holds the store. */
export class StoreLockedError extends PvError {
  constructor(message: string, details: PvErrorDetails = {}) {
    super('E_STORE_LOCKED', message, details);
  }
}

/**
 * An encrypted store was opened without its key or with another key, or a store that is not encrypted was
 * opened with a key. The store is left untouched.
 */
export class StoreKeyError extends PvError {
  constructor(message: string, details: PvErrorDetails = {}) {
    super('E_STORE_KEY', message, details);
  }
}

/** The store was used after `close()`. */
export class StoreClosedError extends PvError {
  constructor() {
    super('E_STORE_CLOSED', 'The store is closed');
  }
}

/** A label, record, model or file does not exist. */
export class NotFoundError extends PvError {
  constructor(message: string, details: PvErrorDetails = {}) {
    super('E_NOT_FOUND', message, details);
  }
}

/** A caller passed an invalid argument. */
export class InvalidArgumentError extends PvError {
  constructor(message: string, details: PvErrorDetails = {}) {
    super('E_INVALID_ARGUMENT', message, details);
  }
}

/**
 * A model file is not at hand and cannot be obtained: offline, a registry or server error, an unknown
 * version. The message should say how to get the file onto the machine.
 */
export class ModelUnavailableError extends PvError {
  constructor(message: string, details: PvErrorDetails = {}, options?: { cause?: unknown }) {
    super('E_MODEL_UNAVAILABLE', message, details, options);
  }
}

/** Model bytes (downloaded, cached or built) do not match the catalog's size or hashes. Nothing unverified is used. */
export class ModelIntegrityError extends PvError {
  constructor(message: string, details: PvErrorDetails = {}, options?: { cause?: unknown }) {
    super('E_MODEL_INTEGRITY', message, details, options);
  }
}

/**
 * A model or weights file cannot be used: a runtime refuses it, it is of an unknown or unsafe format, or
 * its graph, tensors or weights are not what the network needs. `details` should name the model or file.
 */
export class ModelFormatError extends PvError {
  constructor(message: string, details: PvErrorDetails = {}, options?: { cause?: unknown }) {
    super('E_MODEL_FORMAT', message, details, options);
  }
}

/** The operation was cancelled through an `AbortSignal`. */
export class AbortedError extends PvError {
  constructor(message = 'The operation was aborted') {
    super('E_ABORTED', message);
  }
}

/**
 * A store could not write (disk full, read-only file system, permissions). What earlier writes saved stays
 * saved; `details.cause` holds the system's code (e.g. `ENOSPC`) when there was one.
 */
export class StoreWriteError extends PvError {
  constructor(message: string, details: PvErrorDetails = {}, options?: { cause?: unknown }) {
    super('E_STORE_WRITE', message, details, options);
  }
}

/**
 * A face failed the enrollment review or the liveness requirement: too small, blurred, too dark, in profile,
 * eyes closed, not live… `details.reasons` lists each failed check with its measured value and limit.
 */
export class FaceRejectedError extends PvError {
  constructor(message: string, details: PvErrorDetails = {}) {
    super('E_FACE_REJECTED', message, details);
  }
}

/** True when `error` is a {@link PvError}, optionally with the given code. */
export function isPvError(error: unknown, code?: PvErrorCode): error is PvError {
  return error instanceof PvError && (code === undefined || error.code === code);
}
