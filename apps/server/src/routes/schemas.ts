// JSON Schemas of the API: they validate requests, shape responses (nothing outside a response schema is
// ever sent) and are the source of /openapi.json.

/** A face box in image pixels. */
export const boxSchema = {
  type: 'object',
  required: ['x', 'y', 'width', 'height'],
  properties: {
    x: { type: 'number' },
    y: { type: 'number' },
    width: { type: 'number' },
    height: { type: 'number' },
  },
} as const;

/** A detected face: box and detector confidence. */
export const detectedFaceSchema = {
  type: 'object',
  required: ['box', 'score'],
  properties: { box: boxSchema, score: { type: 'number', description: 'Detector confidence in [0, 1]' } },
} as const;

/** An embedding sent by a client (computed in the browser by `@pv/embedder-onnx-web`). */
export const embeddingSchema = {
  type: 'array',
  items: { type: 'number' },
  minItems: 1,
  maxItems: 4096,
  description: 'The embedding (normalised to unit length by the server)',
} as const;

/**
 * A subject label. Enrolling applies pv's one label rule (`checkLabel` from `@pv/core`: NFC, 1-128 code
 * points, no control or invisible characters, no `/` or `\\`, not `unknown`); reading and deleting take any
 * label, so subjects stored before the rule stay reachable.
 */
export const labelSchema = {
  type: 'string',
  minLength: 1,
  description: 'Subject label (enrolling: 1-128 characters, no control characters, "/" or "\\", not "unknown")',
} as const;

/** Path parameters `{ label }`. */
export const labelParamsSchema = {
  type: 'object',
  required: ['label'],
  properties: { label: labelSchema },
} as const;

/** Path parameters `{ id }`. */
export const faceIdParamsSchema = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1, maxLength: 128 } },
} as const;

/**
 * A multipart upload of one image in the field `image`. A new object each call: `@fastify/multipart`'s
 * `isFile` keyword rewrites the schema it compiles (into `string`/`binary` for the OpenAPI document), so a
 * shared object would validate differently in the next app built in the same process.
 */
export function imageUploadSchema(): object {
  return {
    type: 'object',
    required: ['image'],
    properties: { image: { isFile: true, description: 'JPEG, PNG, WebP, GIF or AVIF' } },
  };
}

/** A precomputed embedding and the model that made it. */
export const embeddingBodySchema = {
  type: 'object',
  required: ['embedding', 'modelId'],
  additionalProperties: false,
  properties: { embedding: embeddingSchema, modelId: { type: 'string', minLength: 1, maxLength: 128 } },
} as const;

/** Precomputed embeddings of every face of a photo (private mode), with their boxes. */
export const facesBodySchema = {
  type: 'object',
  required: ['faces', 'modelId'],
  additionalProperties: false,
  properties: {
    modelId: { type: 'string', minLength: 1, maxLength: 128 },
    faces: {
      type: 'array',
      maxItems: 100,
      items: {
        type: 'object',
        required: ['embedding'],
        additionalProperties: false,
        properties: { embedding: embeddingSchema, box: boxSchema, score: { type: 'number' } },
      },
    },
  },
} as const;

/** Two images to compare, in the fields `a` and `b` (a new object each call, see {@link imageUploadSchema}). */
export function compareUploadSchema(): object {
  return {
    type: 'object',
    required: ['a', 'b'],
    properties: { a: { isFile: true, description: 'First image' }, b: { isFile: true, description: 'Second image' } },
  };
}

/** `?k=` of identify. */
export const identifyQuerySchema = {
  type: 'object',
  properties: { k: { type: 'integer', minimum: 1, maximum: 20, default: 3, description: 'Candidates per face' } },
} as const;

/** A body accepted either as JSON or as a multipart upload. */
export function jsonOrUpload(json: object, upload: object): object {
  return {
    content: {
      'application/json': { schema: json },
      'multipart/form-data': { schema: upload },
    },
  };
}

/** The body of every error response. */
export const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', description: 'Stable code: a pv error code (E_NO_FACE, …) or an HTTP-layer one (E_UNAUTHORIZED, …)' },
        message: { type: 'string' },
        details: { type: 'object', additionalProperties: true },
      },
    },
  },
} as const;

/** A stored face as the API shows it (never its embedding). */
export const faceRecordSchema = {
  type: 'object',
  required: ['id', 'label', 'createdAt'],
  properties: {
    id: { type: 'string' },
    label: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
    box: boxSchema,
  },
} as const;

/** A candidate identity. */
export const candidateSchema = {
  type: 'object',
  required: ['label', 'distance'],
  properties: { label: { type: 'string' }, distance: { type: 'number' } },
} as const;

/** Error responses every route can give, by status. */
export function errorResponses(...statuses: number[]): Record<number, typeof errorSchema> {
  return Object.fromEntries(statuses.map((status) => [status, errorSchema]));
}
