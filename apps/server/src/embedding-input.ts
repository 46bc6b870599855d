import { DimensionMismatchError, ModelMismatchError } from '@pv/core';
import { ApiError } from './api-error.js';

/** The model whose embeddings the server stores. */
export interface ServedModel {
  readonly id: string;
  readonly dimension: number;
}

/**
 * How far from 1 a client embedding's L2 norm may be. pv's embedders normalise in float32 and JSON keeps
 * about 17 digits, so an honest embedding is within 1e-6 of unit length; anything further off was not made
 * by the served model's pipeline and is refused rather than silently renormalised.
 */
export const UNIT_NORM_TOLERANCE = 1e-3;

function badEmbedding(status: 400 | 422, message: string, details: Readonly<Record<string, unknown>>): ApiError {
  return new ApiError(status, 'E_BAD_EMBEDDING', message, { details });
}

/**
 * Refuses a raw JSON embedding holding anything but finite numbers (`null`, `"0.5"`, `true`, `1e400` which
 * JSON reads as Infinity): 400 `E_BAD_EMBEDDING`.
 */
function checkRawValues(values: unknown, field: string): void {
  if (!Array.isArray(values)) return;
  values.forEach((value, index) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw badEmbedding(400, `${field}[${index}] is not a finite number`, { field, index });
    }
  });
}

/**
 * Checks the embeddings of a JSON body as sent, before schema validation (which would coerce `"0.5"` to 0.5
 * and `null` to 0): `embedding` and every `faces[].embedding` must hold finite numbers only.
 */
export function checkRawEmbeddings(body: unknown): void {
  if (typeof body !== 'object' || body === null) return;
  const { embedding, faces } = body as { embedding?: unknown; faces?: unknown };
  checkRawValues(embedding, 'embedding');
  if (Array.isArray(faces)) {
    faces.forEach((face: unknown, index) => {
      if (typeof face === 'object' && face !== null) checkRawValues((face as { embedding?: unknown }).embedding, `faces[${index}].embedding`);
    });
  }
}

/**
 * A client-computed embedding as the server uses it: it must come from the served model
 * (`E_MODEL_MISMATCH`, 409), have its exact dimension (`E_DIM_MISMATCH`, 422), hold finite numbers only
 * (`E_BAD_EMBEDDING`, 400; JSON's `1e400` reads as Infinity) and have unit L2 norm within
 * {@link UNIT_NORM_TOLERANCE} (`E_BAD_EMBEDDING`, 422, with the norm in `details`). The accepted vector is
 * rescaled to exact unit length (a change of at most the tolerance).
 */
export function acceptEmbedding(values: readonly number[], modelId: string, model: ServedModel): Float32Array {
  if (modelId !== model.id) throw new ModelMismatchError(model.id, modelId);
  if (values.length !== model.dimension) throw new DimensionMismatchError(model.dimension, values.length);
  let squares = 0;
  values.forEach((value, index) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) throw badEmbedding(400, `embedding[${index}] is not a finite number`, { index });
    squares += value * value;
  });
  const norm = Math.sqrt(squares);
  if (!(Math.abs(norm - 1) <= UNIT_NORM_TOLERANCE)) {
    throw badEmbedding(422, `The embedding's length (L2 norm) is ${norm.toPrecision(6)}, not 1 within ${UNIT_NORM_TOLERANCE}`, {
      norm,
      tolerance: UNIT_NORM_TOLERANCE,
    });
  }
  const vector = Float32Array.from(values);
  for (let i = 0; i < vector.length; i++) vector[i] = (vector[i] as number) / norm;
  return vector;
}
