import { DimensionMismatchError, ModelMismatchError, type Binding } from '@pv/core';
import type { PoolClient } from 'pg';
import { checkIndexableDimension, createHnswIndexSql, type HnswBuildParameters } from './hnsw-index.js';
import type { StoreMeta } from './schema.js';
import type { TableNames } from './table-names.js';

/**
 * The binding a store has after applying its open options (`modelId`, `dimension`) to what the meta table
 * says; a conflict is `E_MODEL_MISMATCH` / `E_DIM_MISMATCH`.
 */
export function bindingWithOptions(meta: StoreMeta, options: { readonly modelId?: string; readonly dimension?: number }): Binding {
  const { modelId, dimension } = options;
  if (modelId !== undefined && meta.modelId !== null && modelId !== meta.modelId) {
    throw new ModelMismatchError(meta.modelId, modelId, { what: 'open options' });
  }
  if (dimension !== undefined && meta.dimension !== null && dimension !== meta.dimension) {
    throw new DimensionMismatchError(meta.dimension, dimension, { what: 'open options' });
  }
  return { modelId: meta.modelId ?? modelId ?? null, dimension: meta.dimension ?? dimension ?? null };
}

/**
 * Records a new binding in the meta table. When the dimension becomes known, the vector column gets its
 * type `vector(d)` (the table is empty then) and, unless `index` is `null` (deferred), the HNSW index is
 * created. The caller holds the meta row lock (`readMeta(…, true)`) inside its transaction.
 */
export async function bindStore(
  client: PoolClient,
  names: TableNames,
  meta: StoreMeta,
  binding: Binding,
  index: HnswBuildParameters | null,
): Promise<void> {
  if (binding.modelId === meta.modelId && binding.dimension === meta.dimension) return;
  await client.query(`UPDATE ${names.meta} SET model_id = $1, dimension = $2`, [binding.modelId, binding.dimension]);
  if (binding.dimension === null || meta.dimension !== null) return;
  const dimension = checkIndexableDimension(binding.dimension);
  await client.query(`ALTER TABLE ${names.records} ALTER COLUMN vector TYPE vector(${dimension})`);
  if (index !== null) await client.query(createHnswIndexSql(names, meta.metric, index));
}
