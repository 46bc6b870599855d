// pgvector on PGlite (served over the wire protocol, so through the same `pg` path as production): bulk insert
// rate, HNSW build time, insert rate into the built index, query latency and recall@10 against exact search.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { cosine } from '@pv/metric-cosine';
import { randomUnitVector, seededRandom, type RandomSource } from '@pv/testkit';
import pg from 'pg';
import type { BenchContext, BenchModule } from '../../../scripts/bench-types.js';
import { PgvectorStore } from '../src/index.js';
import nativeServer from './native-server.js';

const DIM = 512;
const IDENTITIES = 1000;
const BATCH = 1000;
const HNSW = { m: 16, efConstruction: 64 };

/** Face-like synthetic data: unit vectors around one of IDENTITIES random centres (cosine to the centre ≈ 0.7). */
class ClusteredVectors {
  readonly #random: RandomSource;
  readonly #centres: Float32Array[];

  constructor(seed: number) {
    this.#random = seededRandom(seed);
    this.#centres = Array.from({ length: IDENTITIES }, () => randomUnitVector(this.#random, DIM));
  }

  /** A new sample of a random identity, and that identity's index. */
  next(): { identity: number; vector: Float32Array } {
    const identity = Math.floor(this.#random() * IDENTITIES);
    const centre = this.#centres[identity] as Float32Array;
    const noise = randomUnitVector(this.#random, DIM);
    const v = new Float32Array(DIM);
    let norm = 0;
    for (let i = 0; i < DIM; i++) {
      v[i] = (centre[i] as number) + (noise[i] as number);
      norm += (v[i] as number) ** 2;
    }
    norm = Math.sqrt(norm);
    for (let i = 0; i < DIM; i++) v[i] = (v[i] as number) / norm;
    return { identity, vector: v };
  }
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

interface QueryFigures {
  p50: number;
  p99: number;
  recall: number;
}

/** Latency of every query, recall@10 against `truth` (exact ids per query, for the first truth.length queries). */
async function measureQueries(store: PgvectorStore, queries: readonly Float32Array[], truth: readonly string[][], efSearch: number): Promise<QueryFigures> {
  const times: number[] = [];
  let found = 0;
  let wanted = 0;
  for (const [i, query] of queries.entries()) {
    const started = performance.now();
    const hits = await store.search(query, { k: 10, metric: cosine, efSearch });
    times.push(performance.now() - started);
    const expected = truth[i];
    if (expected) {
      const ids = new Set(hits.map((h) => h.record.id));
      found += expected.filter((id) => ids.has(id)).length;
      wanted += expected.length;
    }
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 0.5), p99: percentile(times, 0.99), recall: wanted === 0 ? 1 : found / wanted };
}

interface SizeFigures {
  count: number;
  bulkRate: number;
  buildSeconds: number;
  indexedRate: number;
  exactP50: number;
  byEf: { efSearch: number; figures: QueryFigures }[];
}

async function benchSize(ctx: BenchContext, pool: pg.Pool, table: string, count: number, queryCount: number, truthCount: number): Promise<SizeFigures> {
  const data = new ClusteredVectors(count);
  const store = await PgvectorStore.open({ pool, table, metric: 'cosine', deferIndex: true, hnsw: HNSW });
  try {
    let started = performance.now();
    for (let done = 0; done < count; done += BATCH) {
      const size = Math.min(BATCH, count - done);
      await store.add(Array.from({ length: size }, (_, i) => {
        const { identity, vector: v } = data.next();
        return { id: `r${done + i}`, label: `person-${identity}`, vector: v, modelId: 'synthetic-512' };
      }));
    }
    const bulkRate = count / ((performance.now() - started) / 1000);
    ctx.log(`${count}: bulk insert ${bulkRate.toFixed(0)} rows/s`);

    started = performance.now();
    await store.buildIndex({ maintenanceWorkMem: '512MB' });
    const buildSeconds = (performance.now() - started) / 1000;
    ctx.log(`${count}: HNSW build ${buildSeconds.toFixed(1)} s`);

    const extra = Math.max(200, Math.round(count / 50));
    started = performance.now();
    for (let done = 0; done < extra; done += BATCH) {
      const size = Math.min(BATCH, extra - done);
      await store.add(Array.from({ length: size }, (_, i) => {
        const { identity, vector: v } = data.next();
        return { id: `extra${done + i}`, label: `person-${identity}`, vector: v, modelId: 'synthetic-512' };
      }));
    }
    const indexedRate = extra / ((performance.now() - started) / 1000);
    ctx.log(`${count}: insert into the index ${indexedRate.toFixed(0)} rows/s`);

    const queries = Array.from({ length: queryCount }, () => data.next().vector);
    const truth: string[][] = [];
    const exactTimes: number[] = [];
    for (const query of queries.slice(0, truthCount)) {
      started = performance.now();
      const hits = await store.search(query, { k: 10, metric: cosine, exact: true });
      exactTimes.push(performance.now() - started);
      truth.push(hits.map((h) => h.record.id));
    }
    exactTimes.sort((a, b) => a - b);
    const byEf = [];
    for (const efSearch of [40, 100, 200]) {
      byEf.push({ efSearch, figures: await measureQueries(store, queries, truth, efSearch) });
      ctx.log(`${count}: ef_search ${efSearch} done`);
    }
    return { count, bulkRate, buildSeconds, indexedRate, exactP50: percentile(exactTimes, 0.5), byEf };
  } finally {
    await store.close();
    await pool.query(`DROP TABLE IF EXISTS "${table}", "${table}_meta"`);
    await pool.query('CHECKPOINT');
  }
}

const bench: BenchModule = {
  title: '@pv/store-pgvector: pgvector HNSW on PGlite',
  order: 60,
  async run(ctx) {
    const sizes = ctx.quick ? [2000] : [10_000, 100_000];
    const queryCount = ctx.quick ? 50 : 200;
    const truthCount = ctx.quick ? 20 : 50;
    // On disk rather than in memory, so that table, index and WAL do not all sit in the process's heap.
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'pv-pgvector-bench-'));
    const db = await PGlite.create({ dataDir, extensions: { vector } });
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0 });
    await server.start();
    const pool = new pg.Pool({ connectionString: `postgresql://postgres@${server.getServerConn()}/postgres`, max: 1 });
    const results: SizeFigures[] = [];
    try {
      for (const count of sizes) results.push(await benchSize(ctx, pool, `pv_bench_${count}`, count, queryCount, truthCount));
    } finally {
      await pool.end();
      await server.stop();
      await db.close();
      await rm(dataDir, { recursive: true, force: true });
    }
    const ms = (x: number): string => x.toFixed(2);
    const lines = [
      `${DIM}-d synthetic face-like embeddings (${IDENTITIES} identities, cosine ≈ 0.7 to the identity centre), cosine HNSW index ` +
        `m=${HNSW.m}, ef_construction=${HNSW.efConstruction}, maintenance_work_mem 512MB. PGlite ${'0.5'} (PostgreSQL in WebAssembly, ` +
        'one session, single-threaded) with pgvector 0.8, reached through pglite-socket and `pg` (one connection), so every ' +
        'figure includes the wire protocol. A native PostgreSQL server is several times faster; compare rows with each other.',
      '',
      '| vectors | bulk insert (rows/s, no index) | HNSW build (s) | insert into index (rows/s) | insert slowdown with index | exact k=10 p50 (ms) |',
      '| ---: | ---: | ---: | ---: | ---: | ---: |',
      ...results.map(
        (r) =>
          `| ${r.count} | ${r.bulkRate.toFixed(0)} | ${r.buildSeconds.toFixed(1)} | ${r.indexedRate.toFixed(0)} | ` +
          `${(r.bulkRate / r.indexedRate).toFixed(1)}× | ${ms(r.exactP50)} |`,
      ),
      '',
      `Queries: ${queryCount} per size (k=10, one at a time); recall@10 against exact search on the first ${truthCount}.`,
      '',
      '| vectors | ef_search | p50 (ms) | p99 (ms) | recall@10 | p50 speed-up vs exact |',
      '| ---: | ---: | ---: | ---: | ---: | ---: |',
      ...results.flatMap((r) =>
        r.byEf.map(
          ({ efSearch, figures }) =>
            `| ${r.count} | ${efSearch} | ${ms(figures.p50)} | ${ms(figures.p99)} | ${figures.recall.toFixed(3)} | ${(r.exactP50 / figures.p50).toFixed(1)}× |`,
        ),
      ),
    ];
    return lines.join('\n');
  },
};

export default [bench, nativeServer];
