import { DimensionMismatchError, InvalidArgumentError, ModelMismatchError } from '@pv/core';

/** The model whose embeddings the server stores. */
export interface ServedModel {
  readonly id: string;
  readonly dimension: number;
}

/**
 * A client-computed embedding as the server uses it: it must come from the served model
 * (`E_MODEL_MISMATCH` otherwise) and have its dimension (`E_DIM_MISMATCH`), every value must be finite and
 * not all zero (`E_INVALID_ARGUMENT`). It is L2-normalised, as every pv embedder's output is.
 */
export function acceptEmbedding(values: readonly number[], modelId: string, model: ServedModel): Float32Array {
  if (modelId !== model.id) throw new ModelMismatchError(model.id, modelId);
  if (values.length !== model.dimension) throw new DimensionMismatchError(model.dimension, values.length);
  const vector = Float32Array.from(values);
  let squares = 0;
  for (const value of vector) {
    if (!Number.isFinite(value)) throw new InvalidArgumentError('The embedding holds a value that is not a finite number');
    squares += value * value;
  }
  if (!(squares > 0) || !Number.isFinite(squares)) throw new InvalidArgumentError('The embedding has no direction (all zeros or too large)');
  const norm = Math.sqrt(squares);
  for (let i = 0; i < vector.length; i++) vector[i] = (vector[i] as number) / norm;
  return vector;
}
