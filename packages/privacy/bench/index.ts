import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { NewRecord, Store } from '@pv/core';
import { cosine } from '@pv/metric-cosine';
import type { StoreEncryption } from '@pv/store-crypto';
import { FileStore, rekeyFileStore } from '@pv/store-file';
import { HnswStore, rekeyHnswStore } from '@pv/store-hnsw';
import { SqliteStore, rekeySqliteStore } from '@pv/store-sqlite';
import type { BenchModule } from '../../../scripts/bench-types.js';
import { median } from '../../../scripts/bench-timing.js';
// The same deterministic 512-d unit vectors as the file-store benchmark.
import { unitVectors } from '../../store-file/bench/index.js';

const DIMENSION = 512;
const BATCH = 1000;
const FILL_BATCH = 10_000;
const SEARCHES = 10;
const ROUNDS = 3;

function records(vectors: Float32Array, from: number, to: number): NewRecord[] {
  return Array.from({ length: to - from }, (_, k) => {
    const i = from + k;
    return { id: `r${i}`, label: `person-${i % 1000}`, modelId: 'bench', vector: vectors.subarray(i * DIMENSION, (i + 1) * DIMENSION), source: { file: `photos/person-${i % 1000}/${i}.jpg` } };
  });
}

interface Kind {
  readonly name: string;
  readonly file: string;
  open(file: string, encryption: StoreEncryption | undefined): Promise<Store>;
  rekey(file: string, from: StoreEncryption | undefined, to: StoreEncryption | undefined): Promise<unknown>;
}

const KINDS: readonly Kind[] = [
  { name: 'FileStore', file: 'faces.pv', open: (file, encryption) => FileStore.open(file, encryption ? { encryption } : {}), rekey: rekeyFileStore },
  { name: 'SqliteStore (exact)', file: 'faces.db', open: (file, encryption) => SqliteStore.open(file, encryption ? { encryption } : {}), rekey: rekeySqliteStore },
  {
    name: 'HnswStore (efConstruction 64)',
    file: 'gallery.db',
    open: (file, encryption) => HnswStore.open(file, { space: 'cosine', efConstruction: 64, ...(encryption ? { encryption } : {}) }),
    rekey: rekeyHnswStore,
  },
];

interface Timings {
  open: number[];
  add: number[];
  first: number[];
  search: number[];
}

/** One round on a closed store: reopen and count, add one batch, the first search, then SEARCHES more; closed again. */
async function round(kind: Kind, file: string, encryption: StoreEncryption | undefined, vectors: Float32Array, batchFrom: number, queries: Float32Array, into: Timings): Promise<void> {
  let started = performance.now();
  const store = await kind.open(file, encryption);
  await store.count();
  into.open.push(performance.now() - started);
  try {
    started = performance.now();
    await store.add(records(vectors, batchFrom, batchFrom + BATCH));
    into.add.push(performance.now() - started);
    started = performance.now();
    await store.search(queries.subarray(0, DIMENSION), { k: 10, metric: cosine });
    into.first.push(performance.now() - started);
    const times: number[] = [];
    for (let q = 1; q <= SEARCHES; q++) {
      started = performance.now();
      await store.search(queries.subarray(q * DIMENSION, (q + 1) * DIMENSION), { k: 10, metric: cosine });
      times.push(performance.now() - started);
    }
    into.search.push(median(times));
  } finally {
    await store.close();
  }
}

const module: BenchModule = {
  title: 'Encryption at rest: cost per store (open, add, search, rekey), 512-d',
  order: 45,
  async run({ quick, log }) {
    const count = Number(process.env.PV_BENCH_ENCRYPTION_COUNT ?? (quick ? 10_000 : 100_000));
    const vectors = unitVectors(count + ROUNDS * 2 * BATCH, 11);
    const queries = unitVectors(SEARCHES + 1, 12);
    const key: StoreEncryption = { key: new Uint8Array(randomBytes(32)) };
    const lines = [
      `${count.toLocaleString('en-US')} records of 512-d unit vectors (labels person-0…999, a source path each). Each store is filled once in plain form (batches of ${FILL_BATCH.toLocaleString('en-US')}), copied, and the copy encrypted with the store's rekey function (**rekey**: AES-256-GCM via node:crypto, \`@pv/store-crypto\`), so both hold the same records (and, for HNSW, the same graph). Then ${ROUNDS} rounds alternate plain and encrypted: **open** = open and count (SQLite and HNSW: the bounded integrity check and the key check included; HNSW: reading, verifying and, encrypted, unsealing the graph file); **add** = one batch of ${BATCH} more; **first search** = the first cosine k=10 search after opening (SQLite: loads its search cache, decrypting every vector when encrypted); **search** = median of ${SEARCHES} more. Each cell is the median of the ${ROUNDS} rounds; ratio = encrypted / plain.`,
      '',
      '| store | | fill (s) | rekey (s) | open (ms) | add 1000 (ms) | first search (ms) | search p50 (ms) |',
      '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ];
    for (const kind of KINDS) {
      const plainDir = await mkdtemp(path.join(os.tmpdir(), 'pv-bench-crypto-'));
      const sealedDir = await mkdtemp(path.join(os.tmpdir(), 'pv-bench-crypto-'));
      try {
        const plainFile = path.join(plainDir, kind.file);
        const sealedFile = path.join(sealedDir, kind.file);
        log(`${kind.name}: filling ${count}`);
        let started = performance.now();
        const store = await kind.open(plainFile, undefined);
        for (let from = 0; from < count; from += FILL_BATCH) await store.add(records(vectors, from, Math.min(count, from + FILL_BATCH)));
        await store.close();
        const fill = (performance.now() - started) / 1000;
        await cp(plainDir, sealedDir, { recursive: true });
        log(`${kind.name}: encrypting the copy`);
        started = performance.now();
        await kind.rekey(sealedFile, undefined, key);
        const rekey = (performance.now() - started) / 1000;
        const plain: Timings = { open: [], add: [], first: [], search: [] };
        const sealed: Timings = { open: [], add: [], first: [], search: [] };
        for (let r = 0; r < ROUNDS; r++) {
          log(`${kind.name}: round ${r + 1} of ${ROUNDS}`);
          const batch = count + r * BATCH;
          await round(kind, plainFile, undefined, vectors, batch, queries, plain);
          await round(kind, sealedFile, key, vectors, batch, queries, sealed);
        }
        const m = (t: Timings): number[] => [median(t.open), median(t.add), median(t.first), median(t.search)];
        const [po, pa, pf, ps] = m(plain) as [number, number, number, number];
        const [so, sa, sf, ss] = m(sealed) as [number, number, number, number];
        const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)}×`;
        lines.push(`| ${kind.name} | plain | ${fill.toFixed(1)} | – | ${po.toFixed(0)} | ${pa.toFixed(0)} | ${pf.toFixed(1)} | ${ps.toFixed(2)} |`);
        lines.push(`| | encrypted | – | ${rekey.toFixed(1)} | ${so.toFixed(0)} | ${sa.toFixed(0)} | ${sf.toFixed(1)} | ${ss.toFixed(2)} |`);
        lines.push(`| | ratio | | | ${ratio(so, po)} | ${ratio(sa, pa)} | ${ratio(sf, pf)} | ${ratio(ss, ps)} |`);
      } finally {
        await rm(plainDir, { recursive: true, force: true });
        await rm(sealedDir, { recursive: true, force: true });
      }
    }
    return lines.join('\n');
  },
};

export default module;
