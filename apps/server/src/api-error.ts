import { isPvError, type PvErrorCode } from '@pv/core';

/**
 * Codes of errors that only exist at the HTTP layer (the library's own failures keep their
 * {@link PvErrorCode}). Stable: clients may switch on them.
 */
export type HttpErrorCode =
  | 'E_UNAUTHORIZED'
  | 'E_FORBIDDEN'
  | 'E_RATE_LIMITED'
  | 'E_BUSY'
  | 'E_PAYLOAD_TOO_LARGE'
  | 'E_UNSUPPORTED_MEDIA_TYPE'
  | 'E_BAD_REQUEST'
  | 'E_BAD_EMBEDDING'
  | 'E_URI_TOO_LONG'
  | 'E_ROUTE_NOT_FOUND'
  | 'E_SHUTTING_DOWN'
  | 'E_INTERNAL';

/** Every `error.code` a response body can carry. */
export type ApiErrorCode = HttpErrorCode | PvErrorCode;

/** The JSON body of every error response. */
export interface ErrorBody {
  readonly error: {
    readonly code: ApiErrorCode;
    readonly message: string;
    /** Machine-readable facts that are safe to show (sizes, limits, labels). */
    readonly details?: Readonly<Record<string, unknown>>;
  };
}

/** An error the server answers with a given HTTP status, code and message (and optionally headers). */
export class ApiError extends Error {
  readonly statusCode: number;
  readonly code: ApiErrorCode;
  readonly details: Readonly<Record<string, unknown>> | undefined;
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    statusCode: number,
    code: ApiErrorCode,
    message: string,
    options: { details?: Readonly<Record<string, unknown>>; headers?: Readonly<Record<string, string>> } = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.statusCode = statusCode;
    this.code = code;
    this.details = options.details;
    this.headers = options.headers ?? {};
  }
}

/** The HTTP status each library error code is answered with. */
const STATUS_OF_PV_CODE: Readonly<Record<PvErrorCode, number>> = {
  E_NO_FACE: 422,
  E_MULTIPLE_FACES: 422,
  E_BAD_IMAGE: 422,
  E_DIM_MISMATCH: 422,
  E_MODEL_MISMATCH: 409,
  E_METRIC_UNSUPPORTED: 500,
  E_STORE_CORRUPT: 500,
  E_STORE_LOCKED: 503,
  E_STORE_CLOSED: 503,
  E_STORE_KEY: 500,
  E_NOT_FOUND: 404,
  E_INVALID_ARGUMENT: 400,
  E_MODEL_UNAVAILABLE: 503,
  E_MODEL_INTEGRITY: 500,
  E_MODEL_FORMAT: 500,
  E_ABORTED: 503,
  E_STORE_WRITE: 507,
  E_FACE_REJECTED: 422,
};

/** Fastify's own error codes that map to a client error (everything else it raises is a 4xx with its status). */
const FASTIFY_CODES: Readonly<Record<string, HttpErrorCode>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'E_PAYLOAD_TOO_LARGE',
  FST_REQ_FILE_TOO_LARGE: 'E_PAYLOAD_TOO_LARGE',
  FST_FILES_LIMIT: 'E_PAYLOAD_TOO_LARGE',
  FST_FIELDS_LIMIT: 'E_PAYLOAD_TOO_LARGE',
  FST_PARTS_LIMIT: 'E_PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'E_UNSUPPORTED_MEDIA_TYPE',
  FST_INVALID_MULTIPART_CONTENT_TYPE: 'E_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_MAX_PARAM_LENGTH: 'E_URI_TOO_LONG',
  FST_ERR_BAD_URL: 'E_BAD_REQUEST',
};

/**
 * An error raised while a multipart body was being parsed, as the client's fault: the parser's own 4xx
 * (limits, premature close) stay as they are; anything else (busboy's "Unexpected end of form", "Malformed
 * part header", a part without a name) is a malformed body, 400 `E_BAD_REQUEST`.
 */
export function asMultipartError(error: unknown): unknown {
  if (error instanceof ApiError || isPvError(error)) return error;
  const status = (error as { statusCode?: unknown }).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) return error;
  return new ApiError(400, 'E_BAD_REQUEST', 'The multipart body is malformed');
}

/**
 * Anything shaped like an absolute file path (POSIX or Windows) starting a word, so it can be kept out of
 * responses; JSON pointers inside words (`body/embedding/0`) are left alone.
 */
const PATH_PATTERN = /(?<=^|[\s"'(=:,])(?:[A-Za-z]:\\|\/)(?:[\w.@-]+[\\/])+[\w.@-]*/g;

/** `message` with anything that looks like a file path replaced, and cut to a sane length. */
export function scrubMessage(message: string): string {
  const scrubbed = message.replace(PATH_PATTERN, '<path>');
  return scrubbed.length > 300 ? `${scrubbed.slice(0, 297)}...` : scrubbed;
}

/** The only details sent as structures: a face rejection's reasons and measured liveness (`E_FACE_REJECTED`). */
const STRUCTURED_DETAILS = new Set(['reasons', 'liveness']);

/**
 * Details that are safe to send: primitives (no other nested objects, no long strings), plus the flat records
 * of {@link STRUCTURED_DETAILS}; paths scrubbed.
 */
function safeDetails(details: Readonly<Record<string, unknown>>): Record<string, unknown> | undefined {
  const safe: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(details)) {
    if (key === 'file' || key === 'cause') continue;
    const primitive = safePrimitive(value);
    if (primitive !== undefined) safe[key] = primitive;
    else if (!STRUCTURED_DETAILS.has(key)) continue;
    else if (Array.isArray(value) && value.length <= 32 && value.every(isFlatRecord)) safe[key] = value.map(safeRecord);
    else if (isFlatRecord(value)) safe[key] = safeRecord(value);
  }
  return Object.keys(safe).length > 0 ? safe : undefined;
}

function safePrimitive(value: unknown): number | boolean | string | undefined {
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'string' && value.length <= 200) return scrubMessage(value);
  return undefined;
}

/** An object whose values are all numbers, booleans or strings (e.g. `{ code, message, measured, limit }`). */
function isFlatRecord(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((v) => typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string')
  );
}

function safeRecord(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(value)
      .map(([k, v]) => [k, safePrimitive(v)] as const)
      .filter(([, v]) => v !== undefined),
  );
}

/** How an error is answered: status, body and extra headers. Never includes stack traces or file paths. */
export interface ErrorReply {
  readonly statusCode: number;
  readonly body: ErrorBody;
  readonly headers: Readonly<Record<string, string>>;
}

/** Turns anything thrown while handling a request into the reply the client gets. */
export function toErrorReply(error: unknown): ErrorReply {
  if (error instanceof ApiError) {
    return {
      statusCode: error.statusCode,
      body: { error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) } },
      headers: error.headers,
    };
  }
  if (isPvError(error)) {
    const statusCode = STATUS_OF_PV_CODE[error.code];
    const details = safeDetails(error.details);
    const message = statusCode >= 500 ? 'The server could not complete the request' : scrubMessage(error.message);
    return { statusCode, body: { error: { code: error.code, message, ...(details ? { details } : {}) } }, headers: {} };
  }
  const fastifyError = error as { code?: unknown; statusCode?: unknown; message?: unknown; validation?: unknown };
  const status = typeof fastifyError.statusCode === 'number' ? fastifyError.statusCode : 500;
  if (status >= 400 && status < 500) {
    const known = typeof fastifyError.code === 'string' ? FASTIFY_CODES[fastifyError.code] : undefined;
    const code: HttpErrorCode = known ?? (status === 413 ? 'E_PAYLOAD_TOO_LARGE' : status === 415 ? 'E_UNSUPPORTED_MEDIA_TYPE' : 'E_BAD_REQUEST');
    const message = typeof fastifyError.message === 'string' ? scrubMessage(fastifyError.message) : 'Bad request';
    return { statusCode: status, body: { error: { code, message } }, headers: {} };
  }
  return { statusCode: 500, body: { error: { code: 'E_INTERNAL', message: 'The server could not complete the request' } }, headers: {} };
}
