// `pnpm bench --only store-sqlite`: what the integrity checks of @pv/store-sqlite and @pv/store-hnsw cost
// (issue 14): open time with each openCheck at 100k records, the per-record checksum verified on every
// read, and the verification of an HNSW index file before hnswlib reads it.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { cosine } from '@pv/metric-cosine';
import { HnswStore } from '../../store-hnsw/src/index.js';
import { checkGraphStructure, fileSha256 } from '../../store-hnsw/src/index-integrity.js';
import { medianMs, medianNs } from '../../../scripts/bench-timing.js';
import type { BenchModule } from '../../../scripts/bench-types.js';
import { checksumMatches } from '../src/record-checksum.js';
import { recordChecksum, SqliteStore, type OpenCheck } from '../src/index.js';
import { encodeVector } from '../src/vector-blob.js';

const DIMENSION = 512;

function unitVector(seed: number): Float32Array {
  let state = seed >>> 0 || 1;
  const v = new Float32Array(DIMENSION);
  let sum = 0;
  for (let j = 0; j < DIMENSION; j++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    v[j] = ((state >>> 0) / 4294967296) * 2 - 1;
    sum += (v[j] as number) ** 2;
  }
  const norm = Math.sqrt(sum);
  for (let j = 0; j < DIMENSION; j++) v[j] = (v[j] as number) / norm;
  return v;
}

async function fillStore(store: { add: SqliteStore['add'] }, count: number): Promise<void> {
  for (let start = 0; start < count; start += 5000) {
    const batch = Array.from({ length: Math.min(5000, count - start) }, (_, k) => {
      const i = start + k;
      return { id: `r${i}`, label: `person-${i % 1000}`, modelId: 'bench', vector: unitVector(i + 1), source: { file: `photos/${i}.jpg`, box: { x: 1, y: 2, width: 90, height: 110 } } };
    });
    await store.add(batch);
  }
}

const integrity: BenchModule = {
  title: 'Store integrity checks (SQLite open check, record checksums, HNSW index verification)',
  order: 62,
  async run(context) {
    const records = context.quick ? 10_000 : 100_000;
    const hnswRecords = context.quick ? 2_000 : 20_000;
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pv-bench-integrity-'));
    try {
      const file = path.join(dir, 'gallery.db');
      context.log(`integrity: writing ${records} records`);
      const writer = await SqliteStore.open(file, { synchronous: 'normal' });
      await fillStore(writer, records);
      await writer.close();
      const megabytes = (await stat(file)).size / 2 ** 20;

      const openRows: string[] = [];
      const openTimes = new Map<OpenCheck, number>();
      for (const check of ['none', 'bounded', 'full'] as const) {
        context.log(`integrity: open with openCheck ${check}`);
        const ms = await medianMs(check === 'full' ? 2 : 5, async () => (await SqliteStore.open(file, { openCheck: check })).close());
        openTimes.set(check, ms);
      }
      const none = openTimes.get('none') as number;
      for (const [check, ms] of openTimes) openRows.push(`| \`${check}\` | ${ms.toFixed(1)} | ${(ms - none).toFixed(1)} |`);

      // The checksum every read verifies, alone, on one 512-d record as stored.
      const vector = encodeVector(unitVector(7));
      const row = ['r7', 'person-7', 'bench', 1_800_000_000_000, 'photos/7.jpg', 1, 2, 90, 110, vector];
      const stored = [...row, recordChecksum(...(row as Parameters<typeof recordChecksum>))];
      const checksumNs = medianNs(20, () => {
        for (let i = 0; i < 10_000; i++) checksumMatches(stored);
      }) / 10_000;

      context.log('integrity: exact searches');
      const store = await SqliteStore.open(file, { openCheck: 'none' });
      const query = unitVector(123_456);
      const searchMs = await medianMs(5, () => store.search(query, { k: 10, metric: cosine }));
      await store.close();

      context.log(`integrity: HNSW index of ${hnswRecords} records`);
      const hnswFile = path.join(dir, 'hnsw.db');
      const hnsw = await HnswStore.open(hnswFile);
      await fillStore(hnsw, hnswRecords);
      await hnsw.close();
      const indexName = (await import('node:fs')).readdirSync(dir).find((n) => n.endsWith('.hnsw')) as string;
      const indexFile = path.join(dir, indexName);
      const indexMb = (await stat(indexFile)).size / 2 ** 20;
      const shaMs = await medianMs(5, () => fileSha256(indexFile));
      const bytes = (await import('node:fs')).readFileSync(indexFile);
      const structureMs = await medianMs(5, () => checkGraphStructure(bytes, indexName, { dimension: DIMENSION, m: 16, efConstruction: 200, maxSeq: hnswRecords }));
      const hnswOpenMs = await medianMs(3, async () => (await HnswStore.open(hnswFile, { openCheck: 'none' })).close());

      return [
        `SQLite store of ${records.toLocaleString('en')} records of ${DIMENSION}-d (${megabytes.toFixed(0)} MiB), opened and closed (median):`,
        '',
        '| openCheck | open + close (ms) | cost of the check (ms) |',
        '| --- | ---: | ---: |',
        ...openRows,
        '',
        `\`bounded\` on a store over 64 MiB walks both indexes and samples 256 records; under 64 MiB it is SQLite's \`quick_check\` plus every checksum (as \`full\`, with \`quick_check\` for \`integrity_check\`).`,
        '',
        '| per-read cost | value |',
        '| --- | ---: |',
        `| CRC-32 verification of one stored ${DIMENSION}-d record | ${(checksumNs / 1000).toFixed(2)} µs |`,
        `| exact search, k = 10, over ${records.toLocaleString('en')} records (verifies every record) | ${searchMs.toFixed(0)} ms |`,
        `| of which checksums (${records.toLocaleString('en')} × the line above) | ${((checksumNs * records) / 1e6).toFixed(0)} ms (${((100 * checksumNs * records) / 1e6 / searchMs).toFixed(0)} %) |`,
        '',
        `HNSW index file of ${hnswRecords.toLocaleString('en')} records (${indexMb.toFixed(1)} MiB), verified before hnswlib reads it:`,
        '',
        '| step | ms |',
        '| --- | ---: |',
        `| SHA-256 of the file | ${shaMs.toFixed(1)} |`,
        `| range checks of header and every element | ${structureMs.toFixed(1)} |`,
        `| whole open + close of the HNSW store (verification, read, catch-up) | ${hnswOpenMs.toFixed(1)} |`,
      ].join('\n');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};

export { integrity };
