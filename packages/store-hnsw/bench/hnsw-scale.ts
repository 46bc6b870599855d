// HNSW at scale on realistic synthetic face embeddings (fitted to real MobileFaceNet embeddings of the
// shared photos) and on the isotropic worst case: build settings, insert rate, memory, ef sweep.
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Worker } from 'node:worker_threads';
import hnswlib from 'hnswlib-node';
import { cosine } from '@pv/metric-cosine';
import { pairDistances, sampleFaceLike } from '@pv/testkit';
import type { BenchContext, BenchModule } from '../../../scripts/bench-types.js';
import { HnswStore } from '../src/index.js';
import { envNumbers, exactTopKAll, percentile, type CachedGallery, type Gallery } from './gallery-data.js';
import { histogramSvg } from './histogram-svg.js';
import { isotropicGallery, realisticGallery, realisticModel } from './real-embeddings.js';

const DIMENSION = 512;
const K = 10;
const MiB = 2 ** 20;
const QUERIES = 200;
const fmt = (x: number, digits = 2): string => x.toFixed(digits);
const count = (n: number): string => n.toLocaleString('en-US');

function rssMiB(): number {
  v8.setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  return process.memoryUsage().rss / MiB;
}

/** One graph to build: M and efConstruction. */
interface BuildSetting {
  readonly m: number;
  readonly efConstruction: number;
}

/** Builds one HnswStore over `gallery`, sweeps ef, and returns the table rows. */
async function measureBuild(ctx: BenchContext, dir: string, gallery: Gallery, truth: number[][], setting: BuildSetting, efs: readonly number[], setName: string): Promise<string[]> {
  const file = path.join(dir, `hnsw-${setName}-${gallery.size}-${setting.m}-${setting.efConstruction}.db`);
  const before = rssMiB();
  const store = await HnswStore.open(file, { space: 'cosine', m: setting.m, efConstruction: setting.efConstruction, initialCapacity: gallery.size });
  const batch = 1_000;
  const started = performance.now();
  let last = started;
  for (let i = 0; i < gallery.size; i += batch) {
    const n = Math.min(batch, gallery.size - i);
    await store.add(
      Array.from({ length: n }, (_, j) => ({
        id: `r${i + j}`,
        label: gallery.label(i + j),
        modelId: 'bench-synthetic',
        vector: gallery.matrix.subarray((i + j) * DIMENSION, (i + j + 1) * DIMENSION),
      })),
    );
    if (performance.now() - last > 60_000) {
      ctx.log(`${setName} ${count(gallery.size)} M${setting.m} efC${setting.efConstruction}: ${count(i + n)} added (${fmt((i + n) / ((performance.now() - started) / 1000), 0)}/s)`);
      last = performance.now();
    }
  }
  const buildSeconds = (performance.now() - started) / 1000;
  const rss = rssMiB() - before;
  const rows: string[] = [];
  for (const ef of efs) {
    store.ef = ef;
    await store.search(gallery.queries[0] as Float32Array, { k: K, metric: cosine });
    const times: number[] = [];
    let found = 0;
    let top1 = 0;
    for (let q = 0; q < gallery.queries.length; q++) {
      const t = performance.now();
      const hits = await store.search(gallery.queries[q] as Float32Array, { k: K, metric: cosine });
      times.push(performance.now() - t);
      const exact = truth[q] as number[];
      const got = new Set(hits.map((h) => Number(h.record.id.slice(1))));
      found += exact.filter((i) => got.has(i)).length;
      if (hits[0] !== undefined && Number(hits[0].record.id.slice(1)) === exact[0]) top1++;
    }
    times.sort((a, b) => a - b);
    rows.push(
      `| ${setName} | ${count(gallery.size)} | ${setting.m} | ${setting.efConstruction} | ${fmt(buildSeconds, 0)} | ${count(Math.round(gallery.size / buildSeconds))} | ${fmt((rss * MiB) / gallery.size / 1024, 2)} | ${ef} | ${fmt(percentile(times, 0.5), 3)} | ${fmt(percentile(times, 0.99), 3)} | ${fmt(top1 / gallery.queries.length, 3)} | ${fmt(found / (K * gallery.queries.length), 3)} |`,
    );
    ctx.log(rows[rows.length - 1] as string);
  }
  await store.close();
  const files = (await readdir(dir)).filter((n) => n.startsWith(path.basename(file)));
  const bytes = (await Promise.all(files.map((n) => stat(path.join(dir, n))))).reduce((s, st) => s + st.size, 0);
  rows.push(`| ${setName} | ${count(gallery.size)} | ${setting.m} | ${setting.efConstruction} | files on disk: ${fmt(bytes / gallery.size / 1024, 2)} KiB per vector (${fmt(bytes / MiB, 0)} MiB) | | | | | | | |`);
  for (const n of files) await rm(path.join(dir, n), { force: true });
  return rows;
}

async function measureSet(
  ctx: BenchContext,
  dir: string,
  setName: string,
  load: (size: number, queries: number) => CachedGallery,
  plan: readonly { size: number; settings: readonly BuildSetting[] }[],
  efs: readonly number[],
): Promise<{ rows: string[]; notes: string[] }> {
  const rows: string[] = [];
  const notes: string[] = [];
  for (const { size, settings } of plan) {
    const cached = load(size, ctx.quick ? 30 : QUERIES);
    const { gallery } = cached;
    const t1 = performance.now();
    const truth = exactTopKAll(gallery, K);
    const t2 = performance.now();
    notes.push(
      `${setName} ${count(size)}: ${cached.fromCache ? `vectors read from the bench cache in ${fmt(cached.seconds, 1)} s (generating them took ${fmt(cached.generatedSeconds, 0)} s)` : `generating the vectors took ${fmt(cached.seconds, 0)} s`}, exact top-10 of the ${gallery.queries.length} queries (@pv/exact-scan: int8 pre-scan, exact re-rank) ${fmt((t2 - t1) / 1000, 0)} s.`,
    );
    for (const setting of settings) {
      const started = performance.now();
      rows.push(...(await measureBuild(ctx, dir, gallery, truth, setting, efs, setName)));
      notes.push(`${setName} ${count(size)} M ${setting.m} efConstruction ${setting.efConstruction}: build, sweep and close took ${fmt((performance.now() - started) / 1000, 0)} s of wall time.`);
    }
  }
  return { rows, notes };
}

/** One graph to build, at every size or only at `size`. */
interface PlannedBuild extends BuildSetting {
  readonly size?: number;
}

/**
 * `PV_BENCH_HNSW_BUILDS`, e.g. "16:80,32:100": the (M, efConstruction) pairs to build; "16:80@100000" builds
 * that pair only at 100,000 vectors (a slow setting can be compared at a small size only).
 */
function buildSettings(name: string, fallback: readonly BuildSetting[]): PlannedBuild[] {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return [...fallback];
  return raw.split(',').map((entry) => {
    const [pair = '', at] = entry.split('@');
    const [m, efConstruction] = pair.split(':').map(Number);
    const size = at === undefined ? undefined : Number(at);
    if (!(Number(m) > 1) || !(Number(efConstruction) > 0) || (size !== undefined && !(size > 0))) {
      throw new RangeError(`${name}: "${entry}" is not M:efConstruction or M:efConstruction@size`);
    }
    return { m: m as number, efConstruction: efConstruction as number, ...(size === undefined ? {} : { size }) };
  });
}

/** The builds of `settings` that apply at `size`. */
function buildsAt(settings: readonly PlannedBuild[], size: number): PlannedBuild[] {
  return settings.filter((s) => s.size === undefined || s.size === size);
}

/**
 * Inserts on both cores: hnswlib-node has one synchronous `addPoint` and its graphs cannot be shared between
 * threads, so the only way to use a second core is a second graph. One bare hnswlib graph over the whole
 * gallery on this thread, then `threads` worker threads each building the graph of one shard at the same
 * time; the shards are then searched one after another and their top-k merged (their distances are exact).
 */
async function measureParallel(ctx: BenchContext, dir: string, gallery: Gallery, truth: number[][], setting: BuildSetting, threads: number, efs: readonly number[]): Promise<string[]> {
  const { HierarchicalNSW } = hnswlib;
  const d = gallery.dimension;
  const search = (indexes: InstanceType<typeof HierarchicalNSW>[], ef: number): { p50: number; p99: number; recall: number } => {
    for (const index of indexes) index.setEf(ef);
    const times: number[] = [];
    let found = 0;
    gallery.queries.forEach((query, q) => {
      const t = performance.now();
      const point = Array.from(query);
      const hits: { label: number; distance: number }[] = [];
      for (const index of indexes) {
        const r = index.searchKnn(point, K);
        r.neighbors.forEach((label, j) => hits.push({ label, distance: r.distances[j] as number }));
      }
      hits.sort((a, b) => a.distance - b.distance);
      times.push(performance.now() - t);
      const got = new Set(hits.slice(0, K).map((h) => h.label));
      found += (truth[q] as number[]).filter((i) => got.has(i)).length;
    });
    times.sort((a, b) => a - b);
    return { p50: percentile(times, 0.5), p99: percentile(times, 0.99), recall: found / (K * gallery.queries.length) };
  };
  const rows: string[] = [];
  const row = (how: string, seconds: number, ef: number, r: { p50: number; p99: number; recall: number }): string =>
    `| ${count(gallery.size)} | ${how} | ${setting.m} | ${setting.efConstruction} | ${fmt(seconds, 0)} | ${count(Math.round(gallery.size / seconds))} | ${ef} | ${fmt(r.p50, 3)} | ${fmt(r.p99, 3)} | ${fmt(r.recall, 3)} |`;
  // One thread, one graph.
  const single = new HierarchicalNSW('cosine', d);
  single.initIndex({ maxElements: gallery.size, m: setting.m, efConstruction: setting.efConstruction, randomSeed: 100 });
  let started = performance.now();
  for (let i = 0; i < gallery.size; i++) single.addPoint(Array.from(gallery.matrix.subarray(i * d, (i + 1) * d)), i);
  const singleSeconds = (performance.now() - started) / 1000;
  ctx.log(`bare hnswlib, 1 thread: ${fmt(gallery.size / singleSeconds, 0)}/s`);
  for (const ef of efs) rows.push(row('bare hnswlib, 1 thread, 1 graph', singleSeconds, ef, search([single], ef)));
  // `threads` threads, one shard each, built at the same time.
  const per = Math.ceil(gallery.size / threads);
  started = performance.now();
  const files = await Promise.all(
    Array.from({ length: threads }, (_, t) => {
      const first = t * per;
      const n = Math.min(per, gallery.size - first);
      const file = path.join(dir, `shard-${t}.bin`);
      const worker = new Worker(new URL('./shard-worker.mjs', import.meta.url), {
        workerData: { rows: gallery.matrix.slice(first * d, (first + n) * d), dimension: d, firstLabel: first, m: setting.m, efConstruction: setting.efConstruction, file },
      });
      return new Promise<string>((resolve, reject) => {
        worker.once('message', () => resolve(file));
        worker.once('error', reject);
      }).finally(() => void worker.terminate());
    }),
  );
  const parallelSeconds = (performance.now() - started) / 1000;
  ctx.log(`bare hnswlib, ${threads} threads: ${fmt(gallery.size / parallelSeconds, 0)}/s`);
  const shards = files.map((file) => {
    const index = new HierarchicalNSW('cosine', d);
    index.readIndexSync(file);
    return index;
  });
  for (const ef of efs) rows.push(row(`bare hnswlib, ${threads} threads, ${threads} shard graphs (searched in turn, top-k merged)`, parallelSeconds, ef, search(shards, ef)));
  for (const file of files) await rm(file, { force: true });
  return rows;
}

const TABLE_HEAD = [
  '| set | vectors | M | efConstruction | build s | inserts/s | RSS KiB per vector | ef | p50 ms | p99 ms | recall@1 | recall@10 |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
];

const NOTE =
  'k = 10, cosine, one query at a time on one core; recall against brute-force exact top-10 over the same matrix. Inserts go through `HnswStore.add` in batches of 1,000 (SQLite record + hnswlib graph, one thread: hnswlib-node has no multi-threaded insert). "RSS KiB per vector": resident memory growth from opening the store to the end of the build, divided by the vectors (vectors, graph, SQLite page cache). Re-ranking HNSW candidates against the stored vectors does not pay here: hnswlib keeps full-precision vectors, so its distances are already exact; what limits recall is which candidates the graph walk finds.';

/** Realistic set: fit, histograms, then HNSW at 100k and 1M. */
const realistic: BenchModule = {
  title: 'HNSW at scale on realistic synthetic face embeddings (fitted to real MobileFaceNet embeddings)',
  order: 61,
  async run(ctx) {
    const { model, real } = await realisticModel(ctx);
    const sample = sampleFaceLike(model, 300, 6, 99);
    const realPairs = pairDistances(real);
    const synPairs = pairDistances(sample);
    const svg = histogramSvg('Cosine distance of same-person and different-person pairs: real MobileFaceNet vs fitted synthetic', [
      { name: 'real, same person', colour: '#1f77b4', dashed: false, values: realPairs.same },
      { name: 'synthetic, same identity', colour: '#1f77b4', dashed: true, values: synPairs.same },
      { name: 'real, different people', colour: '#d62728', dashed: false, values: realPairs.different },
      { name: 'synthetic, different identities', colour: '#d62728', dashed: true, values: synPairs.different },
    ]);
    const svgFile = path.join(ctx.repoRoot, 'docs', 'benchmarks', 'realistic-embeddings.svg');
    if (!ctx.quick) await writeFile(svgFile, svg);
    const q = (values: readonly number[]): string => {
      const s = [...values].sort((a, b) => a - b);
      return [0.1, 0.5, 0.9].map((p) => fmt(percentile(s, p), 3)).join(' / ');
    };
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pv-hnsw-scale-'));
    try {
      // Sizes, builds and ef: PV_BENCH_HNSW_SIZES (default 100k and 1M; PV_BENCH_HNSW_SIZE still names one),
      // PV_BENCH_HNSW_BUILDS ("M:efConstruction[@size],…", default 16:80), PV_BENCH_HNSW_EFS. Galleries come from the
      // bench cache (generated once).
      const sizes = ctx.quick ? [10_000] : envNumbers('PV_BENCH_HNSW_SIZES', process.env.PV_BENCH_HNSW_SIZE ? [Number(process.env.PV_BENCH_HNSW_SIZE)] : [100_000, 1_000_000]);
      const settings = buildSettings('PV_BENCH_HNSW_BUILDS', [{ m: 16, efConstruction: ctx.quick ? 100 : 80 }]);
      const efs = envNumbers('PV_BENCH_HNSW_EFS', [20, 50, 100, 200, 400]);
      const plan = sizes.map((size) => ({ size, settings: buildsAt(settings, size) }));
      const load = (size: number, queries: number): CachedGallery => realisticGallery(ctx, model, size, queries);
      const { rows, notes } = await measureSet(ctx, dir, 'realistic', load, plan, efs);
      const vectorsOf = (row: string): number => Number((row.split('|')[2] ?? '').replace(/[ ,]/g, ''));
      rows.sort((a, b) => vectorsOf(a) - vectorsOf(b));
      return [
        `Generator (\`FaceLikeVectors\` in \`@pv/testkit\`): identity centres = mean + a ${model.betweenRank}-rank Gaussian fitted to the ${model.identities} real identity centres; photos = centre + a ${model.withinRank}-rank Gaussian fitted to ${model.photos} real within-identity deviations, scaled per photo by exp(${fmt(model.withinSpread, 2)}·z); scales (between ${fmt(model.betweenScale, 2)}, within ${fmt(model.withinScale, 2)}) calibrated so the distance quantiles match. Real: ${real.length} MobileFaceNet embeddings of LFW fold 1 and the CelebA sample (one per photo). 10 photos per identity in the galleries.`,
        '',
        `Histograms: [docs/benchmarks/realistic-embeddings.svg](docs/benchmarks/realistic-embeddings.svg). Cosine distance quantiles (10 % / 50 % / 90 %):`,
        '',
        '| pairs | real | synthetic |',
        '| --- | --- | --- |',
        `| same person | ${q(realPairs.same)} | ${q(synPairs.same)} |`,
        `| different people | ${q(realPairs.different)} | ${q(synPairs.different)} |`,
        '',
        NOTE,
        '',
        ...TABLE_HEAD,
        ...rows,
        '',
        ...notes.map((n) => `- ${n}`),
        `- Peak RSS of the bench process: ${fmt(process.resourceUsage().maxRSS / 1024, 0)} MiB.`,
        '- Targets (issue 18): recall@10 ≥ 0.95 at p50 < 2 ms at 1M, inserts ≥ 2,000/s.',
        '- Inserts on both cores: see the section "HNSW inserts on both cores".',
      ].join('\n');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};

/** Worst case: isotropic identities (near-orthogonal random centres), the same settings at 1M. */
const worstCase: BenchModule = {
  title: 'HNSW at scale, worst case: isotropic random identities',
  order: 62,
  async run(ctx) {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pv-hnsw-worst-'));
    try {
      // PV_BENCH_HNSW_WORST_SIZES (default 100k), the builds of PV_BENCH_HNSW_BUILDS, PV_BENCH_HNSW_WORST_EFS.
      const sizes = ctx.quick ? [10_000] : envNumbers('PV_BENCH_HNSW_WORST_SIZES', [100_000]);
      const settings = buildSettings('PV_BENCH_HNSW_BUILDS', [{ m: 16, efConstruction: 80 }]);
      const efs = envNumbers('PV_BENCH_HNSW_WORST_EFS', [50, 100, 200, 400, 800]);
      const load = (size: number, queries: number): CachedGallery => isotropicGallery(ctx, size, DIMENSION, queries);
      const { rows, notes } = await measureSet(ctx, dir, 'isotropic', load, sizes.map((size) => ({ size, settings: buildsAt(settings, size) })), efs);
      return [
        `Run at ${sizes.map(count).join(' and ')} vectors${sizes.includes(1_000_000) ? '' : ' (not 1M: a second 1M build did not fit the session on the shared machine)'}; the 1M isotropic rows of the "Stores side by side" section (M 16, efConstruction 200) are a 1M worst case: recall@10 0.29 at ef 100, 0.64 at ef 400. Identities are near-orthogonal random unit vectors with 0.05 per-coordinate noise (the set of the "Stores side by side" section): no subspace structure, so a proximity graph has little to follow. Real faces are not like this; this row is kept as the worst case.`,
        '',
        NOTE,
        '',
        ...TABLE_HEAD,
        ...rows,
        '',
        ...notes.map((n) => `- ${n}`),
      ].join('\n');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};

/** Inserts on both cores: one bare hnswlib graph on one thread vs two shard graphs built by two threads. */
const parallelInserts: BenchModule = {
  title: 'HNSW inserts on both cores: one graph per thread (hnswlib-node), realistic set',
  order: 63,
  async run(ctx) {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pv-hnsw-parallel-'));
    try {
      // PV_BENCH_HNSW_PARALLEL_SIZE (default 100k), the first build of PV_BENCH_HNSW_BUILDS, PV_BENCH_HNSW_EFS.
      const { model } = await realisticModel(ctx);
      const size = ctx.quick ? 5_000 : Number(process.env.PV_BENCH_HNSW_PARALLEL_SIZE ?? 100_000);
      const setting = buildSettings('PV_BENCH_HNSW_BUILDS', [{ m: 16, efConstruction: 80 }])[0] as BuildSetting;
      const efs = envNumbers('PV_BENCH_HNSW_EFS', [20, 50, 100, 200, 400]);
      const started = performance.now();
      const cached = realisticGallery(ctx, model, size, ctx.quick ? 30 : QUERIES);
      const truth = exactTopKAll(cached.gallery, K);
      const rows = await measureParallel(ctx, dir, cached.gallery, truth, setting, 2, efs);
      return [
        `Realistic set (the generator of the HNSW-at-scale section), ${count(size)} vectors, k = 10, cosine, bare hnswlib-node graphs (no SQLite records, unlike \`HnswStore\`), M ${setting.m}, efConstruction ${setting.efConstruction}. hnswlib-node's \`addPoint\` is synchronous and single-threaded (the library has no batch or multi-threaded insert; the C++ library's threaded \`addItems\` is not exposed), and a graph cannot be shared between worker threads. So a second core means a second graph: one graph per worker thread, each over half the gallery, built at the same time; a query then searches the shards one after another and merges their top-10 (hnswlib's distances are exact).`,
        '',
        '| vectors | build | M | efConstruction | build s | inserts/s | ef | p50 ms | p99 ms | recall@10 |',
        '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
        ...rows,
        '',
        `- ${cached.fromCache ? `Vectors read from the bench cache in ${fmt(cached.seconds, 1)} s` : `Vectors generated in ${fmt(cached.seconds, 0)} s`}; the whole section took ${fmt((performance.now() - started) / 1000, 0)} s of wall time.`,
        "- On a machine shared with other work the second thread only helps as far as a second core is free (see the load average below).",
      ].join('\n');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};

export const hnswScaleModules = [realistic, worstCase, parallelInserts] as const;
