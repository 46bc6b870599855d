import { open, mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { MemoryStore, type NewRecord, type SearchHit, type Store } from '@pv/core';
import { int8ScanAccelerator } from '@pv/exact-scan';
import { cosine } from '@pv/metric-cosine';
import type { BenchModule } from '../../../scripts/bench-types.js';
import { FileStore } from '../src/index.js';

const DIMENSION = 512;
const MODEL = 'bench-model';

/** Deterministic unit vectors, row-major (mulberry32, so every run measures the same data). */
export function unitVectors(count: number, seed: number): Float32Array {
  let state = seed >>> 0;
  const random = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = new Float32Array(count * DIMENSION);
  for (let row = 0; row < count; row++) {
    let sum = 0;
    for (let j = 0; j < DIMENSION; j++) {
      const x = random() * 2 - 1;
      out[row * DIMENSION + j] = x;
      sum += x * x;
    }
    const norm = Math.sqrt(sum);
    for (let j = 0; j < DIMENSION; j++) out[row * DIMENSION + j] = (out[row * DIMENSION + j] as number) / norm;
  }
  return out;
}

function records(vectors: Float32Array, count: number): NewRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `r${i}`,
    label: `person-${i % 1000}`,
    vector: vectors.subarray(i * DIMENSION, (i + 1) * DIMENSION),
    modelId: MODEL,
    source: { file: `photos/person-${i % 1000}/${i}.jpg`, box: { x: 10, y: 12, width: 90, height: 110 } },
  }));
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { ms: performance.now() - started, value };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
}

/** Search latencies (ms, sorted) of k=10 cosine queries, and the hits. */
async function searchLatencies(store: Store, queries: Float32Array, count: number): Promise<{ times: number[]; hits: SearchHit[][] }> {
  await store.search(queries.subarray(0, DIMENSION), { k: 10, metric: cosine });
  const times: number[] = [];
  const hits: SearchHit[][] = [];
  for (let q = 0; q < count; q++) {
    const query = queries.subarray(q * DIMENSION, (q + 1) * DIMENSION);
    const { ms, value } = await timed(() => store.search(query, { k: 10, metric: cosine }));
    times.push(ms);
    hits.push(value);
  }
  return { times: times.sort((a, b) => a - b), hits };
}

/** How many queries got the same hits (ids, distances, order) from both runs. */
function identical(a: readonly SearchHit[][], b: readonly SearchHit[][]): number {
  return a.filter((hits, q) => hits.length === b[q]?.length && hits.every((h, i) => h.record.id === b[q]?.[i]?.record.id && h.distance === b[q]?.[i]?.distance)).length;
}

/** Writes `bytes` bytes to a new file and fsyncs it: the floor any durable save must pay. */
async function rawWriteMs(file: string, bytes: number): Promise<number> {
  const data = Buffer.alloc(bytes, 1);
  return (
    await timed(async () => {
      const handle = await open(file, 'w');
      await handle.writeFile(data);
      await handle.sync();
      await handle.close();
    })
  ).ms;
}

/** A full garbage collection, so memory deltas count live data only (exposed at run time for this bench). */
function collectGarbage(): void {
  v8.setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/** Live JS heap plus ArrayBuffer memory, after a full collection. */
function liveBytes(): number {
  collectGarbage();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

const MiB = 2 ** 20;
const f1 = (x: number): string => x.toFixed(1);
const f2 = (x: number): string => x.toFixed(2);

const bench: BenchModule = {
  title: 'File store: save, open, exact search (512-d)',
  order: 50,
  async run(ctx) {
    const sizes = ctx.quick ? [1_000, 10_000] : [10_000, 100_000];
    const queryCount = ctx.quick ? 20 : 200;
    const smallWrites = ctx.quick ? 3 : 5;
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pv-store-file-bench-'));
    const rows: string[] = [];
    try {
      for (const size of sizes) {
        ctx.log(`${size} records × ${DIMENSION}-d`);
        const vectors = unitVectors(size, 1);
        const queries = unitVectors(queryCount, 2);
        const file = path.join(dir, `store-${size}.pvstore`);

        const writer = await FileStore.open(file);
        const save = await timed(() => writer.add(records(vectors, size)));
        const fileBytes = (await stat(file)).size;
        const rawMs = await rawWriteMs(path.join(dir, 'raw.bin'), fileBytes);
        const adds: number[] = [];
        for (let i = 0; i < smallWrites; i++) {
          const one = { label: 'late', vector: queries.subarray(0, DIMENSION), modelId: MODEL };
          adds.push((await timed(() => writer.add([one]))).ms);
        }
        adds.sort((a, b) => a - b);
        await writer.close();

        const before = liveBytes();
        const opened = await timed(() => FileStore.open(file, { readOnly: true }));
        const held = liveBytes() - before;
        const reader = opened.value;
        // The first search builds the int8 pre-scan (@pv/exact-scan, FileStore's default), in WebAssembly
        // memory, which the heap and ArrayBuffer figures do not count: the resident set's growth does.
        const rssBefore = (collectGarbage(), process.memoryUsage().rss);
        const first = await timed(() => reader.search(queries.subarray(0, DIMENSION), { k: 10, metric: cosine }));
        const prescanHeld = (collectGarbage(), process.memoryUsage().rss) - rssBefore;
        const fileSearch = await searchLatencies(reader, queries, queryCount);
        await reader.close();
        // The same file scored row by row (what FileStore did before the pre-scan).
        const plain = await FileStore.open(file, { readOnly: true, accelerator: null });
        const plainSearch = await searchLatencies(plain, queries, queryCount);
        await plain.close();

        const memory = new MemoryStore({ accelerator: int8ScanAccelerator });
        await memory.add(records(vectors, size));
        const memorySearch = await searchLatencies(memory, queries, queryCount);
        await memory.close();
        const same = identical(fileSearch.hits, plainSearch.hits);

        rows.push(
          `| ${size.toLocaleString('en')} | ${f1(fileBytes / MiB)} | ${f1(save.ms)} | ${f2(save.ms / rawMs)} | ${f1(percentile(adds, 0.5))} | ${f1(opened.ms)} | ` +
            `${f1(held / MiB)} | ${f1((size * DIMENSION * 4) / MiB)} | ${f1(prescanHeld / MiB)} | ${f1(first.ms)} | ` +
            `${f2(percentile(plainSearch.times, 0.5))} | ${f2(percentile(fileSearch.times, 0.5))} | ${f2(percentile(fileSearch.times, 0.99))} | ` +
            `${f2(percentile(plainSearch.times, 0.5) / percentile(fileSearch.times, 0.5))}× | ${same} of ${queryCount} | ${f2(percentile(fileSearch.times, 0.5) / percentile(memorySearch.times, 0.5))} |`,
        );
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    return [
      `Synthetic unit vectors, each record with a label and a source file and box; files in \`${os.tmpdir()}\`. ` +
        `Search: k = 10, cosine, ${queryCount} queries. FileStore searches through @pv/exact-scan's int8 pre-scan by default ` +
        '(built on the first search: "first search ms"; "pre-scan MiB" is the growth of the resident set across it); "every row" is the same file opened with `accelerator: null`, ' +
        'and "identical" compares their hits (ids, float32 distances, order). The MemoryStore compared with uses the same accelerator.',
      '',
      '| records | file MiB | save ms (one add of all) | save ÷ raw write+fsync of same size | add 1 record ms (median) | open ms (read-only) | memory held MiB | of which vectors MiB | pre-scan MiB | first search ms | search p50 ms, every row | search p50 ms | search p99 ms | speed-up p50 | identical hits | search p50 ÷ MemoryStore |',
      '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...rows,
      '',
      'Every mutation rewrites the whole file (temporary file, fsync, rename, directory fsync), so "add 1 record" grows with the store: batch large imports into few `add()` calls. ' +
        '"memory held" is the growth of live heap + ArrayBuffer bytes (after a full GC) across a read-only `open()`; the vectors are one Float32Array, the rest is per-record metadata.',
    ].join('\n');
  },
};

export default bench;
