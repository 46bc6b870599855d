import { isPvError, type PvErrorCode } from '@pv/core';
import { ApiError } from '../api-error.js';

/**
 * CompreFace's error codes (its `CommonExceptionCode` enum), with the HTTP status CompreFace answers each
 * with. Clients such as Double Take and Viseron switch on `code` (28 = no face).
 */
export const CF_CODES = {
  MODEL_NOT_FOUND: { code: 10, status: 404 },
  IMAGE_NOT_FOUND: { code: 11, status: 404 },
  INCORRECT_MODEL_TYPE: { code: 12, status: 400 },
  MISSING_REQUEST_HEADER: { code: 20, status: 400 },
  UNAVAILABLE_FILE_EXTENSION: { code: 21, status: 400 },
  VALIDATION_CONSTRAINT_VIOLATION: { code: 26, status: 400 },
  NO_FACES_FOUND: { code: 28, status: 400 },
  TOO_MANY_FACES: { code: 31, status: 400 },
  MISSING_REQUEST_PARAMETER: { code: 33, status: 400 },
  MISSING_REQUEST_PART: { code: 34, status: 400 },
  INCORRECT_ARGUMENT: { code: 36, status: 400 },
  WRONG_EMBEDDING_COUNT: { code: 37, status: 400 },
  FACES_SERVICE_EXCEPTION: { code: 41, status: 500 },
  SUBJECT_NOT_FOUND: { code: 42, status: 404 },
  SUBJECT_ALREADY_EXISTS: { code: 43, status: 400 },
  EMBEDDING_NOT_FOUND: { code: 44, status: 404 },
  UNDEFINED: { code: 0, status: 400 },
} as const;

/** A CompreFace error name. */
export type CompreFaceErrorName = keyof typeof CF_CODES;

/** The JSON body of every CompreFace error: `{ message, code }`. */
export interface CompreFaceErrorBody {
  readonly message: string;
  readonly code: number;
}

/** An error answered in CompreFace's shape. */
export class CompreFaceError extends Error {
  readonly errorName: CompreFaceErrorName;

  constructor(name: CompreFaceErrorName, message: string) {
    super(message);
    this.name = 'CompreFaceError';
    this.errorName = name;
  }

  get code(): number {
    return CF_CODES[this.errorName].code;
  }

  get statusCode(): number {
    return CF_CODES[this.errorName].status;
  }
}

/** Which CompreFace error each pv library error becomes. */
const NAME_OF_PV_CODE: Partial<Record<PvErrorCode, CompreFaceErrorName>> = {
  E_NO_FACE: 'NO_FACES_FOUND',
  E_MULTIPLE_FACES: 'TOO_MANY_FACES',
  E_BAD_IMAGE: 'UNAVAILABLE_FILE_EXTENSION',
  E_INVALID_ARGUMENT: 'VALIDATION_CONSTRAINT_VIOLATION',
  E_DIM_MISMATCH: 'INCORRECT_ARGUMENT',
  E_MODEL_MISMATCH: 'INCORRECT_ARGUMENT',
};

/**
 * Turns anything thrown under `/api/v1` into CompreFace's `{ message, code }` and an HTTP status. Server
 * failures keep pv's status (503 busy, 500) with CompreFace's code 0 and no internal detail.
 */
export function toCompreFaceReply(error: unknown): { statusCode: number; body: CompreFaceErrorBody; headers: Readonly<Record<string, string>> } {
  if (error instanceof CompreFaceError) return { statusCode: error.statusCode, body: { message: error.message, code: error.code }, headers: {} };
  if (isPvError(error)) {
    const name = NAME_OF_PV_CODE[error.code];
    if (name) return { statusCode: CF_CODES[name].status, body: { message: error.message, code: CF_CODES[name].code }, headers: {} };
  }
  if (error instanceof ApiError) {
    const name: CompreFaceErrorName = error.statusCode === 415 ? 'UNAVAILABLE_FILE_EXTENSION' : 'UNDEFINED';
    const statusCode = error.statusCode === 415 ? 400 : error.statusCode;
    return { statusCode, body: { message: error.message, code: CF_CODES[name].code }, headers: error.headers };
  }
  const fastifyError = error as { statusCode?: unknown; message?: unknown; validation?: unknown };
  const status = typeof fastifyError.statusCode === 'number' ? fastifyError.statusCode : 500;
  if (status >= 400 && status < 500) {
    const message = typeof fastifyError.message === 'string' ? fastifyError.message : 'Bad request';
    const name: CompreFaceErrorName = fastifyError.validation ? 'VALIDATION_CONSTRAINT_VIOLATION' : 'UNDEFINED';
    return { statusCode: status === 415 ? 400 : status, body: { message, code: CF_CODES[name].code }, headers: {} };
  }
  return { statusCode: status >= 500 ? status : 500, body: { message: 'Something went wrong, please try again', code: 0 }, headers: {} };
}
