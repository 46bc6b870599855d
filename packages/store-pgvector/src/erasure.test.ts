import type { NewRecord } from '@pv/core';
import { footprintOf } from '@pv/testkit/process';
import { hashSeed, randomVector, seededRandom } from '@pv/testkit';
import type { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgvectorStore } from './index.js';
import { startTestDatabase, type TestDatabase } from './test-database.fixture.js';

const DIM = 64;
const PER_PERSON = 4;

let database: TestDatabase;
let pageinspect = false;
beforeAll(async () => {
  database = await startTestDatabase();
  // Reading raw pages needs the pageinspect extension and a superuser (PGlite's user is one).
  pageinspect = await database.pool.query('CREATE EXTENSION IF NOT EXISTS pageinspect').then(
    () => true,
    () => false,
  );
});
afterAll(async () => {
  await database.stop();
});

function person(p: number): NewRecord[] {
  const label = `pg-erasure-${p}-${hashSeed(`pg-${p}`).toString(36)}`;
  return Array.from({ length: PER_PERSON }, (_, r) => ({
    id: `${label}/${r}`,
    label,
    modelId: 'erasure-test',
    vector: randomVector(seededRandom(hashSeed(`${label}/${r}`)), DIM),
    source: { file: `/photos/${label}/${r}.jpg` },
  }));
}

/** Every page of the table, its TOAST table and TOAST index, and all its indexes, through pageinspect. */
async function relationPages(pool: Pool, table: string): Promise<Buffer[]> {
  const { rows: relations } = await pool.query<{ oid: string }>(
    `SELECT c.oid::regclass::text AS oid FROM pg_class c WHERE c.oid = to_regclass($1)
     UNION SELECT reltoastrelid::regclass::text FROM pg_class WHERE oid = to_regclass($1) AND reltoastrelid <> 0
     UNION SELECT i.indexrelid::regclass::text FROM pg_index i WHERE i.indrelid = to_regclass($1)
     UNION SELECT i.indexrelid::regclass::text FROM pg_index i JOIN pg_class c ON i.indrelid = c.reltoastrelid WHERE c.oid = to_regclass($1)`,
    [`"${table}"`],
  );
  const pages: Buffer[] = [];
  for (const { oid } of relations) {
    const { rows } = await pool.query<{ n: string }>('SELECT pg_relation_size($1::regclass) / current_setting($2)::int AS n', [oid, 'block_size']);
    for (let block = 0; block < Number(rows[0]?.n ?? 0); block++) {
      const { rows: page } = await pool.query<{ raw: Buffer }>('SELECT get_raw_page($1, $2) AS raw', [oid, block]);
      pages.push(page[0]?.raw as Buffer);
    }
  }
  return pages;
}

const holds = (pages: readonly Buffer[], needles: readonly Buffer[]): boolean => pages.some((page) => needles.some((n) => page.includes(n)));

describe(`PgvectorStore: deletion is erasure (${process.env.PV_TEST_POSTGRES_URL ? 'PV_TEST_POSTGRES_URL' : 'PGlite'})`, () => {
  it('keeps deleted rows in the pages after DELETE, and no byte of them after eraseDeleted (VACUUM FULL)', async (context) => {
    if (!pageinspect) context.skip('pageinspect is not available on this server (needs the extension and a superuser)');
    const table = database.uniqueTable();
    const store = await PgvectorStore.open({ pool: database.pool, table, metric: 'l2' });
    const people = Array.from({ length: 30 }, (_, p) => person(p));
    for (const records of people) await store.add(records);
    const gone = people[7] as NewRecord[];
    const kept = people[8] as NewRecord[];
    const goneBytes = footprintOf(gone[0]?.label as string, gone).needles;
    const keptBytes = footprintOf(kept[0]?.label as string, kept).needles;

    expect(await store.deleteLabel(gone[0]?.label as string)).toBe(PER_PERSON);
    // DELETE only marks the rows dead: the bytes are still in the heap and index pages.
    expect(holds(await relationPages(database.pool, table), goneBytes)).toBe(true);

    await store.eraseDeleted();
    const pages = await relationPages(database.pool, table);
    expect(holds(pages, goneBytes)).toBe(false);
    expect(holds(pages, keptBytes)).toBe(true);
    expect(await store.count()).toBe(29 * PER_PERSON);
    await store.close();
  });
});
