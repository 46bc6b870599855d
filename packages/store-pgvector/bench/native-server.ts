// pgvector on a native PostgreSQL 15 server (started by scripts/ci-postgres.sh unless PV_TEST_POSTGRES_URL
// names one), side by side with pgvector on PGlite and pv's own HnswStore, on the same vectors in one run.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import type { Store } from '@pv/core';
import { Int8Scan, searchWithScan } from '@pv/exact-scan';
import { cosine } from '@pv/metric-cosine';
import { HnswStore } from '@pv/store-hnsw';
import pg from 'pg';
import type { BenchContext, BenchModule } from '../../../scripts/bench-types.js';
import { realisticGallery, realisticModel } from '../../store-hnsw/bench/real-embeddings.js';
import { PgvectorStore } from '../src/index.js';

const DIM = 512;
const BATCH = 1000;
const K = 10;
const HNSW = { m: 16, efConstruction: 64 };
const EFS = [20, 40, 100, 200];

/** The native server: the one named by PV_TEST_POSTGRES_URL, or a throwaway one from scripts/ci-postgres.sh. */
function startServer(ctx: BenchContext, maintenanceWorkMem: string): { url: string; stop: () => void } {
  const named = process.env.PV_TEST_POSTGRES_URL;
  if (named) return { url: named, stop: () => undefined };
  const script = path.join(ctx.repoRoot, 'scripts', 'ci-postgres.sh');
  const env = { ...process.env, PV_PG_MAINTENANCE_WORK_MEM: maintenanceWorkMem };
  const out = execFileSync('bash', ['-c', `source "${script}" start >&2 && echo "$PV_TEST_POSTGRES_URL $PV_PG_DIR"`], { encoding: 'utf8', env }).trim().split(' ');
  const [url, dir] = out as [string, string];
  return { url, stop: () => execFileSync('bash', [script, 'stop'], { env: { ...process.env, PV_PG_DIR: dir }, stdio: 'inherit' }) };
}

/** The data of one size: the realistic gallery of the HNSW-at-scale section (from the bench cache). */
interface Dataset {
  readonly matrix: Float32Array;
  readonly label: (i: number) => string;
  readonly queries: Float32Array[];
}

/**
 * Rows `from`..`size` of `data` into `table` with COPY … FROM STDIN (FORMAT binary) through psql: the bulk
 * path of PostgreSQL (one statement, no per-row parse), with the store's columns (id, label, vector,
 * model_id, created_at). Returns the seconds it took.
 */
async function copyRows(url: string, table: string, data: Dataset, from: number, size: number): Promise<number> {
  const started = performance.now();
  const child = spawn('psql', ['-q', '-v', 'ON_ERROR_STOP=1', url, '-c', `\\copy "${table}" (id, label, vector, model_id, created_at) FROM pstdin WITH (FORMAT binary)`], { stdio: ['pipe', 'inherit', 'inherit'] });
  const done = new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`psql \\copy exited with ${code}`))));
  });
  const write = (chunk: Buffer): Promise<void> => new Promise((resolve, reject) => child.stdin.write(chunk, (e) => (e ? reject(e) : resolve())));
  await write(Buffer.concat([Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)]));
  const micros = BigInt(Date.now() - Date.UTC(2000, 0, 1)) * 1000n;
  const model = Buffer.from('synthetic-512');
  for (let start = from; start < size; start += 5_000) {
    const parts: Buffer[] = [];
    for (let i = start; i < Math.min(size, start + 5_000); i++) {
      const id = Buffer.from(`r${i}`);
      const label = Buffer.from(data.label(i));
      const row = Buffer.alloc(2 + 4 + id.length + 4 + label.length + 4 + 4 + DIM * 4 + 4 + model.length + 4 + 8);
      let o = row.writeInt16BE(5, 0);
      o = row.writeInt32BE(id.length, o);
      o += id.copy(row, o);
      o = row.writeInt32BE(label.length, o);
      o += label.copy(row, o);
      // pgvector's binary form: int16 dimension, int16 unused, float4 each (network order).
      o = row.writeInt32BE(4 + DIM * 4, o);
      o = row.writeInt16BE(DIM, o);
      o = row.writeInt16BE(0, o);
      for (let j = 0; j < DIM; j++) o = row.writeFloatBE(data.matrix[i * DIM + j] as number, o);
      o = row.writeInt32BE(model.length, o);
      o += model.copy(row, o);
      o = row.writeInt32BE(8, o);
      row.writeBigInt64BE(micros, o);
      parts.push(row);
    }
    await write(Buffer.concat(parts));
  }
  const trailer = Buffer.alloc(2);
  trailer.writeInt16BE(-1, 0);
  await write(trailer);
  child.stdin.end();
  await done;
  return (performance.now() - started) / 1000;
}

const pct = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
const fmt = (x: number, d = 2): string => x.toFixed(d);

interface Row {
  readonly system: string;
  readonly size: number;
  readonly insertRate: number;
  readonly buildSeconds: number;
  readonly sweep: { ef: number; p50: number; p99: number; recall: number }[];
}

async function measure(
  ctx: BenchContext,
  system: string,
  data: Dataset,
  truth: number[][],
  store: Store,
  build: () => Promise<void>,
  setEf: (ef: number) => { efSearch?: number },
  bulk?: (from: number) => Promise<number>,
): Promise<Row> {
  const size = data.matrix.length / DIM;
  let started = performance.now();
  // The first batch goes through `add` (it binds the store: dimension, model); the rest through `bulk` when given.
  for (let i = 0; i < size; i += BATCH) {
    if (bulk !== undefined && i >= BATCH) break;
    const n = Math.min(BATCH, size - i);
    await store.add(Array.from({ length: n }, (_, j) => ({ id: `r${i + j}`, label: data.label(i + j), modelId: 'synthetic-512', vector: data.matrix.subarray((i + j) * DIM, (i + j + 1) * DIM) })));
  }
  let insertSeconds = (performance.now() - started) / 1000;
  if (bulk !== undefined && size > BATCH) {
    const seconds = await bulk(BATCH);
    // The bulk rate: rows copied ÷ the COPY's seconds (the first batch's `add` is not counted).
    insertSeconds = (seconds * size) / (size - BATCH);
  }
  started = performance.now();
  await build();
  const buildSeconds = (performance.now() - started) / 1000;
  ctx.log(`${system} ${size}: insert ${fmt(size / insertSeconds, 0)}/s, build ${fmt(buildSeconds, 1)} s`);
  const sweep = [];
  for (const ef of EFS) {
    const extra = setEf(ef);
    const times: number[] = [];
    let found = 0;
    for (const [q, query] of data.queries.entries()) {
      const t = performance.now();
      const hits = await store.search(query, { k: K, metric: cosine, ...extra });
      times.push(performance.now() - t);
      const got = new Set(hits.map((h) => Number(h.record.id.slice(1))));
      found += (truth[q] as number[]).filter((r) => got.has(r)).length;
    }
    times.sort((a, b) => a - b);
    sweep.push({ ef, p50: pct(times, 0.5), p99: pct(times, 0.99), recall: found / (K * data.queries.length) });
  }
  return { system, size, insertRate: size / insertSeconds, buildSeconds, sweep };
}

const bench: BenchModule = {
  title: 'pgvector on a native PostgreSQL server vs PGlite vs pv HnswStore (512-d, k = 10)',
  order: 61,
  async run(ctx) {
    // PV_BENCH_PG_SIZES (default 100000): PGlite and HnswStore run beside the native server up to
    // PV_BENCH_PG_SIDE_MAX (default 100000) vectors.
    const sizes = ctx.quick ? [2_000] : (process.env.PV_BENCH_PG_SIZES ?? '100000').split(',').map(Number);
    const sideMax = Number(process.env.PV_BENCH_PG_SIDE_MAX ?? 100_000);
    // PV_BENCH_PG_HNSW=0 leaves HnswStore out (its rows at these sizes are in the HNSW-at-scale section).
    const withHnsw = process.env.PV_BENCH_PG_HNSW !== '0';
    const plan = sizes.map((size) => ({ size, pglite: size <= sideMax, hnsw: withHnsw && size <= sideMax }));
    const { model } = await realisticModel(ctx);
    const wall: string[] = [];
    const queries = ctx.quick ? 30 : 200;
    // A graph that does not fit maintenance_work_mem is built far more slowly (pgvector spills to disk):
    // 1M x 512-d needs about 3 GB.
    const maintenanceWorkMem = Math.max(...sizes) >= 500_000 ? '6GB' : '2GB';
    const server = startServer(ctx, maintenanceWorkMem);
    const rows: Row[] = [];
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pv-pg-native-'));
    const nativePool = new pg.Pool({ connectionString: server.url, max: 2 });
    try {
      const version = (await nativePool.query("SELECT current_setting('server_version') AS v, (SELECT extversion FROM pg_extension WHERE extname = 'vector') AS x")).rows[0] as { v: string; x: string };
      for (const { size, pglite, hnsw } of plan) {
        const { gallery } = realisticGallery(ctx, model, size, queries);
        const data: Dataset = gallery;
        const scan = new Int8Scan(DIM, 'cosine');
        scan.append(data.matrix);
        const truth = data.queries.map((q) => searchWithScan(scan, cosine, q, data.matrix, K).map((h) => h.row));
        const table = `pv_bench_native_${size}`;
        await nativePool.query(`DROP TABLE IF EXISTS "${table}", "${table}_meta"`);
        const native = await PgvectorStore.open({ pool: nativePool, table, metric: 'cosine', deferIndex: true, hnsw: HNSW });
        let started = performance.now();
        rows.push(
          await measure(ctx, `PostgreSQL ${version.v} + pgvector ${version.x} (native, COPY)`, data, truth, native, () => native.buildIndex({ maintenanceWorkMem }), (ef) => ({ efSearch: ef }), (from) => copyRows(server.url, table, data, from, size)),
        );
        const tableBytes = (await nativePool.query(`SELECT pg_total_relation_size('"${table}"') AS b`)).rows[0] as { b: string };
        wall.push(`native ${size.toLocaleString('en-US')}: ${fmt((performance.now() - started) / 1000, 0)} s of wall time; table with its indexes ${fmt(Number(tableBytes.b) / 2 ** 20, 0)} MiB (${fmt(Number(tableBytes.b) / size / 1024, 2)} KiB per vector).`);
        await native.close();
        await nativePool.query(`DROP TABLE IF EXISTS "${table}", "${table}_meta"`);
        if (pglite) {
          const db = await PGlite.create({ extensions: { vector } });
          const socket = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0 });
          await socket.start();
          const pool = new pg.Pool({ connectionString: `postgresql://postgres@${socket.getServerConn()}/postgres`, max: 1 });
          const lite = await PgvectorStore.open({ pool, table, metric: 'cosine', deferIndex: true, hnsw: HNSW });
          started = performance.now();
          rows.push(await measure(ctx, 'PGlite 0.5 + pgvector 0.8', data, truth, lite, () => lite.buildIndex({ maintenanceWorkMem: '512MB' }), (ef) => ({ efSearch: ef })));
          wall.push(`PGlite ${size.toLocaleString('en-US')}: ${fmt((performance.now() - started) / 1000, 0)} s of wall time.`);
          await lite.close();
          await pool.end();
          await socket.stop();
          await db.close();
        }
        if (hnsw) {
          const store = await HnswStore.open(path.join(dir, `hnsw-${size}.db`), { space: 'cosine', m: HNSW.m, efConstruction: HNSW.efConstruction, initialCapacity: size });
          started = performance.now();
          rows.push(await measure(ctx, 'pv HnswStore (hnswlib)', data, truth, store, async () => undefined, (ef) => {
            store.ef = ef;
            return {};
          }));
          wall.push(`HnswStore ${size.toLocaleString('en-US')}: ${fmt((performance.now() - started) / 1000, 0)} s of wall time.`);
          await store.close();
        }
      }
    } finally {
      await nativePool.end();
      server.stop();
      await rm(dir, { recursive: true, force: true });
    }
    const notRun = [
      ...(plan.some((p) => p.size >= 1_000_000) ? [] : ['- Not run: 1M on the native server (`PV_BENCH_PG_SIZES=1000000`): it did not fit the session on the shared machine; docs/scaling.md says what it would add.']),
      ...(plan.some((p) => !p.pglite) ? [`- PGlite was left out above ${sideMax.toLocaleString('en-US')} vectors (\`PV_BENCH_PG_SIDE_MAX\`); the section "@pv/store-pgvector: pgvector HNSW on PGlite" has PGlite at 10k and 100k.`] : []),
      ...(withHnsw ? [] : ['- pv HnswStore was left out of this run (`PV_BENCH_PG_HNSW=0`: it did not fit the session beside the others); its figures on the same realistic set at 100k (M 16, efConstruction 80) are in the section "HNSW at scale on realistic synthetic face embeddings".']),
    ];
    return [
      `Same vectors for every system in one run: the realistic 512-d set of the HNSW-at-scale section (fitted to real MobileFaceNet embeddings, 10 photos per identity, from the bench cache), ${queries} fresh queries; recall@10 against exact top-10 (\`@pv/exact-scan\`). HNSW m ${HNSW.m}, ef_construction ${HNSW.efConstruction} everywhere. PostgreSQL: the throwaway cluster of \`scripts/ci-postgres.sh\` (127.0.0.1, shared_buffers 512MB, fsync on); the first 1,000 records go through \`PgvectorStore.add\` (it binds the store), the rest through one \`COPY … FROM STDIN (FORMAT binary)\` (psql \`\\copy\`, no index; "inserts/s" is the COPY's rate), then \`buildIndex\` (CREATE INDEX, maintenance_work_mem ${maintenanceWorkMem}, default max_parallel_maintenance_workers 2). PGlite: \`PgvectorStore.add\` (one multi-row INSERT per 1,000 records), then \`buildIndex\`. pv HnswStore inserts into its graph as it goes (no separate build). Latency is one query at a time over one pooled connection, including the wire protocol (PGlite through pglite-socket).`,
      '',
      '| system | vectors | inserts/s | index build s | ef_search | p50 ms | p99 ms | recall@10 |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...rows.flatMap((r) => r.sweep.map((s) => `| ${r.system} | ${r.size.toLocaleString('en-US')} | ${fmt(r.insertRate, 0)} | ${fmt(r.buildSeconds, 1)} | ${s.ef} | ${fmt(s.p50)} | ${fmt(s.p99)} | ${fmt(s.recall, 3)} |`)),
      '',
      ...wall.map((w) => `- ${w}`),
      ...notRun,
      "- The machine was shared with other helpers' work while this ran: absolute times are inflated; rows of one size ran back to back. Under such load a query to a server process also waits to be scheduled (the server's backend and the client each need a turn on a core), which the in-process HnswStore does not.",
    ].join('\n');
  },
};

export default bench;
