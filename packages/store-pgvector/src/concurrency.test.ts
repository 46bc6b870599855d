import type { NewRecord } from '@pv/core';
import { cosine } from '@pv/metric-cosine';
import { randomUnitVector, seededRandom } from '@pv/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgvectorStore } from './index.js';
import { startTestDatabase, type TestDatabase } from './test-database.fixture.js';

const CLIENTS = 8;
const ROUNDS = 12;
const BATCH = 5;
const DIM = 32;

let database: TestDatabase;
beforeAll(async () => {
  database = await startTestDatabase();
});
afterAll(async () => {
  await database.stop();
});

/**
 * On a native server every client has its own pool (own connections, like separate API servers); PGlite is
 * one session, so there the clients share the fixture's one-connection pool and interleave on it.
 */
function openClient(table: string, exact: boolean): Promise<PgvectorStore> {
  const settings = { table, metric: 'cosine' as const, exact };
  return database.isPglite
    ? PgvectorStore.open({ pool: database.pool, ...settings })
    : PgvectorStore.open({ connectionString: database.connectionString, ...settings });
}

describe.each([
  { name: 'exact search', exact: true },
  { name: 'HNSW index', exact: false },
])(`${CLIENTS} concurrent clients enrolling and identifying ($name)`, ({ exact }) => {
  it('lose no write and each sees its own writes at once', { timeout: 120_000 }, async () => {
    const table = database.uniqueTable();
    const clients = await Promise.all(Array.from({ length: CLIENTS }, () => openClient(table, exact)));
    const enrolled: NewRecord[][] = clients.map(() => []);
    await Promise.all(
      clients.map(async (client, c) => {
        const random = seededRandom(1000 + c);
        for (let round = 0; round < ROUNDS; round++) {
          const batch = Array.from({ length: BATCH }, (_, i) => ({
            id: `c${c}-r${round}-${i}`,
            label: `client-${c}-person-${round}`,
            modelId: 'model-a',
            vector: randomUnitVector(random, DIM),
          }));
          await client.add(batch);
          enrolled[c]?.push(...batch);
          // Read-your-writes: every face just enrolled is identified as itself by the same client.
          for (const record of batch) {
            const [top] = await client.search(record.vector, { k: 1, metric: cosine });
            expect(top?.record.id, `client ${c} round ${round}`).toBe(record.id);
          }
        }
      }),
    );
    // No write lost: every client's every record is there, seen from every client.
    const total = CLIENTS * ROUNDS * BATCH;
    for (const client of clients) expect(await client.count()).toBe(total);
    const ids = new Set<string>();
    for await (const record of (clients[0] as PgvectorStore).records()) ids.add(record.id);
    expect(ids.size).toBe(total);
    for (const records of enrolled) for (const r of records) expect(ids.has(r.id as string)).toBe(true);
    await Promise.all(clients.map((c) => c.close()));
  });
});
