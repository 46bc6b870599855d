import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { NewRecord, Store } from '@pv/core';
import { cosine } from '@pv/metric-cosine';
import { FileStore } from '@pv/store-file';
import { HnswStore } from '@pv/store-hnsw';
import { SqliteStore } from '@pv/store-sqlite';
import type { BenchModule } from '../../../scripts/bench-types.js';
import { median } from '../../../scripts/bench-timing.js';
// The same deterministic 512-d unit vectors as the file-store benchmark.
import { unitVectors } from '../../store-file/bench/index.js';
import type { StoreEncryption } from '@pv/store-crypto';

const DIMENSION = 512;
const BATCH = 1000;
const SEARCHES = 10;

function records(vectors: Float32Array, from: number, to: number): NewRecord[] {
  return Array.from({ length: to - from }, (_, k) => {
    const i = from + k;
    return { id: `r${i}`, label: `person-${i % 1000}`, modelId: 'bench', vector: vectors.subarray(i * DIMENSION, (i + 1) * DIMENSION), source: { file: `photos/person-${i % 1000}/${i}.jpg` } };
  });
}

interface Kind {
  readonly name: string;
  open(dir: string, encryption: StoreEncryption | undefined): Promise<Store>;
}

const KINDS: readonly Kind[] = [
  { name: 'FileStore', open: (dir, encryption) => FileStore.open(path.join(dir, 'faces.pv'), encryption ? { encryption } : {}) },
  { name: 'SqliteStore (exact)', open: (dir, encryption) => SqliteStore.open(path.join(dir, 'faces.db'), encryption ? { encryption } : {}) },
  {
    name: 'HnswStore (efConstruction 64)',
    open: (dir, encryption) => HnswStore.open(path.join(dir, 'gallery.db'), { space: 'cosine', efConstruction: 64, ...(encryption ? { encryption } : {}) }),
  },
];

interface Row {
  readonly kind: string;
  readonly encrypted: boolean;
  readonly fill: number;
  readonly open: number;
  readonly add: number;
  readonly search: number;
}

async function measure(kind: Kind, encryption: StoreEncryption | undefined, vectors: Float32Array, count: number, queries: Float32Array): Promise<Row> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pv-bench-crypto-'));
  try {
    let started = performance.now();
    let store = await kind.open(dir, encryption);
    for (let from = 0; from < count; from += 10 * BATCH) await store.add(records(vectors, from, Math.min(count, from + 10 * BATCH)));
    await store.close();
    const fill = (performance.now() - started) / 1000;
    started = performance.now();
    store = await kind.open(dir, encryption);
    await store.count();
    const open = performance.now() - started;
    started = performance.now();
    await store.add(records(vectors, count, count + BATCH));
    const add = performance.now() - started;
    const times: number[] = [];
    await store.search(queries.subarray(0, DIMENSION), { k: 10, metric: cosine });
    for (let q = 0; q < SEARCHES; q++) {
      started = performance.now();
      await store.search(queries.subarray(q * DIMENSION, (q + 1) * DIMENSION), { k: 10, metric: cosine });
      times.push(performance.now() - started);
    }
    await store.close();
    return { kind: kind.name, encrypted: encryption !== undefined, fill, open, add, search: median(times) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const module: BenchModule = {
  title: 'Encryption at rest: cost per store (open, add, search), 512-d',
  order: 45,
  async run({ quick, log }) {
    const count = quick ? 10_000 : 100_000;
    const vectors = unitVectors(count + BATCH, 11);
    const queries = unitVectors(SEARCHES, 12);
    const encryption: StoreEncryption = { key: new Uint8Array(randomBytes(32)) };
    const rows: Row[] = [];
    for (const kind of KINDS) {
      for (const key of [undefined, encryption]) {
        log(`${kind.name} ${key ? 'encrypted' : 'plain'} at ${count}`);
        rows.push(await measure(kind, key, vectors, count, queries));
      }
    }
    const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)}×`;
    const lines = [
      `${count.toLocaleString('en-US')} records of 512-d unit vectors (labels person-0…999, a source path each), filled in batches of ${10 * BATCH}, closed, then: **open** = reopen and count; **add** = one batch of ${BATCH} more; **search** = median of ${SEARCHES} cosine k=10 searches. Encrypted: AES-256-GCM via node:crypto (\`@pv/store-crypto\`): the file store seals the whole file; SQLite and HNSW seal each row's vector and fields and index labels and ids by HMAC tags; HNSW seals its graph file (staged in /dev/shm). The ratio column is encrypted / plain of the same store, in the same run.`,
      '',
      '| store | | fill (s) | open (ms) | add 1000 (ms) | search p50 (ms) |',
      '| --- | --- | ---: | ---: | ---: | ---: |',
    ];
    for (let i = 0; i < rows.length; i += 2) {
      const plain = rows[i] as Row;
      const sealed = rows[i + 1] as Row;
      lines.push(`| ${plain.kind} | plain | ${plain.fill.toFixed(1)} | ${plain.open.toFixed(0)} | ${plain.add.toFixed(0)} | ${plain.search.toFixed(2)} |`);
      lines.push(`| | encrypted | ${sealed.fill.toFixed(1)} | ${sealed.open.toFixed(0)} | ${sealed.add.toFixed(0)} | ${sealed.search.toFixed(2)} |`);
      lines.push(`| | ratio | ${ratio(sealed.fill, plain.fill)} | ${ratio(sealed.open, plain.open)} | ${ratio(sealed.add, plain.add)} | ${ratio(sealed.search, plain.search)} |`);
    }
    return lines.join('\n');
  },
};

export default module;
