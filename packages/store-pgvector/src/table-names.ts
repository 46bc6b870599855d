import { InvalidArgumentError } from '@pv/core';

/** The longest table name accepted: PostgreSQL truncates identifiers at 63 bytes, and derived names add suffixes. */
export const MAX_TABLE_NAME_LENGTH = 48;

const TABLE_NAME = /^[a-z_][a-z0-9_]*$/;

/** The quoted SQL names of one store's table, meta table and indexes. */
export interface TableNames {
  /** The table name as given (unquoted). */
  readonly table: string;
  readonly records: string;
  readonly meta: string;
  readonly hnswIndex: string;
  readonly labelIndex: string;
  readonly seqIndex: string;
}

/**
 * Validates a store's table name (lower-case letters, digits and `_`, not starting with a digit, at most
 * {@link MAX_TABLE_NAME_LENGTH} characters) and derives the names of its companions. Names are quoted, so
 * they are never confused with SQL keywords; schema selection is left to the connection's `search_path`.
 */
export function tableNames(table: string): TableNames {
  if (typeof table !== 'string' || !TABLE_NAME.test(table) || table.length > MAX_TABLE_NAME_LENGTH) {
    throw new InvalidArgumentError(
      `Invalid table name "${String(table)}": use lower-case letters, digits and _ (not first), at most ${MAX_TABLE_NAME_LENGTH} characters`,
      { table },
    );
  }
  return {
    table,
    records: `"${table}"`,
    meta: `"${table}_meta"`,
    hnswIndex: `"${table}_hnsw"`,
    labelIndex: `"${table}_label"`,
    seqIndex: `"${table}_seq"`,
  };
}
