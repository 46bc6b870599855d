import type { EmbeddingRecord, Metric, NewRecord, SearchHit, Store } from '@pv/core';
import { cosine } from '@pv/metric-cosine';
import { l2 } from '@pv/metric-l2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectPvError } from './expect-pv-error.js';
import { randomUnitVector, seededRandom, type RandomSource } from './random.js';
import type { StoreFixture, StoreFixtureFactory, StoreOpenOptions } from './store-fixture.js';
import { bruteForceSearch, expectSameRanking, expectWellFormedHits, recallOf } from './store-search-checks.js';

/** Options of {@link describeStore}. */
export interface DescribeStoreOptions {
  /**
   * `open()` returns new handles on the same data (a persistent store). Enables the persistence checks
   * (close and reopen) and the concurrent-readers check. Default `false`.
   */
  readonly reopenable?: boolean;
  /**
   * The store searches exactly (default `true`). `false` (approximate stores such as HNSW) relaxes
   * ranking and tie-order checks to a recall threshold; hits must still be well formed.
   */
  readonly exact?: boolean;
  /** Minimum recall of approximate stores against brute force. Default 0.9. */
  readonly minRecall?: number;
  /** Metrics the store can search with. Default: `l2` and `cosine`. */
  readonly metrics?: readonly Metric[];
  /** Metrics the store must refuse with `E_METRIC_UNSUPPORTED` (e.g. an index built for one metric). */
  readonly unsupportedMetrics?: readonly Metric[];
  /**
   * The store accepts any {@link Metric}, computing distances with it (like `MemoryStore`); checks a
   * custom similarity whose `closer` is `'higher'`. Default `false`.
   */
  readonly anyMetric?: boolean;
  /** Handles opened at once by the concurrent-readers check. Default 3. */
  readonly concurrentReaders?: number;
  /** Records in the bulk check. Default 1000. */
  readonly bulkSize?: number;
  /** Embedding dimension of the test data. Default 8. */
  readonly dimension?: number;
  /** Relative tolerance of distances against `metric.distance`. Default `1e-5`. */
  readonly distanceTolerance?: number;
}

const MODEL = 'test-model';
const OTHER_MODEL = 'other-model';

/**
 * Registers a vitest suite that checks a {@link Store} implementation against every clause of the Store
 * contract in `@pv/core`. `factory` is called once per test and must give an empty, isolated place.
 *
 * @example
 * ```ts
 * describeStore('MemoryStore', () => ({ open: async (o) => new MemoryStore(o) }), { anyMetric: true });
 *
 * describeStore('FileStore', async () => {
 *   const dir = await mkdtemp(join(tmpdir(), 'store-'));
 *   return {
 *     open: (o) => FileStore.open(join(dir, 'db'), o),
 *     cleanup: () => rm(dir, { recursive: true, force: true }),
 *   };
 * }, { reopenable: true });
 * ```
 */
export function describeStore(name: string, factory: StoreFixtureFactory, options: DescribeStoreOptions = {}): void {
  const exact = options.exact ?? true;
  const minRecall = options.minRecall ?? 0.9;
  const metrics = options.metrics ?? [l2, cosine];
  const dim = options.dimension ?? 8;
  const tolerance = options.distanceTolerance ?? 1e-5;
  const bulkSize = options.bulkSize ?? 1000;
  const readers = options.concurrentReaders ?? 3;
  const metric = metrics[0];
  if (!metric) throw new Error('describeStore: options.metrics must name at least one metric');
  if (!Number.isInteger(dim) || dim < 2) throw new Error('describeStore: options.dimension must be an integer >= 2');

  describe(`Store conformance: ${name}`, () => {
    const stores = openedStores(factory);
    const open = stores.open;
    let random: RandomSource;
    beforeEach(() => {
      random = seededRandom(42);
    });
    const unit = (d = dim): Float32Array => randomUnitVector(random, d);
    const record = (label: string, extra: Partial<NewRecord> = {}): NewRecord => ({
      label,
      vector: unit(),
      modelId: MODEL,
      ...extra,
    });

    describe('binding', () => {
      it('starts empty and unbound', async () => {
        const store = await open();
        expect(await store.info()).toEqual({ modelId: null, dimension: null, count: 0 });
        expect(await store.count()).toBe(0);
        expect(await store.labels()).toEqual([]);
        expect(await collect(store.records())).toEqual([]);
        expect(await store.search(unit(), { k: 5, metric })).toEqual([]);
      });

      it('binds to the model and dimension of the first record', async () => {
        const store = await open();
        await store.add([record('alice')]);
        expect(await store.info()).toEqual({ modelId: MODEL, dimension: dim, count: 1 });
      });

      it('refuses another model with E_MODEL_MISMATCH and adds nothing', async () => {
        const store = await open();
        await store.add([record('alice')]);
        await expectPvError(store.add([record('bob', { modelId: OTHER_MODEL })]), 'E_MODEL_MISMATCH');
        expect(await store.count()).toBe(1);
        expect(await store.labels()).toEqual([{ label: 'alice', count: 1 }]);
      });

      it('refuses another dimension with E_DIM_MISMATCH and adds nothing', async () => {
        const store = await open();
        await store.add([record('alice')]);
        await expectPvError(store.add([record('bob', { vector: unit(dim + 1) })]), 'E_DIM_MISMATCH');
        await expectPvError(store.add([record('bob', { vector: unit(dim - 1) })]), 'E_DIM_MISMATCH');
        expect(await store.count()).toBe(1);
      });

      it('refuses a query of the wrong length with E_DIM_MISMATCH', async () => {
        const store = await open();
        await store.add([record('alice')]);
        await expectPvError(store.search(unit(dim + 1), { k: 1, metric }), 'E_DIM_MISMATCH');
        await expectPvError(store.search(unit(dim - 1), { k: 1, metric, label: 'alice' }), 'E_DIM_MISMATCH');
      });

      it('keeps its binding after every record is deleted', async () => {
        const store = await open();
        const [a] = await store.add([record('alice'), record('bob'), record('bob')]);
        expect(await store.delete((a as EmbeddingRecord).id)).toBe(true);
        expect(await store.deleteLabel('bob')).toBe(2);
        expect(await store.info()).toEqual({ modelId: MODEL, dimension: dim, count: 0 });
        await expectPvError(store.add([record('carol', { modelId: OTHER_MODEL })]), 'E_MODEL_MISMATCH');
        await expectPvError(store.add([record('carol', { vector: unit(dim + 2) })]), 'E_DIM_MISMATCH');
        await expectPvError(store.search(unit(dim + 2), { k: 1, metric }), 'E_DIM_MISMATCH');
      });

      it('takes its binding from its options before any record', async () => {
        const store = await open({ modelId: MODEL, dimension: dim });
        expect(await store.info()).toEqual({ modelId: MODEL, dimension: dim, count: 0 });
        await expectPvError(store.add([record('alice', { modelId: OTHER_MODEL })]), 'E_MODEL_MISMATCH');
        await expectPvError(store.add([record('alice', { vector: unit(dim + 1) })]), 'E_DIM_MISMATCH');
        await expectPvError(store.search(unit(dim + 1), { k: 1, metric }), 'E_DIM_MISMATCH');
        expect(await store.count()).toBe(0);
        await store.add([record('alice')]);
        expect(await store.count()).toBe(1);
      });
    });

    describe('add', () => {
      it('returns the stored records in input order with ids and creation times filled in', async () => {
        const store = await open();
        const input = [
          record('alice'),
          record('bob', { id: 'chosen-id', createdAt: 1_700_000_000_123 }),
          record('alice', { source: { file: 'photos/alice_2.jpg', box: { x: 1, y: 2, width: 30, height: 40 } } }),
        ];
        const before = Date.now();
        const stored = await store.add(input);
        const after = Date.now();
        expect(stored).toHaveLength(3);
        stored.forEach((r, i) => {
          const given = input[i] as NewRecord;
          expect(r.label).toBe(given.label);
          expect(r.modelId).toBe(MODEL);
          expect(Array.from(r.vector)).toEqual(Array.from(given.vector));
          expect(typeof r.id).toBe('string');
          expect(r.id.length).toBeGreaterThan(0);
        });
        expect(stored[1]?.id).toBe('chosen-id');
        expect(stored[1]?.createdAt).toBe(1_700_000_000_123);
        for (const r of [stored[0], stored[2]] as EmbeddingRecord[]) {
          expect(r.createdAt).toBeGreaterThanOrEqual(before);
          expect(r.createdAt).toBeLessThanOrEqual(after);
        }
        expect(stored[2]?.source).toEqual({ file: 'photos/alice_2.jpg', box: { x: 1, y: 2, width: 30, height: 40 } });
        expect(new Set(stored.map((r) => r.id)).size).toBe(3);
        expect(await store.count()).toBe(3);
      });

      it('adds nothing from a batch with one bad record', async () => {
        const store = await open();
        await store.add([record('first', { id: 'r0' })]);
        const bad: [string, NewRecord, 'E_MODEL_MISMATCH' | 'E_DIM_MISMATCH' | 'E_INVALID_ARGUMENT'][] = [
          ['other model', record('x', { modelId: OTHER_MODEL }), 'E_MODEL_MISMATCH'],
          ['other dimension', record('x', { vector: unit(dim + 1) }), 'E_DIM_MISMATCH'],
          ['duplicate id', record('x', { id: 'r0' }), 'E_INVALID_ARGUMENT'],
        ];
        for (const [, badRecord, code] of bad) {
          await expectPvError(store.add([record('a', { id: 'ok-1' }), badRecord, record('b', { id: 'ok-2' })]), code);
        }
        expect(await store.count()).toBe(1);
        expect(await store.get('ok-1')).toBeUndefined();
        expect(await store.get('ok-2')).toBeUndefined();
        expect(await store.labels()).toEqual([{ label: 'first', count: 1 }]);
      });

      it('applies the label rule: refuses bad labels, stores canonical (NFC, trimmed) ones', async () => {
        const store = await open();
        for (const label of ['unknown', 'UNKNOWN', '../../etc/passwd', 'a\u001b[31mb', 'x'.repeat(129), '  ', '..', 'bob\u202Eevil']) {
          await expectPvError(store.add([record(label)]), 'E_INVALID_ARGUMENT');
        }
        expect(await store.count()).toBe(0);
        const [stored] = await store.add([record(' Zoe\u0308 ')]);
        expect(stored?.label).toBe('Zo\u00EB');
        expect(await store.labels()).toEqual([{ label: 'Zo\u00EB', count: 1 }]);
        expect((await store.get(stored?.id ?? ''))?.label).toBe('Zo\u00EB');
      });

      it('does not bind an empty store to a refused batch', async () => {
        const store = await open();
        await expectPvError(store.add([record('a'), record('b', { vector: unit(dim + 1) })]), 'E_DIM_MISMATCH');
        expect(await store.info()).toEqual({ modelId: null, dimension: null, count: 0 });
        await store.add([record('c', { vector: unit(dim + 1) })]);
        expect(await store.info()).toEqual({ modelId: MODEL, dimension: dim + 1, count: 1 });
      });

      it('refuses a duplicate id, within a batch or against the store, with E_INVALID_ARGUMENT', async () => {
        const store = await open();
        await expectPvError(store.add([record('a', { id: 'same' }), record('b', { id: 'same' })]), 'E_INVALID_ARGUMENT');
        expect(await store.count()).toBe(0);
        await store.add([record('a', { id: 'same' })]);
        await expectPvError(store.add([record('b', { id: 'same' })]), 'E_INVALID_ARGUMENT');
        expect((await store.get('same'))?.label).toBe('a');
        expect(await store.count()).toBe(1);
      });

      it('accepts an empty batch', async () => {
        const store = await open();
        expect(await store.add([])).toEqual([]);
        expect(await store.count()).toBe(0);
      });

      it(`adds a batch of ${bulkSize} records at once`, async () => {
        const store = await open();
        const input = Array.from({ length: bulkSize }, (_, i) => record(`person-${i % 37}`));
        const stored = await store.add(input);
        expect(stored.map((r) => r.label)).toEqual(input.map((r) => r.label));
        expect(await store.count()).toBe(bulkSize);
        const labels = await store.labels();
        expect(labels.reduce((sum, l) => sum + l.count, 0)).toBe(bulkSize);
      });
    });

    describe('get, delete and deleteLabel', () => {
      it('gets a record by id, and undefined for an unknown id', async () => {
        const store = await open();
        const [stored] = await store.add([record('alice', { source: { file: 'a.jpg' } })]);
        expect(await store.get((stored as EmbeddingRecord).id)).toEqual(stored);
        expect(await store.get('no-such-id')).toBeUndefined();
      });

      it('deletes one record and says whether it did', async () => {
        const store = await open();
        const [a, b] = (await store.add([record('alice'), record('bob')])) as [EmbeddingRecord, EmbeddingRecord];
        expect(await store.delete(a.id)).toBe(true);
        expect(await store.delete(a.id)).toBe(false);
        expect(await store.delete('no-such-id')).toBe(false);
        expect(await store.get(a.id)).toBeUndefined();
        expect(await store.count()).toBe(1);
        const hits = await store.search(a.vector, { k: 10, metric });
        expect(hits.map((h) => h.record.id)).toEqual([b.id]);
      });

      it('deletes every record of a label and says how many', async () => {
        const store = await open();
        await store.add([record('alice'), record('bob'), record('alice'), record('carol')]);
        expect(await store.deleteLabel('alice')).toBe(2);
        expect(await store.deleteLabel('alice')).toBe(0);
        expect(await store.deleteLabel('nobody')).toBe(0);
        expect(await store.labels()).toEqual([
          { label: 'bob', count: 1 },
          { label: 'carol', count: 1 },
        ]);
        const hits = await store.search(unit(), { k: 10, metric });
        expect(hits.map((h) => h.record.label).sort()).toEqual(['bob', 'carol']);
      });

      it('accepts a deleted id again', async () => {
        const store = await open();
        await store.add([record('alice', { id: 'x' })]);
        await store.delete('x');
        await store.add([record('bob', { id: 'x' })]);
        expect((await store.get('x'))?.label).toBe('bob');
      });
    });

    describe('labels, count, info and records()', () => {
      it('lists labels in code-unit order with their counts', async () => {
        const store = await open();
        // U+FF5A sorts before U+1F600 by code point (and in UTF-8), after it by UTF-16 code unit.
        const names = ['bob', 'Bob', 'alice', 'ä', 'a b', 'Zoë', 'bob', '10', '9', 'alice', 'bob', '\u{FF5A}', '\u{1F600}'];
        await store.add(names.map((n) => record(n)));
        expect(await store.labels()).toEqual([
          { label: '10', count: 1 },
          { label: '9', count: 1 },
          { label: 'Bob', count: 1 },
          { label: 'Zoë', count: 1 },
          { label: 'a b', count: 1 },
          { label: 'alice', count: 2 },
          { label: 'bob', count: 3 },
          { label: 'ä', count: 1 },
          { label: '\u{1F600}', count: 1 },
          { label: '\u{FF5A}', count: 1 },
        ]);
        expect(await store.count()).toBe(names.length);
        expect((await store.info()).count).toBe(names.length);
      });

      it('yields every record once, in insertion order', async () => {
        const store = await open();
        const ids = ['m', 'c', 'x', 'a', 'q'];
        const stored = await store.add(ids.slice(0, 3).map((id) => record(`label-${id}`, { id })));
        stored.push(...(await store.add(ids.slice(3).map((id) => record(`label-${id}`, { id })))));
        expect(await collect(store.records())).toEqual(stored);
        await store.delete('c');
        await store.add([record('late', { id: 'b' })]);
        expect((await collect(store.records())).map((r) => r.id)).toEqual(['m', 'x', 'a', 'q', 'b']);
      });
    });

    describe('search', () => {
      for (const m of metrics) {
        it(`ranks by ${m.id}, most similar first`, async () => {
          const store = await open();
          // Vectors of varied length, so that l2 and cosine rank them differently.
          const input = Array.from({ length: 60 }, (_, i) =>
            record(`p${i % 7}`, { vector: unit().map((x) => x * (0.25 + 2 * random())) }),
          );
          const stored = await store.add(input);
          for (let q = 0; q < 5; q++) {
            const query = unit().map((x) => x * (0.5 + random()));
            const hits = await store.search(query, { k: 10, metric: m });
            expectWellFormedHits(hits, query, m, tolerance);
            const expected = bruteForceSearch(stored, query, m, 10);
            if (exact) expectSameRanking(hits, expected, tolerance);
            else expect(recallOf(hits, expected)).toBeGreaterThanOrEqual(minRecall);
          }
        });

        it(`returns every record when k exceeds the count (${m.id})`, async () => {
          const store = await open();
          const stored = await store.add([record('a'), record('b'), record('c')]);
          const query = unit();
          const hits = await store.search(query, { k: 50, metric: m });
          expect(hits).toHaveLength(3);
          expectWellFormedHits(hits, query, m, tolerance);
          if (exact) expectSameRanking(hits, bruteForceSearch(stored, query, m, 50), tolerance);
        });

        it(`restricts candidates to a label (${m.id})`, async () => {
          const store = await open();
          const stored = await store.add(Array.from({ length: 40 }, (_, i) => record(['ann', 'ben', 'cy'][i % 3] as string)));
          const query = unit();
          const hits = await store.search(query, { k: 5, metric: m, label: 'ben' });
          expectWellFormedHits(hits, query, m, tolerance);
          expect(hits.every((h) => h.record.label === 'ben')).toBe(true);
          const expected = bruteForceSearch(stored, query, m, 5, 'ben');
          if (exact) expectSameRanking(hits, expected, tolerance);
          else expect(recallOf(hits, expected)).toBeGreaterThanOrEqual(minRecall);
          expect(await store.search(query, { k: 5, metric: m, label: 'nobody' })).toEqual([]);
        });
      }

      it('returns nothing for k <= 0', async () => {
        const store = await open();
        await store.add([record('a'), record('b')]);
        for (const m of metrics) {
          expect(await store.search(unit(), { k: 0, metric: m })).toEqual([]);
          expect(await store.search(unit(), { k: -3, metric: m })).toEqual([]);
        }
      });

      it('returns the stored records with the distance to each', async () => {
        const store = await open();
        const [stored] = await store.add([record('alice', { id: 'a1', createdAt: 5, source: { file: 'a.jpg' } })]);
        const [hit] = await store.search(unit(), { k: 1, metric });
        expect(hit?.record).toEqual(stored);
      });

      it(
        exact ? 'breaks ties by insertion order (earlier first)' : 'returns every tied record',
        async () => {
          const store = await open();
          const same = unit();
          const ids = ['t-z', 't-a', 't-m', 't-b'];
          await store.add([record('x'), ...ids.slice(0, 3).map((id) => record('tie', { id, vector: same })), record('y')]);
          await store.delete('t-a');
          await store.add([record('tie', { id: 't-b', vector: same }), record('z')]);
          for (const m of metrics) {
            const hits = await store.search(same, { k: 3, metric: m });
            const tied = hits.map((h) => h.record.id);
            if (exact) expect(tied).toEqual(['t-z', 't-m', 't-b']);
            else expect([...tied].sort()).toEqual(['t-b', 't-m', 't-z']);
          }
        },
      );

      it(`matches brute force on ${bulkSize} records`, async () => {
        const store = await open();
        const stored = await store.add(Array.from({ length: bulkSize }, (_, i) => record(`person-${i % 50}`)));
        for (const m of metrics) {
          let found = 0;
          let wanted = 0;
          for (let q = 0; q < 10; q++) {
            const query = unit();
            const hits = await store.search(query, { k: 10, metric: m });
            expectWellFormedHits(hits, query, m, tolerance);
            const expected = bruteForceSearch(stored, query, m, 10);
            if (exact) expectSameRanking(hits, expected, tolerance);
            found += recallOf(hits, expected) * expected.length;
            wanted += expected.length;
          }
          expect(found / wanted, `recall@10 with ${m.id}`).toBeGreaterThanOrEqual(exact ? 1 : minRecall);
        }
      });

      for (const unsupported of options.unsupportedMetrics ?? []) {
        it(`refuses metric ${unsupported.id} with E_METRIC_UNSUPPORTED`, async () => {
          const store = await open();
          await store.add([record('a')]);
          await expectPvError(store.search(unit(), { k: 1, metric: unsupported }), 'E_METRIC_UNSUPPORTED');
        });
      }

      if (options.anyMetric) {
        it('ranks by any metric, including one where higher is closer', async () => {
          const store = await open();
          const stored = await store.add(Array.from({ length: 30 }, (_, i) => record(`p${i % 4}`)));
          const query = unit();
          const hits = await store.search(query, { k: 8, metric: dotProduct });
          expectWellFormedHits(hits, query, dotProduct, tolerance);
          expectSameRanking(hits, bruteForceSearch(stored, query, dotProduct, 8), tolerance);
        });
      }
    });

    describe('vectors are copies', () => {
      it('is not changed by mutating vectors handed in or out', async () => {
        const store = await open();
        const vector = unit();
        const original = Float32Array.from(vector);
        const [added] = (await store.add([record('alice', { id: 'a', vector })])) as [EmbeddingRecord];
        vector.fill(9);
        added.vector.fill(8);
        (await store.get('a'))?.vector.fill(7);
        for (const hit of await store.search(original, { k: 1, metric })) hit.record.vector.fill(6);
        for await (const r of store.records()) r.vector.fill(5);
        expect(Array.from((await store.get('a'))?.vector ?? [])).toEqual(Array.from(original));
        const [hit] = await store.search(original, { k: 1, metric });
        expect(Array.from(hit?.record.vector ?? [])).toEqual(Array.from(original));
        expect(Math.abs((hit?.distance ?? Number.NaN) - metric.distance(original, original))).toBeLessThanOrEqual(tolerance);
      });
    });

    describe('close', () => {
      it('fails every later call with E_STORE_CLOSED', async () => {
        const store = await open();
        await store.add([record('alice', { id: 'a' })]);
        await stores.close(store);
        await expectPvError(store.info(), 'E_STORE_CLOSED');
        await expectPvError(store.add([record('bob')]), 'E_STORE_CLOSED');
        await expectPvError(store.get('a'), 'E_STORE_CLOSED');
        await expectPvError(store.delete('a'), 'E_STORE_CLOSED');
        await expectPvError(store.deleteLabel('alice'), 'E_STORE_CLOSED');
        await expectPvError(store.labels(), 'E_STORE_CLOSED');
        await expectPvError(store.count(), 'E_STORE_CLOSED');
        await expectPvError(store.search(unit(), { k: 1, metric }), 'E_STORE_CLOSED');
        await expectPvError(() => collect(store.records()), 'E_STORE_CLOSED');
      });
    });

    if (options.reopenable) {
      describe('persistence', () => {
        it('keeps records, their order, labels, binding and search results across close and reopen', async () => {
          const first = await open();
          await first.add([record('alice', { id: 'k1', source: { file: 'a.jpg', box: { x: 1, y: 2, width: 3, height: 4 } } })]);
          await first.add([record('bob', { id: 'a2' }), record('alice', { id: 'z3', createdAt: 12345 }), record('cy', { id: 'b4' })]);
          await first.delete('a2');
          const query = unit();
          const before = {
            records: await collect(first.records()),
            labels: await first.labels(),
            info: await first.info(),
            hits: await Promise.all(metrics.map((m) => first.search(query, { k: 10, metric: m }))),
          };
          await stores.close(first);
          const second = await open();
          expect(await collect(second.records())).toEqual(before.records);
          expect(await second.labels()).toEqual(before.labels);
          expect(await second.info()).toEqual(before.info);
          const after = await Promise.all(metrics.map((m) => second.search(query, { k: 10, metric: m })));
          expect(after.map(idsAndDistances)).toEqual(before.hits.map(idsAndDistances));
          await second.add([record('dan', { id: 'c5' })]);
          expect((await collect(second.records())).map((r) => r.id)).toEqual(['k1', 'z3', 'b4', 'c5']);
          await expectPvError(second.add([record('x', { id: 'k1' })]), 'E_INVALID_ARGUMENT');
        });

        it('keeps insertion order for ties across reopen', async () => {
          const same = unit();
          const first = await open();
          await first.add([record('tie', { id: 'tz', vector: same }), record('other')]);
          await stores.close(first);
          const second = await open();
          await second.add([record('tie', { id: 'ta', vector: same })]);
          const hits = await second.search(same, { k: 2, metric });
          if (exact) expect(hits.map((h) => h.record.id)).toEqual(['tz', 'ta']);
          else expect(hits.map((h) => h.record.id).sort()).toEqual(['ta', 'tz']);
        });

        it('keeps its binding after every record is deleted and the store reopened', async () => {
          const first = await open();
          await first.add([record('alice'), record('alice')]);
          await first.deleteLabel('alice');
          await stores.close(first);
          const second = await open();
          expect(await second.info()).toEqual({ modelId: MODEL, dimension: dim, count: 0 });
          await expectPvError(second.add([record('bob', { modelId: OTHER_MODEL })]), 'E_MODEL_MISMATCH');
          await expectPvError(second.add([record('bob', { vector: unit(dim + 1) })]), 'E_DIM_MISMATCH');
        });

        it(`serves ${readers} readers opened on the same data at once`, async () => {
          const writer = await open();
          const stored = await writer.add(Array.from({ length: 50 }, (_, i) => record(`p${i % 5}`)));
          const labels = await writer.labels();
          await stores.close(writer);
          const query = unit();
          const handles = await Promise.all(Array.from({ length: readers }, () => open({ readOnly: true })));
          const results = await Promise.all(
            handles.map(async (h) => ({
              count: await h.count(),
              labels: await h.labels(),
              records: await collect(h.records()),
              hits: await h.search(query, { k: 5, metric }),
            })),
          );
          for (const r of results) {
            expect(r.count).toBe(stored.length);
            expect(r.labels).toEqual(labels);
            expect(r.records).toEqual(stored);
            expectWellFormedHits(r.hits, query, metric, tolerance);
            const expected = bruteForceSearch(stored, query, metric, 5);
            if (exact) expectSameRanking(r.hits, expected, tolerance);
            else expect(recallOf(r.hits, expected)).toBeGreaterThanOrEqual(minRecall);
          }
        });
      });
    }
  });
}

/** Opens stores on a fresh fixture per test and closes whatever a test left open. */
function openedStores(factory: StoreFixtureFactory): {
  open(options?: StoreOpenOptions): Promise<Store>;
  close(store: Store): Promise<void>;
} {
  let fixture: StoreFixture | undefined;
  let open: Store[] = [];
  beforeEach(async () => {
    fixture = await factory();
    open = [];
  });
  afterEach(async () => {
    const left = open;
    open = [];
    await Promise.all(left.map((s) => s.close()));
    await fixture?.cleanup?.();
    fixture = undefined;
  });
  return {
    async open(options) {
      if (!fixture) throw new Error('describeStore: open() called outside a test');
      const store = await fixture.open(options);
      open.push(store);
      return store;
    },
    async close(store) {
      open = open.filter((s) => s !== store);
      await store.close();
    },
  };
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

function idsAndDistances(hits: readonly SearchHit[]): [string, number][] {
  return hits.map((h) => [h.record.id, h.distance]);
}

/** A similarity (higher is closer) that no store special-cases: the dot product. */
const dotProduct: Metric = {
  id: 'testkit-dot',
  closer: 'higher',
  distance(a, b) {
    let s = 0;
    for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
    return s;
  },
  distances(query, vectors, out) {
    const d = query.length;
    for (let row = 0; row * d < vectors.length; row++) out[row] = this.distance(query, vectors.subarray(row * d, (row + 1) * d));
  },
};
