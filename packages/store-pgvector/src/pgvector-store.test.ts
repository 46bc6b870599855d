import { MetricUnsupportedError, type NewRecord } from '@pv/core';
import { cosine } from '@pv/metric-cosine';
import { l2 } from '@pv/metric-l2';
import { expectPvError, randomUnitVector, seededRandom, type RandomSource } from '@pv/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PgvectorStore, SCHEMA_VERSION, type PgvectorStoreSettings } from './index.js';
import { startTestDatabase, type TestDatabase } from './test-database.fixture.js';

const MODEL = 'model-a';
const DIM = 8;

let database: TestDatabase;
beforeAll(async () => {
  database = await startTestDatabase();
});
afterAll(async () => {
  await database.stop();
});

let random: RandomSource;
beforeEach(() => {
  random = seededRandom(7);
});
const unit = (d = DIM): Float32Array => randomUnitVector(random, d);
const record = (label: string, extra: Partial<NewRecord> = {}): NewRecord => ({ label, vector: unit(), modelId: MODEL, ...extra });
const open = (table: string, settings: Omit<PgvectorStoreSettings, 'table'> = {}): Promise<PgvectorStore> =>
  PgvectorStore.open({ pool: database.pool, table, ...settings });

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

describe('open', () => {
  it('creates the table, the meta row and the schema version', async () => {
    const table = database.uniqueTable();
    const store = await open(table, { metric: 'l2', modelId: MODEL, dimension: DIM });
    const { rows } = await database.pool.query(`SELECT schema_version, model_id, dimension, metric FROM "${table}_meta"`);
    expect(rows).toEqual([{ schema_version: SCHEMA_VERSION, model_id: MODEL, dimension: DIM, metric: 'l2' }]);
    const { rows: type } = await database.pool.query(
      "SELECT format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = to_regclass($1) AND attname = 'vector'",
      [`"${table}"`],
    );
    expect(type).toEqual([{ type: `vector(${DIM})` }]);
    expect(store.metric).toBe('l2');
    expect(store.table).toBe(table);
    await store.close();
  });

  it('takes the metric of an existing store and refuses another one with E_METRIC_UNSUPPORTED', async () => {
    const table = database.uniqueTable();
    await (await open(table, { metric: 'l2' })).close();
    const reopened = await open(table);
    expect(reopened.metric).toBe('l2');
    await reopened.close();
    const error = await expectPvError(open(table, { metric: 'cosine' }), 'E_METRIC_UNSUPPORTED');
    expect(error).toBeInstanceOf(MetricUnsupportedError);
    expect((error as MetricUnsupportedError).details).toEqual({ metric: 'cosine', supported: ['l2'], table: expect.stringContaining(table) });
  });

  it('refuses binding options that contradict the stored binding', async () => {
    const table = database.uniqueTable();
    const store = await open(table);
    await store.add([record('a')]);
    await store.close();
    await expectPvError(open(table, { modelId: 'model-b' }), 'E_MODEL_MISMATCH');
    await expectPvError(open(table, { dimension: DIM + 1 }), 'E_DIM_MISMATCH');
    const same = await open(table, { modelId: MODEL, dimension: DIM });
    expect(await same.count()).toBe(1);
    await same.close();
  });

  it('refuses a table that is not a pv store, and changes nothing', async () => {
    const table = database.uniqueTable();
    await database.pool.query(`CREATE TABLE "${table}" (id int)`);
    await expectPvError(open(table), 'E_STORE_CORRUPT');
    expect((await database.pool.query(`SELECT to_regclass('"${table}_meta"') AS meta`)).rows).toEqual([{ meta: null }]);
  });

  it('refuses a schema newer than this code', async () => {
    const table = database.uniqueTable();
    await (await open(table)).close();
    await database.pool.query(`UPDATE "${table}_meta" SET schema_version = $1`, [SCHEMA_VERSION + 1]);
    await expectPvError(open(table), 'E_STORE_CORRUPT');
  });

  it('refuses a meta table without its records table', async () => {
    const table = database.uniqueTable();
    await (await open(table)).close();
    await database.pool.query(`DROP TABLE "${table}"`);
    await expectPvError(open(table), 'E_STORE_CORRUPT');
  });

  it('validates its options', async () => {
    const table = database.uniqueTable();
    for (const bad of ['Faces', '1faces', 'faces-x', 'faces"; drop', '', 'x'.repeat(49)]) {
      await expectPvError(open(bad), 'E_INVALID_ARGUMENT');
    }
    await expectPvError(PgvectorStore.open({ table } as never), 'E_INVALID_ARGUMENT');
    await expectPvError(
      PgvectorStore.open({ table, pool: database.pool, connectionString: database.connectionString } as never),
      'E_INVALID_ARGUMENT',
    );
    await expectPvError(open(table, { metric: 'dot' as never }), 'E_INVALID_ARGUMENT');
    await expectPvError(open(table, { hnsw: { m: 1 } }), 'E_INVALID_ARGUMENT');
    await expectPvError(open(table, { hnsw: { m: 16, efConstruction: 31 } }), 'E_INVALID_ARGUMENT');
    await expectPvError(open(table, { efSearch: 0 }), 'E_INVALID_ARGUMENT');
    await expectPvError(open(table, { efSearch: 1001 }), 'E_INVALID_ARGUMENT');
    await expectPvError(open(table, { dimension: 2001 }), 'E_INVALID_ARGUMENT');
    await expectPvError(open(table, { insertBatchSize: 0 }), 'E_INVALID_ARGUMENT');
    expect((await database.pool.query(`SELECT to_regclass('"${table}"') AS t`)).rows).toEqual([{ t: null }]);
  });

  it('opens its own pool from a connection string, and ends it on close', async () => {
    const table = database.uniqueTable();
    const store = await PgvectorStore.open({ connectionString: database.connectionString, table });
    await store.add([record('a', { id: 'one' })]);
    await store.close();
    await expectPvError(store.count(), 'E_STORE_CLOSED');
    // The pool passed in by the caller is not ended by stores that borrow it.
    const borrowing = await open(table);
    expect((await borrowing.get('one'))?.label).toBe('a');
    await borrowing.close();
    expect((await database.pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    // A store that owns its pool releases its connection: PGlite admits three sockets, so a leaked pool
    // per cycle would make one of these opens fail.
    for (let i = 0; i < 4; i++) {
      const again = await PgvectorStore.open({ connectionString: database.connectionString, table });
      expect(await again.count()).toBe(1);
      await again.close();
    }
  });
});

describe('read-only handles (e.g. on a streaming replica)', () => {
  it('refuses to open a store that does not exist, creating nothing', async () => {
    const table = database.uniqueTable();
    await expectPvError(open(table, { readOnly: true }), 'E_NOT_FOUND');
    expect((await database.pool.query(`SELECT to_regclass('"${table}_meta"') AS meta`)).rows).toEqual([{ meta: null }]);
  });

  it('opens and reads where every transaction is read-only, and refuses writes', async () => {
    const table = database.uniqueTable();
    const writer = await open(table, { metric: 'l2' });
    const stored = await writer.add([record('alice', { id: 'a' }), record('bob', { id: 'b' })]);
    await writer.close();
    const replica = await database.readOnlyPool();
    try {
      // A writer's open would write (locks, binding): the read-only session refuses it.
      await expect(PgvectorStore.open({ pool: replica.pool, table })).rejects.toThrow(/read-only/);
      await expectPvError(PgvectorStore.open({ pool: replica.pool, table, readOnly: true, metric: 'cosine' }), 'E_METRIC_UNSUPPORTED');
      await expectPvError(PgvectorStore.open({ pool: replica.pool, table, readOnly: true, modelId: 'model-b' }), 'E_MODEL_MISMATCH');
      const reader = await PgvectorStore.open({ pool: replica.pool, table, readOnly: true, modelId: MODEL });
      expect(reader.readOnly).toBe(true);
      expect(await reader.info()).toEqual({ modelId: MODEL, dimension: DIM, count: 2 });
      expect(await reader.get('a')).toEqual(stored[0]);
      expect(await reader.labels()).toEqual([{ label: 'alice', count: 1 }, { label: 'bob', count: 1 }]);
      expect(await collect(reader.records())).toEqual(stored);
      const hits = await reader.search((stored[1] as { vector: Float32Array }).vector, { k: 1, metric: l2 });
      expect(hits.map((h) => h.record.id)).toEqual(['b']);
      expect(await reader.search(unit(), { k: 2, metric: cosine, exact: true })).toHaveLength(2);
      await expectPvError(reader.add([record('carol')]), 'E_INVALID_ARGUMENT');
      await expectPvError(reader.delete('a'), 'E_INVALID_ARGUMENT');
      await expectPvError(reader.deleteLabel('alice'), 'E_INVALID_ARGUMENT');
      await expectPvError(reader.buildIndex(), 'E_INVALID_ARGUMENT');
      await reader.close();
    } finally {
      await replica.end();
    }
    expect(await (await open(table)).count()).toBe(2);
  });

  it('asks for a writer to migrate an older schema first', async () => {
    const table = database.uniqueTable();
    await (await open(table)).close();
    await database.pool.query(`UPDATE "${table}_meta" SET schema_version = 0`);
    await expectPvError(open(table, { readOnly: true }), 'E_INVALID_ARGUMENT');
  });
});

describe('add', () => {
  it('writes a batch larger than one INSERT in one transaction: a failure in a late chunk leaves nothing', async () => {
    const table = database.uniqueTable();
    const store = await open(table, { insertBatchSize: 50 });
    await store.add([record('first')]);
    // A server-side failure in the third INSERT, after two chunks were written in the same transaction.
    await database.pool.query(
      `CREATE FUNCTION "${table}_refuse"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$`,
    );
    await database.pool.query(
      `CREATE TRIGGER refuse BEFORE INSERT ON "${table}" FOR EACH ROW WHEN (NEW.label = 'poison') EXECUTE FUNCTION "${table}_refuse"()`,
    );
    const batch = Array.from({ length: 120 }, (_, i) => record(i === 110 ? 'poison' : `p${i % 5}`));
    await expect(store.add(batch)).rejects.toThrow('refused');
    expect(await store.count()).toBe(1);
    expect(await store.labels()).toEqual([{ label: 'first', count: 1 }]);
    await database.pool.query(`DROP TRIGGER refuse ON "${table}"`);
    await database.pool.query(`DROP FUNCTION "${table}_refuse"()`);
    expect(await store.add(batch)).toHaveLength(120);
    expect(await store.count()).toBe(121);
    await store.close();
  });

  it('refuses an id another writer added after the duplicate check, and adds nothing', async () => {
    const table = database.uniqueTable();
    const store = await open(table);
    // Stands in for a concurrent writer: inserting `race-1` also inserts `race-2`, which the batch holds too.
    await database.pool.query(
      `CREATE FUNCTION "${table}_race"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
         INSERT INTO "${table}" (id, label, vector, model_id, created_at) VALUES ('race-2', 'other', NEW.vector, NEW.model_id, now());
         RETURN NEW; END $$`,
    );
    await database.pool.query(`CREATE TRIGGER race AFTER INSERT ON "${table}" FOR EACH ROW WHEN (NEW.id = 'race-1') EXECUTE FUNCTION "${table}_race"()`);
    await expectPvError(store.add([record('a', { id: 'race-1' }), record('a', { id: 'race-2' })]), 'E_INVALID_ARGUMENT');
    expect(await store.count()).toBe(0);
    await store.close();
    await database.pool.query(`DROP TRIGGER race ON "${table}"`);
    await database.pool.query(`DROP FUNCTION "${table}_race"()`);
  });

  it('round-trips every float32 bit for bit, and text, sources and creation times exactly', async () => {
    const store = await open(database.uniqueTable());
    const bits = new Uint32Array(64);
    for (let i = 0; i < bits.length; i++) {
      // Random finite float32s over the whole exponent range (exponent 255 is Inf/NaN).
      const exponent = Math.floor(random() * 255);
      bits[i] = ((random() < 0.5 ? 1 : 0) << 31) | (exponent << 23) | Math.floor(random() * 2 ** 23);
    }
    const extremes = [0, -0, 1e-45, -1e-45, 1.1754942e-38, 3.4028234663852886e38, -3.4028234663852886e38, Math.fround(0.1)];
    const vectors = [new Float32Array(bits.buffer).slice(0, DIM), new Float32Array(extremes)];
    for (let i = 1; i < bits.length / DIM; i++) vectors.push(new Float32Array(bits.buffer, i * DIM * 4, DIM).slice());
    const labels = ['Zoë', '😀 emoji', '\uFFFD', "O'Brien \"quoted\" %s $1 back", '名前'];
    const input = vectors.map((vector, i) =>
      record(labels[i % labels.length] as string, {
        id: `id-${i}-ß`,
        vector,
        createdAt: [0, -86_400_000, 1_700_000_000_123, 8.64e15, 253_402_300_799_999][i % 5] as number,
        ...(i % 2 === 0 ? { source: { file: `dir/ü ${i}.jpg`, box: { x: 0.5, y: -1, width: 1e-3, height: 123456.789 } } } : {}),
      }),
    );
    const stored = await store.add(input);
    const read = await collect(store.records());
    expect(read).toEqual(stored);
    read.forEach((r, i) => {
      expect(new Uint32Array(r.vector.buffer)).toEqual(new Uint32Array((input[i] as NewRecord).vector.buffer.slice(0)));
      expect(Object.is(r.vector[1], (input[i] as NewRecord).vector[1])).toBe(true);
    });
  });

  it('sorts labels by UTF-16 code units, not by code points or a collation', async () => {
    const store = await open(database.uniqueTable());
    await store.add(['\uFFFD', '😀', 'a', 'B', 'é', 'a'].map((label) => record(label)));
    expect(await store.labels()).toEqual([
      { label: 'B', count: 1 },
      { label: 'a', count: 2 },
      { label: 'é', count: 1 },
      { label: '😀', count: 1 },
      { label: '\uFFFD', count: 1 },
    ]);
  });

  it('refuses what PostgreSQL cannot store faithfully, before writing anything', async () => {
    const store = await open(database.uniqueTable());
    const bad: NewRecord[] = [
      record('nul\u0000label'),
      record('lone \uD800 surrogate'),
      record('ok', { id: 'nul\u0000id' }),
      record('ok', { modelId: 'm\u0000' }),
      record('ok', { source: { file: 'a\u0000.jpg' } }),
      record('ok', { createdAt: Number.NaN }),
      record('ok', { createdAt: Number.POSITIVE_INFINITY }),
    ];
    for (const r of bad) await expectPvError(store.add([record('fine'), r]), 'E_INVALID_ARGUMENT');
    expect(await store.info()).toEqual({ modelId: null, dimension: null, count: 0 });
    // Such text cannot be in the store, so looking it up finds nothing (rather than a driver error).
    await store.add([record('fine')]);
    expect(await store.get('nul\u0000id')).toBeUndefined();
    expect(await store.delete('lone \uD800')).toBe(false);
    expect(await store.deleteLabel('nul\u0000label')).toBe(0);
    expect(await store.search(unit(), { k: 1, metric: cosine, label: 'nul\u0000label' })).toEqual([]);
  });

  it('refuses a dimension pgvector cannot index when binding', async () => {
    const store = await open(database.uniqueTable());
    await expectPvError(store.add([record('a', { vector: new Float32Array(2001).fill(0.01) })]), 'E_INVALID_ARGUMENT');
    await expectPvError(store.add([record('a', { vector: new Float32Array(0) })]), 'E_INVALID_ARGUMENT');
    expect(await store.info()).toEqual({ modelId: null, dimension: null, count: 0 });
  });
});

describe('several writers on one table', () => {
  it('lets concurrent batches all land, in whole batches', async () => {
    const table = database.uniqueTable();
    const writers = await Promise.all([open(table), open(table), open(table)]);
    const batches = writers.map((_, w) => Array.from({ length: 40 }, (_, i) => record(`w${w}`, { id: `w${w}-${i}` })));
    await Promise.all(writers.map((writer, w) => writer.add(batches[w] as NewRecord[])));
    const ids = (await collect((writers[0] as PgvectorStore).records())).map((r) => r.id);
    expect(ids).toHaveLength(120);
    for (const batch of batches) {
      // Every record landed, and each batch kept its input order.
      const positions = batch.map((r) => ids.indexOf(r.id as string));
      expect(positions.every((p) => p >= 0)).toBe(true);
      expect(positions).toEqual([...positions].sort((x, y) => x - y));
    }
    await Promise.all(writers.map((w) => w.close()));
  });

  it('lets exactly one of two writers adding the same id win', async () => {
    const table = database.uniqueTable();
    const [a, b] = await Promise.all([open(table), open(table)]);
    const results = await Promise.allSettled([
      a.add([record('from-a', { id: 'shared' }), record('from-a', { id: 'only-a' })]),
      b.add([record('from-b', { id: 'shared' }), record('from-b', { id: 'only-b' })]),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    await expectPvError(Promise.reject(refused.reason), 'E_INVALID_ARGUMENT');
    const winner = (await a.get('shared'))?.label as string;
    expect(await a.labels()).toEqual([{ label: winner, count: 2 }]);
    await Promise.all([a.close(), b.close()]);
  });

  it('binds an empty store to exactly one of two models offered at once', async () => {
    const table = database.uniqueTable();
    const [a, b] = await Promise.all([open(table), open(table)]);
    const results = await Promise.allSettled([a.add([record('a')]), b.add([record('b', { modelId: 'model-b' })])]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    await expectPvError(Promise.reject(refused.reason), 'E_MODEL_MISMATCH');
    const info = await b.info();
    expect(info.count).toBe(1);
    expect(info.modelId === MODEL || info.modelId === 'model-b').toBe(true);
    // The losing handle learns the binding from the database, not from its own memory.
    await expectPvError(a.search(unit(DIM + 1), { k: 1, metric: cosine }), 'E_DIM_MISMATCH');
    await Promise.all([a.close(), b.close()]);
  });
});

describe('search details', () => {
  it('breaks ties by insertion order even where the rows are stored in another order', async () => {
    const table = database.uniqueTable();
    const store = await open(table, { exact: true });
    const same = unit();
    await store.add(['t1', 't2', 't3', 't4'].map((id) => record('tie', { id, vector: same })));
    // An UPDATE writes a new row version at the end of the heap: t1 is now stored last but was inserted first.
    await database.pool.query(`UPDATE "${table}" SET label = label WHERE id = 't1'`);
    for (const metric of [cosine, l2]) {
      expect((await store.search(same, { k: 2, metric })).map((h) => h.record.id)).toEqual(['t1', 't2']);
      expect((await store.search(same, { k: 10, metric })).map((h) => h.record.id)).toEqual(['t1', 't2', 't3', 't4']);
    }
  });

  it('returns every record for an unbounded k, and refuses a bad efSearch or a non-finite query', async () => {
    const store = await open(database.uniqueTable());
    await store.add(Array.from({ length: 5 }, (_, i) => record(`p${i}`)));
    expect(await store.search(unit(), { k: Number.POSITIVE_INFINITY, metric: cosine })).toHaveLength(5);
    expect(await store.search(unit(), { k: 2.5, metric: cosine })).toHaveLength(2);
    expect(await store.search(unit(), { k: 0.5, metric: cosine })).toEqual([]);
    await expectPvError(store.search(unit(), { k: 1, metric: cosine, efSearch: 0 }), 'E_INVALID_ARGUMENT');
    await expectPvError(store.search(new Float32Array(DIM).fill(Number.NaN), { k: 1, metric: cosine }), 'E_INVALID_ARGUMENT');
  });

  it('answers the metric the index was not built for exactly (sequential scan)', async () => {
    const store = await open(database.uniqueTable(), { metric: 'cosine' });
    await store.add(Array.from({ length: 30 }, (_, i) => record(`p${i}`, { vector: unit().map((x) => x * (1 + i)) })));
    const plan = (await store.explainSearch(unit(), { k: 3, metric: l2 })).join('\n');
    expect(plan).not.toContain('_hnsw');
    const query = unit();
    const hits = await store.search(query, { k: 30, metric: l2 });
    const distances = hits.map((h) => h.distance);
    expect(distances).toEqual([...distances].sort((x, y) => x - y));
    expect(hits.map((h) => h.distance)).toEqual(hits.map((h) => l2.distance(query, h.record.vector)));
  });
});
