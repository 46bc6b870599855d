import type { Box, EmbeddingRecord, RecordSource } from '@pv/core';
import { vectorFromSql, vectorToSql } from './vector-text.js';

/** The select list that {@link recordFromRow} reads (creation time as float milliseconds, vector as text). */
export const RECORD_COLUMNS =
  'seq, id, label, vector::text AS vector, model_id, (extract(epoch FROM created_at) * 1000)::float8 AS created_at_ms, ' +
  'source_file, box_x, box_y, box_width, box_height';

/** One row as `pg` returns {@link RECORD_COLUMNS}. */
export interface RecordRow {
  /** `bigint`, which `pg` hands over as a string. */
  readonly seq: string;
  readonly id: string;
  readonly label: string;
  readonly vector: string;
  readonly model_id: string;
  readonly created_at_ms: number;
  readonly source_file: string | null;
  readonly box_x: number | null;
  readonly box_y: number | null;
  readonly box_width: number | null;
  readonly box_height: number | null;
}

function boxFromRow(row: RecordRow): Box | undefined {
  if (row.box_x === null || row.box_y === null || row.box_width === null || row.box_height === null) return undefined;
  return { x: row.box_x, y: row.box_y, width: row.box_width, height: row.box_height };
}

/** Turns a row into a record (fresh vector, no shared state). */
export function recordFromRow(row: RecordRow): EmbeddingRecord {
  const box = boxFromRow(row);
  const source: RecordSource | undefined =
    row.source_file !== null || box !== undefined
      ? { ...(row.source_file !== null ? { file: row.source_file } : {}), ...(box !== undefined ? { box } : {}) }
      : undefined;
  return {
    id: row.id,
    label: row.label,
    vector: vectorFromSql(row.vector),
    modelId: row.model_id,
    createdAt: row.created_at_ms,
    ...(source !== undefined ? { source } : {}),
  };
}

/**
 * The parameters of {@link insertSql}: one array per column, in
 * the order id, label, vector, model_id, created_at_ms, source_file, box_x, box_y, box_width, box_height.
 */
export function insertColumns(records: readonly EmbeddingRecord[]): unknown[][] {
  return [
    records.map((r) => r.id),
    records.map((r) => r.label),
    records.map((r) => vectorToSql(r.vector)),
    records.map((r) => r.modelId),
    records.map((r) => r.createdAt),
    records.map((r) => r.source?.file ?? null),
    records.map((r) => r.source?.box?.x ?? null),
    records.map((r) => r.source?.box?.y ?? null),
    records.map((r) => r.source?.box?.width ?? null),
    records.map((r) => r.source?.box?.height ?? null),
  ];
}

/** A multi-row insert of {@link insertColumns} into `table` (a quoted name), keeping input order for `seq`. */
export function insertSql(table: string): string {
  return (
    `INSERT INTO ${table} (id, label, vector, model_id, created_at, source_file, box_x, box_y, box_width, box_height) ` +
    'SELECT id, label, vector, model_id, to_timestamp(created_at_ms / 1000), source_file, box_x, box_y, box_width, box_height ' +
    'FROM unnest($1::text[], $2::text[], $3::vector[], $4::text[], $5::float8[], $6::text[], $7::float8[], $8::float8[], $9::float8[], $10::float8[]) ' +
    'WITH ORDINALITY AS batch(id, label, vector, model_id, created_at_ms, source_file, box_x, box_y, box_width, box_height, position) ' +
    'ORDER BY position'
  );
}
