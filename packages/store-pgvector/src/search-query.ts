import { distanceOperator, type IndexMetric } from './index-metric.js';
import { RECORD_COLUMNS } from './record-rows.js';
import type { TableNames } from './table-names.js';
import { vectorToSql } from './vector-text.js';

/** How a k-NN query is answered. */
export type SearchMode =
  /**
   * Through the HNSW index (when the planner picks it) with this candidate list size; `iterativeScan`
   * when pgvector has iterative index scans (0.8 and later).
   */
  | { readonly exact: false; readonly efSearch: number; readonly iterativeScan: boolean }
  /** Index scans off: every candidate row is ranked; ties go to the earlier insertion. */
  | { readonly exact: true };

/** A search as SQL: session settings sent with BEGIN (no user input in them), then one parameterised query. */
export interface SearchStatement {
  readonly begin: string;
  readonly text: string;
  readonly values: unknown[];
}

/**
 * The k-NN query for `query` ranked by `rankBy`'s pgvector operator, at most `limit` rows (`null`: all),
 * optionally only rows with `label`. With a label filter on the index, pgvector 0.8's iterative index scan
 * (`hnsw.iterative_scan = relaxed_order`) keeps scanning until enough rows pass the filter instead of
 * filtering only the first `ef_search` candidates (older pgvector: fewer than k rows may come back when
 * the label is rare); the caller re-sorts the rows.
 */
export function searchStatement(
  names: TableNames,
  rankBy: IndexMetric,
  query: Float32Array,
  limit: number | null,
  label: string | undefined,
  mode: SearchMode,
): SearchStatement {
  const settings = mode.exact
    ? ['SET LOCAL enable_indexscan = off']
    : [
        `SET LOCAL hnsw.ef_search = ${mode.efSearch}`,
        ...(label !== undefined && mode.iterativeScan ? ['SET LOCAL hnsw.iterative_scan = relaxed_order'] : []),
      ];
  const values: unknown[] = [vectorToSql(query), limit];
  if (label !== undefined) values.push(label);
  // The output columns (vector as text, …) are computed in the outer query for the k rows only, not for
  // every row the ranking looks at. The rows come back unordered: the caller ranks them.
  const text =
    `SELECT ${RECORD_COLUMNS} FROM (SELECT * FROM ${names.records}` +
    (label !== undefined ? ' WHERE label = $3' : '') +
    ` ORDER BY vector ${distanceOperator(rankBy)} $1::vector${mode.exact ? ', seq' : ''} LIMIT $2) AS nearest`;
  return { begin: ['BEGIN', ...settings].join('; '), text, values };
}
