import { InvalidArgumentError } from '@pv/core';
import { operatorClass, type IndexMetric } from './index-metric.js';
import type { TableNames } from './table-names.js';

/** HNSW build parameters (pgvector's `WITH (m = …, ef_construction = …)`). */
export interface HnswBuildOptions {
  /** Links per node, 2-100 (pgvector's default 16). More: better recall, bigger index, slower build. */
  readonly m?: number;
  /** Candidate list size while building, 4-1000 and at least 2·m (default 64). More: better recall, slower build. */
  readonly efConstruction?: number;
}

/** Build parameters with defaults filled in. */
export interface HnswBuildParameters {
  readonly m: number;
  readonly efConstruction: number;
}

/** The largest dimension pgvector's HNSW index accepts for `vector` columns. */
export const MAX_INDEXED_DIMENSION = 2000;

/** The largest `hnsw.ef_search` pgvector accepts. */
export const MAX_EF_SEARCH = 1000;

function checkInteger(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}, got ${value}`, { [name]: value });
  }
  return value;
}

/** Validates build parameters (the ranges pgvector enforces) and fills in pgvector's defaults. */
export function hnswBuildParameters(options: HnswBuildOptions = {}): HnswBuildParameters {
  const m = checkInteger('m', options.m ?? 16, 2, 100);
  const efConstruction = checkInteger('efConstruction', options.efConstruction ?? 64, 4, 1000);
  if (efConstruction < 2 * m) {
    throw new InvalidArgumentError(`efConstruction (${efConstruction}) must be at least 2·m (${2 * m})`, { m, efConstruction });
  }
  return { m, efConstruction };
}

/** Validates a search-time candidate list size (`hnsw.ef_search`, 1-1000). */
export function checkEfSearch(efSearch: number): number {
  return checkInteger('efSearch', efSearch, 1, MAX_EF_SEARCH);
}

/** Validates a dimension the store can hold and index. */
export function checkIndexableDimension(dimension: number): number {
  return checkInteger('dimension', dimension, 1, MAX_INDEXED_DIMENSION);
}

/** `CREATE INDEX` for the store's HNSW index with the operator class of its metric (no-op when it exists). */
export function createHnswIndexSql(names: TableNames, metric: IndexMetric, parameters: HnswBuildParameters): string {
  return (
    `CREATE INDEX IF NOT EXISTS ${names.hnswIndex} ON ${names.records} ` +
    `USING hnsw (vector ${operatorClass(metric)}) WITH (m = ${parameters.m}, ef_construction = ${parameters.efConstruction})`
  );
}
