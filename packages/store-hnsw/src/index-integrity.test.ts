import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { selectTopK } from '@pv/core';
import { cosine } from '@pv/metric-cosine';
import { expectPvError } from '@pv/testkit';
import { startTsChild } from '@pv/testkit/process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HnswStore } from './hnsw-store.js';
import { FUZZ_K, answerOf, fuzzQueries, fuzzRecords, type FuzzOutcome, type FuzzTask } from './index-fuzz.fixture.js';
import { INDEX_CHECKSUMS_KEY, checkGraphStructure } from './index-integrity.js';

const child = path.join(path.dirname(fileURLToPath(import.meta.url)), 'index-fuzz-child.fixture.ts');

let root: string;
let pristine: string;
let expected: [string, number][][];

/** Exact answers by brute force over the gallery. */
function exactAnswers(): [string, number][][] {
  const records = fuzzRecords();
  return fuzzQueries().map((query) => {
    const distances = new Float32Array(records.map((r) => Math.fround(cosine.distance(query, r.vector))));
    return selectTopK(distances, FUZZ_K, 'lower').map((i) => [records[i]?.id as string, distances[i] as number]);
  });
}

const indexFileIn = (dir: string): string => path.join(dir, readdirSync(dir).find((n) => n.endsWith('.hnsw')) as string);

/** A copy of the pristine store in a fresh folder. */
function copyOfPristine(): string {
  const dir = mkdtempSync(path.join(root, 'copy-'));
  for (const name of readdirSync(pristine)) writeFileSync(path.join(dir, name), readFileSync(path.join(pristine, name)));
  return dir;
}

async function answers(store: HnswStore): Promise<[string, number][][]> {
  const out = [];
  for (const query of fuzzQueries()) out.push(answerOf(await store.search(query, { k: FUZZ_K, metric: cosine })));
  return out;
}

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'pv-hnsw-integrity-'));
  pristine = path.join(root, 'pristine');
  mkdirSync(pristine);
  const store = await HnswStore.open(path.join(pristine, 'store.db'), { ef: 400 });
  await store.add(fuzzRecords());
  await store.close();
  expected = exactAnswers();
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('HnswStore index integrity', () => {
  it('writes the index file 0600 and reads it back verified, without a warning, answering as exact search', async () => {
    const file = indexFileIn(pristine);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(pristine, 'store.db')).mode & 0o777).toBe(0o600);
    const dir = copyOfPristine();
    const warnings: string[] = [];
    const store = await HnswStore.open(path.join(dir, 'store.db'), { ef: 400, onWarning: (w) => warnings.push(w) });
    expect(await answers(store)).toEqual(expected);
    await store.close();
    expect(warnings).toEqual([]);
  });

  it('range-checks the header fields that crashed hnswlib (offsets 0, 48, 52, 97, 100) before its reader sees them', () => {
    const bytes = readFileSync(indexFileIn(pristine));
    const expectedGraph = { dimension: 8, m: 16, efConstruction: 200, maxSeq: 150 };
    expect(() => checkGraphStructure(bytes, 'x.hnsw', expectedGraph)).not.toThrow();
    for (const offset of [0, 48, 52, 97, 100]) {
      const damaged = Uint8Array.from(bytes);
      damaged.fill(0x7f, offset, offset + 4);
      expect(() => checkGraphStructure(damaged, 'x.hnsw', expectedGraph), `offset ${offset}`).toThrow(/x\.hnsw/u);
    }
    expect(() => checkGraphStructure(bytes, 'x.hnsw', { ...expectedGraph, maxSeq: 149 })).toThrow(/label 150, outside/u);
  });

  it('rebuilds from the database, with a warning, an index whose bytes changed or whose checksum is not recorded', async () => {
    for (const damage of ['flip', 'forget'] as const) {
      const dir = copyOfPristine();
      const file = indexFileIn(dir);
      if (damage === 'flip') {
        const bytes = readFileSync(file);
        // A stored vector value of the first element: the graph would still load, with wrong vectors.
        bytes[96 + 33 * 4 + 2] = (bytes[96 + 33 * 4 + 2] as number) ^ 0x40;
        writeFileSync(file, bytes);
      } else {
        const db = new Database(path.join(dir, 'store.db'));
        db.prepare('DELETE FROM pv_meta WHERE key = ?').run(INDEX_CHECKSUMS_KEY);
        db.close();
      }
      const warnings: string[] = [];
      const store = await HnswStore.open(path.join(dir, 'store.db'), { ef: 400, onWarning: (w) => warnings.push(w) });
      expect(await answers(store)).toEqual(expected);
      await store.close();
      expect(warnings, damage).toHaveLength(1);
      expect(warnings[0]).toMatch(damage === 'flip' ? /SHA-256.*rebuilt from the database/u : /no checksum is recorded.*rebuilt/u);
      // The rebuilt graph was written with its checksum: the next open is quiet.
      const quiet: string[] = [];
      const again = await HnswStore.open(path.join(dir, 'store.db'), { ef: 400, onWarning: (w) => quiet.push(w) });
      await again.close();
      expect(quiet).toEqual([]);
    }
  });

  it("refuses a damaged index with E_STORE_CORRUPT when asked to (damagedIndex: 'refuse')", async () => {
    const dir = copyOfPristine();
    const file = indexFileIn(dir);
    const bytes = readFileSync(file);
    bytes[200] = (bytes[200] as number) ^ 1;
    writeFileSync(file, bytes);
    const error = await expectPvError(HnswStore.open(path.join(dir, 'store.db'), { damagedIndex: 'refuse' }), 'E_STORE_CORRUPT');
    expect(error.message).toContain('SHA-256');
  });

  it(
    'survives 1,000 random mutations of the index file in child processes: no crash, every answer refused or equal to exact search',
    { timeout: 300_000 },
    async () => {
      const mutations = 1000;
      const children = 4;
      const seed = 14_000;
      const per = mutations / children;
      const runs = Array.from({ length: children }, (_, c) => {
        const task: FuzzTask = { pristine, work: path.join(root, `work-${c}`), from: c * per, to: (c + 1) * per, seed, expected };
        return startTsChild(child, [JSON.stringify(task)]);
      });
      const exits = await Promise.all(runs.map((r) => r.exited));
      const outcomes = runs.flatMap((r) => r.lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as FuzzOutcome));
      exits.forEach((exit, c) => {
        const last = runs[c]?.lines.at(-1) ?? 'none';
        expect({ code: exit.code, signal: exit.signal }, `child ${c} (last outcome ${last}): ${exit.stderr}`).toEqual({ code: 0, signal: null });
      });
      expect(outcomes).toHaveLength(mutations);
      // With the digest in the database intact, a damaged file never reaches hnswlib: every answer is exact.
      const honest = outcomes.filter((o) => !o.forged);
      expect(honest.filter((o) => o.outcome !== 'refused' && !o.equal)).toEqual([]);
      expect(honest.filter((o) => o.outcome === 'used').length).toBeLessThan(honest.length / 10);
      // Forged digests leave only the structure checks: those must keep hnswlib from crashing (checked above).
      const tally = new Map<string, number>();
      for (const o of outcomes) tally.set(`${o.forged ? 'forged' : 'honest'} ${o.outcome}${o.equal ? '' : ' (differs)'}`, (tally.get(`${o.forged ? 'forged' : 'honest'} ${o.outcome}${o.equal ? '' : ' (differs)'}`) ?? 0) + 1);
      console.log(`index fuzz, ${mutations} mutations: ${[...tally].map(([k, v]) => `${k}: ${v}`).join(', ')}`);
    },
  );
});
