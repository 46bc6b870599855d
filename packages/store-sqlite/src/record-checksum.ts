import { crc32 } from 'node:zlib';

/**
 * The columns a record checksum covers, in this order, followed by the `checksum` column itself: every
 * column of `pv_records` but `seq` (the row's key).
 */
export const CHECKED_COLUMNS = 'id, label, model_id, created_at, source_file, box_x, box_y, box_width, box_height, vector, checksum';

/** How many values {@link CHECKED_COLUMNS} selects. */
export const CHECKED_COLUMN_COUNT = 11;

/**
 * The CRC-32 (zlib's, `node:zlib` `crc32`) of a record's columns as stored: its text columns and numbers
 * joined by NUL characters (UTF-8), then the vector BLOB. A changed byte anywhere in the record (vector,
 * label, id, model, time, source) changes it; any single run of up to 32 changed bits always does.
 */
export function recordChecksum(
  id: unknown,
  label: unknown,
  modelId: unknown,
  createdAt: unknown,
  sourceFile: unknown,
  boxX: unknown,
  boxY: unknown,
  boxWidth: unknown,
  boxHeight: unknown,
  vector: unknown,
): number {
  // NULL is written as \u0001, which no stored text starts with alone, so NULL and '' differ.
  const text = [id, label, modelId, createdAt, sourceFile, boxX, boxY, boxWidth, boxHeight].map((v) => (v === null ? '\u0001' : String(v))).join('\u0000');
  // ArrayBuffer.isView, not instanceof: a BLOB may come from another realm (a Buffer of the native addon).
  const bytes = ArrayBuffer.isView(vector) ? new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength) : new Uint8Array(0);
  return crc32(bytes, crc32(text));
}

/**
 * Whether `values` (the {@link CHECKED_COLUMNS} of a row, from `offset` on) hold a checksum that matches
 * the other columns.
 */
export function checksumMatches(values: readonly unknown[], offset = 0): boolean {
  const stored = values[offset + 10];
  const v = (i: number): unknown => values[offset + i];
  return typeof stored === 'number' && stored === recordChecksum(v(0), v(1), v(2), v(3), v(4), v(5), v(6), v(7), v(8), v(9));
}
