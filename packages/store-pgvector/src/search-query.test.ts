import { describe, expect, it } from 'vitest';
import { searchStatement } from './search-query.js';
import { tableNames } from './table-names.js';

const names = tableNames('faces');
const query = new Float32Array([0.5, -0, 1]);

describe('searchStatement', () => {
  it('ranks through the index with ef_search, without tie-break or session changes beyond the transaction', () => {
    const statement = searchStatement(names, 'cosine', query, 10, undefined, { exact: false, efSearch: 64, iterativeScan: true });
    expect(statement.begin).toBe('BEGIN; SET LOCAL hnsw.ef_search = 64');
    expect(statement.text).toContain('ORDER BY vector <=> $1::vector LIMIT $2');
    expect(statement.values).toEqual(['[0.5,-0,1]', 10]);
  });

  it('turns on the iterative scan for label filters where pgvector has it', () => {
    const withIterative = searchStatement(names, 'l2', query, 5, 'alice', { exact: false, efSearch: 40, iterativeScan: true });
    expect(withIterative.begin).toBe('BEGIN; SET LOCAL hnsw.ef_search = 40; SET LOCAL hnsw.iterative_scan = relaxed_order');
    expect(withIterative.text).toContain('WHERE label = $3 ORDER BY vector <-> $1::vector LIMIT $2');
    expect(withIterative.values).toEqual(['[0.5,-0,1]', 5, 'alice']);
    const older = searchStatement(names, 'l2', query, 5, 'alice', { exact: false, efSearch: 40, iterativeScan: false });
    expect(older.begin).toBe('BEGIN; SET LOCAL hnsw.ef_search = 40');
  });

  it('answers exactly with index scans off and ties broken by insertion order', () => {
    const statement = searchStatement(names, 'cosine', query, null, undefined, { exact: true });
    expect(statement.begin).toBe('BEGIN; SET LOCAL enable_indexscan = off');
    expect(statement.text).toContain('ORDER BY vector <=> $1::vector, seq LIMIT $2');
    expect(statement.values).toEqual(['[0.5,-0,1]', null]);
  });
});
